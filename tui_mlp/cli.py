"""Command line: ``tui-mlp`` (the app), ``tui-mlp train`` (headless), ``tui-mlp serve``.

Only argparse and config are imported at module level, so ``--help`` answers
without loading torch or textual.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from typing import Any, Sequence

from tui_mlp.config import FIELDS, Config, ConfigError, build_config, option_name, text_of

EXIT_USAGE = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _add_setting_options(parser: argparse.ArgumentParser) -> None:
    """One option per config field, help text and default from config.py."""
    defaults = Config()
    groups = {g: parser.add_argument_group(f"{g} settings") for g in ("data", "model", "train")}
    for name, spec in FIELDS.items():
        default = text_of(defaults.get(name)) or "none"
        choices = f" ({'|'.join(spec.choices)})" if spec.choices else ""
        groups[spec.group].add_argument(
            option_name(name), dest=name, metavar=name.upper(), default=None,
            help=f"{spec.help}{choices}; default {default}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tui-mlp", description=(
        "Train the hand-written feed-forward network of NNDL chapter 4 on two moons "
        "and watch it learn. With no command, opens the terminal app."))
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    train = sub.add_parser("train", help="run the experiment headless and print the book's log",
                           description="Run the chapter's experiment with no UI.")
    _add_setting_options(train)
    train.add_argument("--save-dir", help="save the best-dev model here (one file per layer)")
    train.add_argument("--load-dir", help="start from a model saved by --save-dir")
    train.add_argument("--json", action="store_true",
                       help="print one JSON object with the results instead of the log")
    serve = sub.add_parser("serve", help="serve the app to a web browser (textual-serve)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    """The config the options describe; ConfigError names the option."""
    values = {name: getattr(args, name) for name in FIELDS if getattr(args, name, None) is not None}
    return build_config(values)


def _fail(message: str, code: int) -> int:
    print(f"tui-mlp: {message}", file=sys.stderr)
    return code


def run_train(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
    except ConfigError as exc:
        return _fail(str(exc), EXIT_USAGE)

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from tui_mlp.checkpoint import CheckpointError
    from tui_mlp.data import DataError
    from tui_mlp.experiment import build
    from tui_mlp.runner import TrainingDiverged, improved_line, test_line, train_line

    try:
        exp = build(config)
    except DataError as exc:
        return _fail(f"{option_name('csv')}: {exc}", EXIT_USAGE)
    runner = exp.runner
    if args.load_dir:
        try:
            runner.load_model(args.load_dir)
        except CheckpointError as exc:
            return _fail(str(exc), EXIT_FAILED)

    console = Console(highlight=False)
    quiet = args.json
    epochs, log_every = config.train.epochs, config.train.log_epochs
    interrupted = False

    def on_sigint(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted = True

    previous_handler = signal.signal(signal.SIGINT, on_sigint)
    progress = Progress(TextColumn("training"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("loss {task.fields[loss]:.4f}"), TimeRemainingColumn(),
                        console=console, transient=True,
                        disable=quiet or not console.is_terminal)
    log = (lambda line: None) if quiet else progress.console.print
    error: str | None = None
    start = time.perf_counter()
    try:
        with progress:
            task = progress.add_task("train", total=epochs, loss=float("nan"))
            for _ in range(epochs):
                old_best = runner.best_score
                record = exp.step()
                if record.improved:
                    log(improved_line(old_best, record.dev_score))
                    if args.save_dir:
                        runner.save_model(args.save_dir)
                if record.epoch % log_every == 0:
                    log(train_line(record.epoch, epochs, record.train_loss))
                if record.epoch % 16 == 0 or record.epoch == epochs - 1:
                    progress.update(task, completed=record.epoch + 1, loss=record.train_loss)
                if interrupted or record.stop:
                    break
    except TrainingDiverged as exc:
        error = str(exc)
    except CheckpointError as exc:
        signal.signal(signal.SIGINT, previous_handler)
        return _fail(str(exc), EXIT_FAILED)
    finally:
        signal.signal(signal.SIGINT, previous_handler)
    seconds = time.perf_counter() - start

    if record_stop_reason := ("interrupted" if interrupted else None):
        log(f"[Interrupted] stopped after {runner.epoch} of {epochs} epochs")
    elif runner.epoch < epochs and error is None:
        log(f"[Early stop] no better dev score for {config.train.patience} epochs; "
            f"stopped after {runner.epoch} epochs")
    runner.restore_best()
    test_score, test_loss = runner.evaluate(exp.test_set)
    log(test_line(test_score, test_loss))
    if quiet:
        print(json.dumps({
            "config": config.to_dict(), "test_accuracy": test_score, "test_loss": test_loss,
            "best_dev_accuracy": runner.best_score, "epochs": runner.epoch,
            "seconds": round(seconds, 4), **({"error": error} if error else {}),
            **({"stopped": record_stop_reason} if record_stop_reason else {}),
        }))
    if error:
        return _fail(error, EXIT_FAILED)
    return EXIT_INTERRUPTED if interrupted else 0


def run_serve(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"tui-mlp: warning: serving on {args.host}: anyone who can reach this address "
              f"can use the app", file=sys.stderr)
    Server(f"{sys.executable} -m tui_mlp", host=args.host, port=args.port,
           title="tui-mlp").serve()
    return 0


def run_app() -> int:
    from tui_mlp.app import TrainerApp

    TrainerApp().run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "train":
        return run_train(args)
    if args.command == "serve":
        return run_serve(args)
    return run_app()


def main_exit() -> None:
    """The console script: exit with ``main``'s code."""
    sys.exit(main())
