"""Command line: ``tui-mlp`` (the app), ``tui-mlp train`` (headless), ``tui-mlp serve``.

Only argparse and config are imported at module level, so ``--help`` answers
without loading torch or textual.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import sys
import time
from typing import Any, Sequence

from tui_mlp import __version__
from tui_mlp.config import FIELDS, Config, ConfigError, build_layered, option_name, text_of
from tui_mlp.presets import DEFAULT_PRESET, PRESETS, preset

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
        default = text_of(defaults.get(name))
        choices = f" ({'|'.join(spec.choices)})" if spec.choices else ""
        groups[spec.group].add_argument(
            option_name(name), dest=name, metavar=name.upper(), default=None,
            help=f"{spec.help}{choices}" + (f"; default {default}" if default else ""))


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    """Where settings come from, lowest precedence first: a preset, a settings
    file, then the setting options themselves."""
    group = parser.add_argument_group(
        "settings sources", "A preset, then a settings file, then the options below: "
        "each overrides the one before.")
    names = "; ".join(f"{p.name}: {p.title}" for p in PRESETS.values())
    group.add_argument("--preset", metavar="NAME",
                       help=f"start from a named preset ({names}); default {DEFAULT_PRESET}")
    group.add_argument("--config", dest="config_file", metavar="FILE",
                       help="load settings from a TOML file with [data], [model] and [train] "
                            "tables (as --save-config writes)")


def _add_result_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("results")
    group.add_argument("--save-config", metavar="FILE",
                       help="write the effective settings to this TOML file before training")
    group.add_argument("--history-csv", metavar="FILE",
                       help="write the per-epoch history (epoch,train_loss,train_score,dev_loss,"
                            "dev_score) to this CSV file")
    group.add_argument("--export-json", metavar="FILE",
                       help="write the run (settings, seeds, metrics, confusion matrices) "
                            "to this JSON file")
    group.add_argument("--diagnostics", action="store_true",
                       help="also report per-layer gradient norms, dead units, weight histograms "
                            "and a gradient check of the backward against finite differences")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tui-mlp", allow_abbrev=False, description=(
        "Train the hand-written feed-forward network of NNDL chapter 4 on two moons "
        "and watch it learn. With no command, opens the terminal app."))
    parser.add_argument("--version", action="version", version=f"tui-mlp {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser = functools.partial(sub.add_parser, allow_abbrev=False)  # type: ignore[method-assign]
    train = sub.add_parser("train", help="run the experiment headless and print the book's log",
                           description="Run the chapter's experiment with no UI.")
    _add_source_options(train)
    _add_setting_options(train)
    _add_result_options(train)
    train.add_argument("--save-dir", help="save the best-dev model here (one file per layer)")
    train.add_argument("--load-dir", help="start from a model saved by --save-dir")
    train.add_argument("--json", action="store_true",
                       help="print one JSON object with the results instead of the log")
    compare = sub.add_parser(
        "compare", help="train two configurations on the same data and seeds and compare them",
        description="Train two configurations on the same data with the same seeds and print "
                    "their test accuracy and loss. By default A is chapter 3's logistic "
                    "regression (no hidden layer) and B the MLP the settings describe; "
                    "--a and --b change one side.")
    _add_source_options(compare)
    _add_setting_options(compare)
    for side in ("a", "b"):
        compare.add_argument(f"--{side}", action="append", default=[], metavar="SETTING=VALUE",
                             help=f"a model or training setting for side {side.upper()} only, "
                                  f"e.g. --{side} hidden=16,16 --{side} activation=relu "
                                  f"(repeatable; data settings are shared)")
    compare.add_argument("--json", action="store_true",
                         help="print one JSON object with both results instead of the table")

    def bounded_int(what: str, low: int, high: int) -> Any:
        """An argparse type for serve: an integer in [low, high], else a usage error."""
        def parse(text: str) -> int:
            try:
                value = int(text)
            except ValueError:
                raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
            if not low <= value <= high:
                raise argparse.ArgumentTypeError(f"{value} is not a {what} ({low}-{high})")
            return value
        return parse

    serve = sub.add_parser(
        "serve", help="serve the app to a web browser (textual-serve), behind a token",
        description="Serve the app to web browsers. Prints a URL with a random token; "
                    "requests without it are refused, and so are websockets from pages of "
                    "other sites. Each session runs its own app process, ended when its "
                    "browser tab goes away.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=bounded_int("port", 0, 65535), default=8000,
                       help="port, 0-65535 (default 8000; 0: any free port, printed)")
    serve.add_argument("--max-sessions", type=bounded_int("number of sessions", 1, 64),
                       default=2, metavar="N",
                       help="app processes running at once, 1-64 (default 2; each takes "
                            "about 260 MB); past it a browser gets a 'sessions in use' page")
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    """The config a preset, a settings file and the options describe, in that
    order of precedence; ConfigError (or SettingsFileError) names the option,
    or the file and key, that is refused."""
    layers = []
    name = getattr(args, "preset", None)
    if name is not None:
        try:
            chosen = preset(name)
        except ConfigError as exc:
            raise exc.relabel("--preset") from None
        layers.append((chosen.values, lambda n: f"preset {chosen.name}: {n}"))
    if getattr(args, "config_file", None) is not None:
        from tui_mlp.settings_file import read_settings

        layers.append(read_settings(args.config_file))
    values = {name: getattr(args, name) for name in FIELDS if getattr(args, name, None) is not None}
    layers.append((values, option_name))
    return build_layered(layers)


def _fail(message: str, code: int) -> int:
    print(f"tui-mlp: {message}", file=sys.stderr)
    return code


def _settings(args: argparse.Namespace) -> Config | int:
    """The config, or an exit code after a one-line message."""
    from tui_mlp.settings_file import SettingsFileError

    try:
        return config_from_args(args)
    except (ConfigError, SettingsFileError) as exc:
        return _fail(str(exc), EXIT_USAGE)


def _progress_bar(quiet: bool) -> Any:
    """rich's progress bars on stdout, gone when done; off for ``--json`` and
    when stdout is not a terminal. A task's ``loss`` field is text."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = _console_class()(highlight=False)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[loss]}"), TimeRemainingColumn(),
                    console=console, transient=True, disable=quiet or not console.is_terminal)


def _advance(progress: Any, task: Any, record: Any, total: int) -> None:
    """Move a bar to ``record``'s epoch: every 16 epochs (rich's update costs
    more than a tiny epoch) and at the last one."""
    if record.epoch % 16 == 0 or record.stop or record.epoch + 1 == total:
        progress.update(task, completed=record.epoch + 1, loss=f"loss {record.train_loss:.4f}")


def _console_class() -> type:
    """rich's Console, but a closed pipe raises BrokenPipeError (handled in
    ``main_exit`` as a normal end) instead of rich's own exit with code 1."""
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return PipeConsole


class _StopFlag:
    """Set by Ctrl-C while training, so the loop stops after the current epoch."""

    def __init__(self) -> None:
        self.is_set = False

    def __enter__(self) -> "_StopFlag":
        self._previous = signal.signal(signal.SIGINT, self._set)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)

    def _set(self, signum: int, frame: Any) -> None:
        self.is_set = True


def _train_epochs(exp: Any, save_dir: str | None, log: Any, progress: Any) -> dict[str, Any]:
    """The book's training loop with its log lines. Returns how it ended:
    ``last`` record, ``seconds``, and ``error`` / ``stopped`` when it ended early.
    TrainingDiverged becomes ``error``; CheckpointError propagates."""
    from tui_mlp.runner import TrainingDiverged, improved_line, train_line

    runner, config = exp.runner, exp.config
    epochs, log_every = config.train.epochs, config.train.log_epochs
    outcome: dict[str, Any] = {"last": None, "error": None, "stopped": None}
    start = time.perf_counter()
    with _StopFlag() as interrupted, progress:
        task = progress.add_task("training", total=epochs, loss="")
        try:
            for _ in range(epochs):
                old_best = runner.best_score
                record = outcome["last"] = exp.step()
                if record.improved:
                    log(improved_line(old_best, record.dev_score))
                    if save_dir:
                        runner.save_model(save_dir)
                if record.epoch % log_every == 0:
                    log(train_line(record.epoch, epochs, record.train_loss))
                _advance(progress, task, record, epochs)
                if interrupted.is_set:
                    outcome["stopped"] = "interrupted"
                    log(f"[Interrupted] stopped after {runner.epoch} of {epochs} epochs")
                    break
                if record.stop:
                    outcome["stopped"] = "early stopping"
                    log(f"[Early stop] no better dev score for {config.train.patience} epochs; "
                        f"stopped after {runner.epoch} epochs")
                    break
        except TrainingDiverged as exc:
            outcome["error"] = str(exc)
    if outcome["last"] is not None:  # the last model, before the best-dev one is restored
        r = outcome["last"]
        log(f"[Final] epoch {r.epoch}: train loss/accuracy {r.train_loss:.4f}/{r.train_score:.4f}, "
            f"dev loss/accuracy {r.dev_loss:.4f}/{r.dev_score:.4f}")
    outcome["seconds"] = time.perf_counter() - start
    return outcome


def run_train(args: argparse.Namespace) -> int:
    config = _settings(args)
    if isinstance(config, int):
        return config

    from tui_mlp.files import WriteError, check_not_input, check_writable

    outputs = {"--save-config": args.save_config, "--history-csv": args.history_csv,
               "--export-json": args.export_json}
    try:
        for option, path in outputs.items():
            if path is not None:
                check_writable(path)
                check_not_input(path, config.data_file)
    except WriteError as exc:
        return _fail(f"{option}: {exc}", EXIT_FAILED)
    if args.save_config is not None:
        from tui_mlp.settings_file import save_config

        try:
            save_config(config, args.save_config)
        except WriteError as exc:
            return _fail(f"--save-config: {exc}", EXIT_FAILED)

    import torch

    from tui_mlp.checkpoint import CheckpointError
    from tui_mlp.data import DataError
    from tui_mlp.experiment import build, threads_for
    from tui_mlp.results import confusion_matrix, seeds_of, write_history_csv, write_run_json
    from tui_mlp.runner import test_line

    torch.set_num_threads(threads_for(config))
    try:
        exp = build(config, diagnostics=args.diagnostics)
    except DataError as exc:
        return _fail(f"{option_name('csv')}: {exc}", EXIT_USAGE)
    runner = exp.runner
    try:
        if args.load_dir:
            try:
                runner.load_model(args.load_dir)
            except CheckpointError as exc:
                return _fail(f"--load-dir: {exc}", EXIT_FAILED)
        progress = _progress_bar(args.json)

        def log(line: str) -> None:  # plain text: no markup, no wrapping
            if not args.json:
                progress.console.print(line, markup=False, highlight=False, soft_wrap=True)

        outcome = _train_epochs(exp, args.save_dir, log, progress)
    except CheckpointError as exc:
        return _fail(f"--save-dir: {exc}", EXIT_FAILED)

    runner.restore_best()
    test_score, test_loss = runner.evaluate(exp.test_set)
    log(test_line(test_score, test_loss))
    confusions = {"dev": confusion_matrix(exp.model, exp.dev_set),
                  "test": confusion_matrix(exp.model, exp.test_set)}
    for name, matrix in confusions.items():
        for line in matrix.lines(name):
            log(line)
    diagnostics = _diagnostics(exp, outcome["last"], log) if args.diagnostics else None

    result: dict[str, Any] = {
        "config": config.to_dict(), "test_accuracy": test_score, "test_loss": test_loss,
        "best_dev_accuracy": runner.best_score, "best_epoch": runner.best_epoch,
        "final_train_accuracy": outcome["last"].train_score if outcome["last"] else None,
        "epochs": runner.epoch, "seconds": round(outcome["seconds"], 4), "seeds": seeds_of(config),
        "confusion": {name: m.to_dict() for name, m in confusions.items()},
        **({"preset": preset(args.preset).name} if args.preset else {}),
        **({"diagnostics": diagnostics} if diagnostics is not None else {}),
        **({"error": outcome["error"]} if outcome["error"] else {}),
        **({"stopped": outcome["stopped"]} if outcome["stopped"] else {}),
    }
    if args.json:
        print(json.dumps(result))
    for option, path, write, what in (
            ("--history-csv", args.history_csv, write_history_csv, runner.history),
            ("--export-json", args.export_json, write_run_json, result)):
        if path is not None:
            try:
                write(path, what)
            except WriteError as exc:
                return _fail(f"{option}: {exc}", EXIT_FAILED)
    if outcome["error"]:
        return _fail(outcome["error"], EXIT_FAILED)
    return EXIT_INTERRUPTED if outcome["stopped"] == "interrupted" else 0


def _diagnostics(exp: Any, record: Any, log: Any) -> dict[str, Any]:
    """Print and return the diagnostics of the final (best-dev) model on the training set."""
    from tui_mlp.diagnostics import check_budget, diagnose, gradient_check
    from tui_mlp.render.diagnostics import histogram_bars

    X, y = exp.train_set
    d = diagnose(exp.model, X, y)
    last = record.grad_norms if record is not None and record.grad_norms else None
    log("[Diagnostics] gradient norms ||dL/dW|| of the best model: "
        + "  ".join(f"{n} {g:.3g}" for n, g in zip(d.layers, d.grad_norms)))
    if last:
        log("[Diagnostics] gradient norms in the last epoch: "
            + "  ".join(f"{n} {g:.3g}" for n, g in zip(d.layers, last)))
    if d.dead:
        log("[Diagnostics] dead units on the training set: "
            + "  ".join(f"layer {i} {dead}/{w}" for i, (dead, w) in enumerate(zip(d.dead, d.widths), 1))
            + ("  (every unit identical in: " + ", ".join(
                f"layer {i}" for i, same in enumerate(d.identical, 1) if same) + ")"
               if any(d.identical) else ""))
    for h in d.histograms:
        log(f"[Diagnostics] weights {h.layer} [{h.edges[0]:.3g}, {h.edges[-1]:.3g}] "
            f"{histogram_bars(h.counts)}")
    rows, per_tensor = check_budget(exp.model, X.shape[0])
    check = gradient_check(exp.model, X[:rows], y[:rows], max_per_tensor=per_tensor)
    log(check.line())
    return {"layers": list(d.layers), "grad_norms": list(d.grad_norms),
            "last_epoch_grad_norms": list(last) if last else None,
            "dead_units": list(d.dead), "hidden_widths": list(d.widths),
            "identical_units": list(d.identical),
            "weight_histograms": {h.layer: {"edges": list(h.edges), "counts": list(h.counts)}
                                  for h in d.histograms},
            "gradient_check": {"worst_relative_error": check.worst, "layer": check.layer,
                               "key": check.key, "index": list(check.index),
                               "checked": check.checked}}


def _side_values(items: list[str], side: str) -> dict[str, str] | int:
    """``--a hidden=16,16`` items as field values; data settings are refused."""
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        name = key.strip().lstrip("-").replace("-", "_")
        if not sep or not name:
            return _fail(f"--{side}: {item!r} is not accepted; expected SETTING=VALUE, "
                         f"e.g. hidden=16,16", EXIT_USAGE)
        spec = FIELDS.get(name)
        if spec is None:
            known = ", ".join(n for n, f in FIELDS.items() if f.group != "data")
            return _fail(f"--{side}: {key.strip()!r} is not a setting; expected one of {known}",
                         EXIT_USAGE)
        if spec.group == "data":
            return _fail(f"--{side} {name}: data settings are shared by both sides of a "
                         f"comparison; set it with {option_name(name)}", EXIT_USAGE)
        values[name] = value
    return values


def run_compare(args: argparse.Namespace) -> int:
    config = _settings(args)
    if isinstance(config, int):
        return config
    sides = {}
    for side in ("a", "b"):
        values = _side_values(getattr(args, side), side)
        if isinstance(values, int):
            return values
        sides[side] = values

    import torch

    from tui_mlp.compare import compare, default_pair
    from tui_mlp.data import DataError
    from tui_mlp.experiment import threads_for
    from tui_mlp.runner import EpochRecord

    a, b = default_pair(config)
    try:
        a = build_layered([(sides["a"], lambda n: f"--a {n}")], a)
        b = build_layered([(sides["b"], lambda n: f"--b {n}")], b)
    except ConfigError as exc:
        return _fail(str(exc), EXIT_USAGE)
    torch.set_num_threads(max(threads_for(a), threads_for(b)))
    progress = _progress_bar(args.json)
    totals = {"A": a.train.epochs, "B": b.train.epochs}
    tasks = {tag: progress.add_task(f"training {tag}", total=total, loss="waiting")
             for tag, total in totals.items()}

    def on_record(tag: str, record: EpochRecord) -> None:
        _advance(progress, tasks[tag], record, totals[tag])

    try:
        with progress:
            result = compare(a, b, on_record=on_record)
    except DataError as exc:
        return _fail(f"{option_name('csv')}: {exc}", EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(f"Same data ({config.summary().split(' hidden=')[0]}, data seed "
              f"{config.data.seed}) and seeds for both sides:")
        for line in result.table_lines():
            print(line)
    failed = [run.error for run in result.runs if run.error]
    return EXIT_FAILED if failed else 0


def run_serve(args: argparse.Namespace) -> int:
    from tui_mlp import serve

    try:
        sock = serve.bind(args.host, args.port)
    except serve.ServeError as exc:
        return _fail(str(exc), EXIT_USAGE)
    if not serve.is_loopback(sock):
        print(f"tui-mlp: warning: serving on {args.host or 'every address'}: anyone who can "
              f"reach this address and has the URL's token can use the app", file=sys.stderr)
    return serve.serve(sock, args.host, max_sessions=args.max_sessions)


def run_app() -> int:
    terminal = sys.stdout.isatty()
    if terminal:  # importing torch and textual takes seconds: say so meanwhile
        print("tui-mlp: starting...", end="", flush=True)
    try:
        from tui_mlp.app import TrainerApp

        TrainerApp().run()
    finally:
        if terminal:  # back on the terminal's own screen: take the line away again
            print("\r\033[K", end="", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "train":
        return run_train(args)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "compare":
        return run_compare(args)
    return run_app()


def main_exit() -> None:
    """The console script: exit with ``main``'s code."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `tui-mlp train | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    except KeyboardInterrupt:  # Ctrl-C outside the training loop (start-up, report)
        code = _fail("interrupted", EXIT_INTERRUPTED)
    sys.exit(code)
