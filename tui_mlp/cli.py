"""Command line: ``tui-mlp`` (the app), ``tui-mlp train`` (headless), ``compare``, ``sweep``, ``serve``.

Only argparse and config are imported at module level, so ``--help`` answers
without loading torch or textual.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import os
import signal
import sys
from typing import Any, Callable, Sequence

from tui_mlp import __version__
from tui_mlp.config import (
    FIELDS,
    MAX_JOBS,
    MAX_SEED,
    MAX_SWEEP_RUNS,
    Config,
    ConfigError,
    build_layered,
    option_name,
    text_of,
)
from tui_mlp.presets import DEFAULT_PRESET, PRESETS, preset
from tui_mlp.signals import (
    Signalled,
    StopFlag,
    exit_at_once,
    exit_code,
    on_loop,
    raise_signalled,
    stopped_message,
)

EXIT_USAGE = 2
EXIT_FAILED = 1


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, exit code 2.

    Given an option it does not know, the top parser takes the option's value
    for a command ("invalid choice: 'run.csv'"): it names the option instead,
    and says where it belongs if a command has it."""

    _argv: list[str] = []

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        self._argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {self._unknown_option() or message}\n")

    def _unknown_option(self) -> str | None:
        """The message for the first option this parser does not know, if any."""
        commands = next((a.choices for a in self._actions if isinstance(a, argparse._SubParsersAction)), None)
        if not commands:
            return None
        for token in self._argv:
            name = token.split("=", 1)[0]
            if token in commands:  # options after a command are the command's
                return None
            if name.startswith("--") and name not in self._option_string_actions:
                owners = [command for command, sub in commands.items() if name in sub._option_string_actions]
                if owners:
                    keys = " (in the app, ? lists the keys that save, load and export)" if "train" in owners else ""
                    return f"{name} is an option of {' and '.join(f'{self.prog} {c}' for c in owners)}, " \
                           f"not of the app{keys}"
                return f"unrecognized option {name} (see {self.prog} --help)"
        return None


def _add_setting_options(parser: argparse.ArgumentParser) -> None:
    """One option per config field, help text and default from config.py."""
    defaults = Config()
    groups = {g: parser.add_argument_group(f"{g} settings") for g in ("data", "model", "train")}
    for name, spec in FIELDS.items():
        default = text_of(defaults.get(name))
        accepted = f" ({'|'.join(spec.choices)})" if spec.choices else \
            f"; {spec.accepted.removeprefix('expected ')}"
        groups[spec.group].add_argument(
            option_name(name), dest=name, metavar=name.upper(), default=None,
            help=f"{spec.help}{accepted}" + (f"; default {default}" if default else ""))


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
    group.add_argument("--export-data", metavar="FILE",
                       help="write the data (generated or read) to this CSV file, one row per "
                            "point: x1,x2,split,label with split train, dev or test")
    group.add_argument("--export-weights", metavar="FILE",
                       help="write the best-dev weights to this JSON file as plain lists: "
                            '{"layers": [{"name": "fc1", "W": [[...]], "b": [...]}, ...]}, '
                            "W with a row per input (each layer computes x @ W + b)")
    group.add_argument("--diagnostics", action="store_true",
                       help="also report per-layer gradient norms, dead units, weight histograms "
                            "and a gradient check of the backward against finite differences")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tui-mlp", allow_abbrev=False, description=(
        "Train the hand-written feed-forward network of NNDL chapter 4 on two moons "
        "and watch it learn. With no command, opens the terminal app with the settings "
        "below (checked as `tui-mlp train` checks them, before the screen opens)."))
    parser.add_argument("--version", action="version", version=f"tui-mlp {__version__}")
    _add_source_options(parser)
    _add_setting_options(parser)
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

    sweep = sub.add_parser(
        "sweep", help="train every combination of a grid of settings over several seeds",
        description="Train every combination of the --grid values, once per seed, in "
                    "worker processes, and print the mean and standard deviation (n - 1) of "
                    "the test accuracy and loss of each combination's best-dev models. Each "
                    "run is the run `tui-mlp train` makes with those settings. Ctrl-C or "
                    "SIGTERM stops the sweep and prints the runs finished.")
    _add_source_options(sweep)
    _add_setting_options(sweep)
    sweep.add_argument("--grid", action="append", default=[], metavar="SETTING=V1,V2,...",
                       help="a setting and the values to try, e.g. --grid lr=0.05,0.1,0.2 "
                            "--grid hidden=5,16 (repeatable; any setting above but seed, each "
                            "value within its limits; separate values with ; when they hold "
                            "commas: hidden=5;16,16)")
    sweep.add_argument("--seeds", default=None, metavar="SEEDS",
                       help=f"data seeds to run each combination with (the init seed follows "
                            f"unless --init-seed is set), e.g. 0-4 or 1,5,9; each 0-{MAX_SEED:,}, "
                            f"at most {MAX_SWEEP_RUNS:,} runs in all; default: the seed setting")
    sweep.add_argument("--jobs", default=None, metavar="N",
                       help=f"worker processes, 1-{MAX_JOBS} (default: the number of cores, "
                            f"{os.cpu_count() or 1} here; 1 runs in this process)")
    sweep.add_argument("--json", action="store_true",
                       help="print one JSON object with every run and the statistics instead "
                            "of the table")

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
    return check_csv_options(args, build_layered(setting_sources(args)))


def check_csv_options(args: argparse.Namespace, config: Config) -> Config:
    """``config``, unless the command line's CSV options say nothing useful:
    an empty ``--csv`` (which would train a generated set), ``--columns``
    with no CSV to read them from (ConfigError naming both)."""
    csv, columns = getattr(args, "csv", None), getattr(args, "columns", None)
    if csv is not None and not csv.strip():
        raise ConfigError("csv", csv, "expected the path of a CSV file (leave --csv out for a "
                                      "generated data set)")
    if columns is not None and config.data.dataset != "csv":
        raise ConfigError("columns", columns, f"expected --csv PATH with it: --columns names columns "
                                              f"of a CSV file, and the data set is {config.data.dataset}")
    return config


def setting_sources(args: argparse.Namespace) -> list[tuple[dict[str, Any], Callable[[str], str]]]:
    """The preset, the settings file and the options, lowest precedence first,
    each with how its errors name a field."""
    layers: list[tuple[dict[str, Any], Callable[[str], str]]] = []
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
    return layers


def parse_jobs(text: str) -> int:
    """``--jobs``: a number of worker processes, 1 to ``MAX_JOBS`` (ConfigError otherwise)."""
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= MAX_JOBS:
        raise ConfigError("jobs", text, f"expected a number of worker processes from 1 to {MAX_JOBS}")
    return jobs


def data_message(exc: Exception, config: Config) -> str:
    """Why the data cannot be had, blamed on the options that fix it: the split
    options (with the number of rows) for a split that does not fit, else the CSV."""
    from tui_mlp.experiment import SplitError

    if isinstance(exc, SplitError):
        where = f"the {exc.rows} rows of {config.data.csv}" if config.data.dataset == "csv" else \
            f"the {exc.rows} samples"
        return f"{option_name('train')}/{option_name('dev')}: the split does not fit {where}: {exc}"
    return f"{option_name('csv')}: {exc}"


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


def _silence_stdout() -> None:
    """Point stdout at /dev/null: its reader has gone (or its device is full),
    and the interpreter's last flush must not fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class _Stdout:
    """Lines for stdout that outlive their reader: after `| head` closes the
    pipe, printing stops but the run goes on and writes its files."""

    def __init__(self, console: Any) -> None:
        self.console, self.open = console, True

    def print(self, line: str) -> None:
        if not self.open:
            return
        try:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)
        except BrokenPipeError:
            self.open = False
            _silence_stdout()


def _train(exp: Any, save_dir: str | None, log: Any, progress: Any, interrupted: StopFlag) -> Any:
    """The one training loop (``Runner.train``) with a progress bar, stopped
    after the current epoch by a signal; the end's lines are logged here."""
    from tui_mlp.runner import Stop, final_line, interrupted_line

    runner, epochs = exp.runner, exp.config.train.epochs
    with interrupted, progress:
        task = progress.add_task("training", total=epochs, loss="")
        outcome = runner.train(exp.train_set, exp.dev_set, epochs, exp.config.train.log_epochs,
                               save_dir, log, on_epoch=lambda r: _advance(progress, task, r, epochs),
                               should_stop=lambda: interrupted.is_set)
    if outcome.stopped == Stop.REQUESTED:
        log(interrupted_line(runner.epoch, epochs))
    if outcome.last is not None:
        log(final_line(outcome.last, runner.scoring))
    return outcome


def run_train(args: argparse.Namespace) -> int:
    config = _settings(args)
    if isinstance(config, int):
        return config

    from tui_mlp.files import WriteError, check_directory, check_outputs

    outputs = {"--save-config": args.save_config, "--history-csv": args.history_csv,
               "--export-json": args.export_json, "--export-data": args.export_data,
               "--export-weights": args.export_weights}
    for option, path in {**outputs, "--save-dir": args.save_dir}.items():
        if path is not None and not path.strip():
            what = "a directory to save the best model in" if option == "--save-dir" else "a file path"
            return _fail(f"{option}: {path!r} is not accepted; expected {what}", EXIT_USAGE)
    try:
        check_outputs(outputs,
                      {"the data file the run reads (csv)": config.data_file,
                       "the settings file the run reads (--config)": args.config_file})
    except WriteError as exc:
        return _fail(str(exc), EXIT_FAILED)
    try:
        if args.save_dir is not None:
            check_directory(args.save_dir, "save the model to")
    except WriteError as exc:
        return _fail(f"--save-dir: {exc}", EXIT_FAILED)
    if args.save_config is not None:
        from tui_mlp.settings_file import save_config

        try:
            save_config(config, args.save_config)
        except WriteError as exc:
            return _fail(f"--save-config: {exc}", EXIT_FAILED)

    with exit_at_once():
        import torch

        from tui_mlp.checkpoint import CheckpointError
        from tui_mlp.data import DataError
        from tui_mlp.experiment import TooBig, build, threads_for
        from tui_mlp.results import (
            evaluate_best,
            run_record,
            write_data_csv,
            write_history_csv,
            write_run_json,
            write_weights_json,
        )
        from tui_mlp.runner import Stop, saved_line, test_line

    torch.set_num_threads(threads_for(config))
    try:
        exp = build(config, diagnostics=args.diagnostics)
    except DataError as exc:
        return _fail(data_message(exc, config), EXIT_USAGE)
    except TooBig as exc:
        return _fail(str(exc), EXIT_USAGE)
    runner = exp.runner
    try:
        if args.load_dir:
            try:
                runner.load_model(args.load_dir)
            except CheckpointError as exc:
                return _fail(f"--load-dir: {exc}", EXIT_FAILED)
        progress = _progress_bar(args.json)
        out = _Stdout(progress.console)
        stop = StopFlag()

        def log(line: str) -> None:  # plain text: no markup, no wrapping
            if not args.json:
                out.print(line)

        outcome = _train(exp, args.save_dir, log, progress, stop)
    except CheckpointError as exc:
        return _fail(f"--save-dir: {exc}", EXIT_FAILED)
    if args.save_dir is not None and runner.best_params is not None:
        log(saved_line(runner, args.save_dir))

    tested = evaluate_best(exp)
    log(test_line(tested.score, tested.loss, runner.scoring))
    for name, matrix in tested.confusions():
        for line in matrix.lines(name):
            log(line)
    runner.restore_best()  # the diagnostics describe the best-dev model
    diagnostics = _diagnostics(exp, outcome.last, log) if args.diagnostics else None
    stopped = {Stop.REQUESTED: "interrupted", Stop.EARLY: "early stopping"}  # the JSON's words
    extra: dict[str, Any] = {
        **({"preset": preset(args.preset).name} if args.preset else {}),
        **({"diagnostics": diagnostics} if diagnostics is not None else {}),
        **({"error": outcome.error} if outcome.error else {}),
        **({"stopped": stopped[outcome.stopped]} if outcome.stopped in stopped else {}),
    }
    result = run_record(exp, tested, outcome.seconds, **extra)
    if args.json:
        out.print(json.dumps(result))
    writes: list[tuple[str, str | None, Callable[[str], object]]] = [
        ("--history-csv", args.history_csv, lambda path: write_history_csv(path, runner.history,
                                                                                   runner.scoring)),
        ("--export-json", args.export_json, lambda path: write_run_json(path, result)),
        ("--export-data", args.export_data, lambda path: write_data_csv(path, exp)),
        ("--export-weights", args.export_weights, lambda path: write_weights_json(path, exp))]
    for option, path, write in writes:
        if path is not None:
            try:
                write(path)
            except WriteError as exc:
                return _fail(f"{option}: {exc}", EXIT_FAILED)
    if outcome.error:
        return _fail(outcome.error, EXIT_FAILED)
    return stop.exit_code if outcome.stopped == Stop.REQUESTED else 0


def _diagnostics(exp: Any, record: Any, log: Any) -> dict[str, Any]:
    """Print and return the diagnostics of the final (best-dev) model on the training set."""
    from tui_mlp.diagnostics import budgeted_gradient_check, diagnose
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
    check = budgeted_gradient_check(exp.model, X, y)
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

    with exit_at_once():
        import torch

        from tui_mlp.compare import compare, default_pair
        from tui_mlp.data import DataError
        from tui_mlp.experiment import TooBig, threads_for
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
        with StopFlag() as stop, progress:
            result = compare(a, b, on_record=on_record, should_stop=lambda: stop.is_set)
    except DataError as exc:
        return _fail(data_message(exc, config), EXIT_USAGE)
    except TooBig as exc:
        return _fail(str(exc), EXIT_USAGE)
    if stop.is_set:
        print("[Interrupted] the table holds what each side trained before the stop", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(f"Same data ({config.summary().split(' hidden=')[0]}, data seed "
              f"{config.data.seed}) and seeds for both sides:")
        for line in result.table_lines():
            print(line)
    failed = [run.error for run in result.runs if run.error]
    return stop.exit_code if stop.is_set else EXIT_FAILED if failed else 0


def run_sweep(args: argparse.Namespace) -> int:
    from tui_mlp.settings_file import SettingsFileError

    config: Config | None = None
    try:
        sources = setting_sources(args)
        config = check_csv_options(args, build_layered(sources))
    except SettingsFileError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except ConfigError as exc:
        if not args.grid:  # else judged with the grid's values below
            return _fail(str(exc), EXIT_USAGE)
    given = {name for values, _ in sources for name in values}  # what the user set, for a CSV's defaults

    with exit_at_once():
        from tui_mlp import sweep
        from tui_mlp.data import DataError
        from tui_mlp.experiment import TooBig

    try:
        jobs = parse_jobs(args.jobs) if args.jobs is not None else os.cpu_count() or 1
    except ConfigError as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        grid = sweep.parse_grid(args.grid)
        config = config or check_csv_options(args, sweep.base_of(sources, grid))
        seeds = sweep.parse_seeds(args.seeds) if args.seeds is not None else [config.data.seed]
        settings = sweep.plan(config, grid, seeds, given)
    except (sweep.SweepError, ConfigError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        sweep.check_data(settings)
    except DataError as exc:
        return _fail(data_message(exc, config), EXIT_USAGE)
    except TooBig as exc:
        return _fail(str(exc), EXIT_USAGE)
    progress = _progress_bar(args.json)
    runs = sum(len(s.configs) for s in settings)
    task = progress.add_task("sweep", total=runs, loss=f"{len(settings)} settings x {len(seeds)} seeds")
    with StopFlag() as stop, progress:
        result = sweep.sweep(settings, jobs, on_done=lambda run: progress.advance(task),
                             should_stop=lambda: stop.is_set)
    if result.interrupted:
        print(f"[Interrupted] the table holds the {result.runs} of {result.planned} runs finished "
              f"before the stop", file=sys.stderr)
    if args.json:
        from tui_mlp.results import run_json

        print(run_json(result.to_dict()), end="")
    else:
        print(f"Sweep on {config.summary().split(' hidden=')[0]}: {len(settings)} settings x "
              f"{len(seeds)} seeds, {min(jobs, runs)} job{'s' if min(jobs, runs) > 1 else ''}")
        for line in result.table_lines():
            print(line)
    return stop.exit_code if stop.is_set else EXIT_FAILED if result.failed else 0


def run_serve(args: argparse.Namespace) -> int:
    with exit_at_once():
        from tui_mlp import serve

    try:
        sock = serve.bind(args.host, args.port)
    except serve.ServeError as exc:
        return _fail(str(exc), EXIT_USAGE)
    if not serve.is_loopback(sock):
        print(f"tui-mlp: warning: serving on {args.host or 'every address'}: anyone who can "
              f"reach this address and has the URL's token can use the app", file=sys.stderr)
    return serve.serve(sock, args.host, max_sessions=args.max_sessions)


def run_app(config: Config | None = None) -> int:
    """Open the app; when it closes, the process ends at once (``end_now``)."""
    terminal = sys.stdout.isatty()
    if terminal:  # importing torch and textual takes seconds: say so meanwhile
        print("tui-mlp: starting...", end="", flush=True)
    # Start-up makes a few hundred thousand objects (textual, the screen,
    # torch) that all live as long as the app: collection passes over them
    # find nothing and cost a tenth of the time to the first frame. The app
    # turns the collector back on once torch has loaded.
    gc.disable()
    try:
        with exit_at_once():
            from tui_mlp.app import TrainerApp

        app = TrainerApp(config)
        # a loop of our own: asyncio.run's would, on closing, wait for its
        # executor's threads, i.e. for the epoch in progress (seconds on a big
        # network); end_now ends the process instead
        loop = asyncio.new_event_loop()
        signalled: list[int] = []

        def leave(signum: int) -> None:
            signalled.append(signum)
            app.leave(exit_code(signum))

        on_loop(loop, leave)
        app.run(loop=loop)
    finally:
        if terminal:  # back on the terminal's own screen: take the line away again
            print("\r\033[K", end="", flush=True)
    # quit came first: say so, do not wait (quit while torch loaded: nothing was asked yet)
    for what in app.trainer.unfinished_writes() if app.ready else ():
        print(f"tui-mlp: the {what} was not done: quit came before it", file=sys.stderr)
    if signalled:
        print(f"tui-mlp: {stopped_message(signalled[0])}", file=sys.stderr)
    end_now(app.return_code or 0)
    return 0  # not reached


def end_now(code: int) -> None:
    """Exit without waiting for the training thread to finish its epoch,
    which on a big network takes seconds: the model lives in memory only,
    and every file is written by renaming a complete temporary one, so
    nothing on disk is left half-written."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "train":
        return run_train(args)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "compare":
        return run_compare(args)
    if args.command == "sweep":
        return run_sweep(args)
    config = _settings(args)
    if isinstance(config, int):
        return config
    return run_app(config)


def main_exit() -> None:
    """The console script: exit with ``main``'s code."""
    try:
        with raise_signalled():  # training replaces these with a stop flag
            code = main()
            sys.stdout.flush()
    except BrokenPipeError:  # `tui-mlp train | head`: the reader left; not an error
        _silence_stdout()
        code = 0
    except Signalled as exc:
        code = _fail(stopped_message(exc.signum), exit_code(exc.signum))
    except KeyboardInterrupt:  # Ctrl-C outside the training loop and the imports
        code = _fail(stopped_message(signal.SIGINT), exit_code(signal.SIGINT))
    except OSError as exc:  # stdout on a full disk (`> /dev/full`) or a device that fails
        _silence_stdout()
        code = _fail(f"cannot write the output: {exc.strerror or exc}", EXIT_FAILED)
    sys.exit(code)
