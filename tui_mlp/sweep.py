"""A sweep: every combination of a grid of settings, each trained once per
seed through the one training loop (``experiment.build``, ``Runner.train`` via
``compare.train_to_end``), in worker processes; then the mean and spread of
the test accuracy and loss per combination. Engine code: the CLI parses,
calls and prints.
"""
from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import signal
import statistics
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import torch

from tui_mlp.compare import describe, train_to_end
from tui_mlp.config import FIELDS, MAX_SEED, MAX_SWEEP_RUNS, Config, ConfigError, build_layered, parse_field, text_of
from tui_mlp.experiment import build, check_fits, load_data, threads_for
from tui_mlp.nn import Scoring, head_for, rmse
from tui_mlp.runner import ACCURACY, float32_digits


class SweepError(ValueError):
    """A grid or seed list that is refused; ``str()`` is one line for the user."""


# ---------------------------------------------------------------- the plan
def _values(text: str) -> list[str]:
    """``0.05,0.1`` or, for values that hold commas themselves, ``5;16,16``."""
    return [v.strip() for v in text.split(";" if ";" in text else ",")]


def parse_grid(items: Iterable[str]) -> dict[str, list[Any]]:
    """``--grid NAME=V1,V2`` items as ``{field: [parsed values]}``, in the order
    given; each value is parsed by the field's own parser."""
    grid: dict[str, list[Any]] = {}
    for item in items:
        key, sep, text = item.partition("=")
        name = key.strip().lstrip("-").replace("-", "_")
        if not sep or not name or not text.strip():
            raise SweepError(f"--grid: {item!r} is not accepted; expected SETTING=VALUE,VALUE,... "
                             f"(e.g. lr=0.05,0.1 or hidden=5;16,16)")
        if name not in FIELDS:
            raise SweepError(f"--grid: {key.strip()!r} is not a setting; expected one of "
                             + ", ".join(FIELDS))
        if name == "seed":
            raise SweepError("--grid seed: the data seed is swept by --seeds (e.g. --seeds 0-4)")
        if name in grid:
            raise SweepError(f"--grid {name}: given twice; list all its values in one --grid")
        texts = _values(text)
        try:
            grid[name] = [parse_field(name, value) for value in texts]
        except ConfigError as exc:
            raise SweepError(str(exc.relabel(f"--grid {name}"))) from None
        for k, value in enumerate(grid[name]):
            if value in grid[name][:k]:  # 0.1 and 0.10 too: one setting, run twice
                raise SweepError(f"--grid {name}: {texts[k]!r} is not accepted; it repeats "
                                 f"{texts[grid[name].index(value)]!r}: expected each value once")
    return grid


def parse_seeds(text: str) -> list[int]:
    """``0-4``, ``1,5,9`` or a mix (``0-2,7``): the data seeds, each within the
    seed field's limits."""
    refused = SweepError(f"--seeds: {text!r} is not accepted; expected seeds from 0 to {MAX_SEED:,} "
                         f"or ranges low-high (low <= high), comma-separated, at most "
                         f"{MAX_SWEEP_RUNS:,} in all (e.g. 0-4 or 1,5,9)")
    seeds: list[int] = []
    for part in text.split(","):
        low, dash, high = part.strip().partition("-")
        try:
            first = parse_field("seed", low)
            last = parse_field("seed", high) if dash else first
        except ConfigError:
            raise refused from None
        if last < first or len(seeds) + last - first >= MAX_SWEEP_RUNS:
            raise refused
        seeds.extend(range(first, last + 1))
    return seeds


@dataclass(frozen=True)
class Setting:
    """One combination of the grid's values, and its config for each seed."""

    values: dict[str, Any]
    configs: tuple[Config, ...]


def base_of(sources: list[tuple[dict[str, Any], Callable[[str], str]]],
            grid: dict[str, list[Any]]) -> Config:
    """The settings the grid varies, with the grid's first values: settings
    refused alone (task regression over the default data set, with the data
    sets in the grid) are judged with what the grid sets. ConfigError if even
    those are refused."""
    first = {name: text_of(values[0]) for name, values in grid.items()}
    return build_layered([*sources, (first, lambda n: f"--grid {n}")])


def plan(base: Config, grid: dict[str, list[Any]], seeds: list[int],
         given: Collection[str] | None = None) -> list[Setting]:
    """Every combination of ``grid`` over ``base``, one validated config per
    seed; a combination the settings refuse is a SweepError naming it.
    ``given``: the fields of ``base`` the user set (default: all), so that a
    CSV named in the grid gets a CSV's own defaults for the others, as
    ``tui-mlp train --csv`` does."""
    names = list(grid)
    combos = list(itertools.product(*grid.values()))
    if len(combos) * len(seeds) > MAX_SWEEP_RUNS:
        raise SweepError(f"--grid: {len(combos):,} combinations x {len(seeds):,} seeds is too many "
                         f"runs; expected at most {MAX_SWEEP_RUNS:,}")
    settings = []
    for combo in combos:
        values = dict(zip(names, combo))
        texts = {name: text_of(value) for name, value in values.items()}
        try:
            configs = tuple(build_layered([(texts, lambda n: f"--grid {n}"),
                                           ({"seed": str(s)}, lambda n: "--seeds")], base, given)
                            for s in seeds)
        except ConfigError as exc:
            where = " ".join(f"{n}={t}" for n, t in texts.items())
            raise SweepError(f"{exc} (in the combination {where})" if where else str(exc)) from None
        settings.append(Setting(values, configs))
    return settings


def check_data(settings: list[Setting]) -> None:
    """Build each distinct data set once, before any run: a bad CSV or a run
    too big for memory is refused (DataError, TooBig) up front."""
    seen = set()
    for config in (c for s in settings for c in s.configs):
        if config.data not in seen:
            seen.add(config.data)
            sets = load_data(config)
            check_fits(config, sum(len(part[1]) for part in sets))


# ---------------------------------------------------------------- one run
@dataclass(frozen=True)
class RunSummary:
    """One run's result; ``test_accuracy`` and ``best_dev_accuracy`` hold the
    task's score (accuracy, or a regression's R²) as ``scoring`` names it."""

    seed: int
    test_accuracy: float
    test_loss: float
    best_dev_accuracy: float
    epochs: int
    error: str | None = None
    interrupted: bool = False  # stopped by a request: not a finished run
    scoring: Scoring = ACCURACY

    @property
    def test_rmse(self) -> float:
        return rmse(self.test_loss)

    def to_dict(self) -> dict[str, Any]:
        scores = self.scoring.record("test", self.test_loss, self.test_accuracy)
        return {"seed": self.seed, **{k: float32_digits(v) for k, v in scores.items()},
                "test_loss": float32_digits(self.test_loss),
                f"best_dev_{self.scoring.key}": float32_digits(self.best_dev_accuracy),
                "epochs": self.epochs,
                **({"error": self.error} if self.error else {})}


def run_one(config: Config, should_stop: Callable[[], bool] = lambda: False) -> RunSummary:
    """Train ``config`` as ``tui-mlp train`` does and score its best-dev model on test."""
    asked: list[bool] = []

    def stop() -> bool:
        if should_stop():
            asked.append(True)
        return bool(asked)
    result = train_to_end(build(config), describe(config), should_stop=stop)
    return RunSummary(config.data.seed, result.test_accuracy, result.test_loss,
                      result.best_dev_accuracy, result.epochs, result.error, bool(asked), result.scoring)


_stop_event: Any = None  # the sweep's stop request, in a worker process


#: The signals a terminal sends its whole process group: the sweep's, not its workers'.
_GROUP_SIGNALS = {signal.SIGINT, signal.SIGHUP}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Processes started inside begin with Ctrl-C and SIGHUP blocked (the
    mask passes through fork and exec), so not even their start-up (importing
    torch) is cut short: the sweep stops them through its event. For this
    process a signal meanwhile waits until the block ends; it is not lost."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _GROUP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_worker(event: Any) -> None:
    """A worker is stopped through ``event``; it uses one intra-op thread,
    as the workers share the cores."""
    global _stop_event
    _stop_event = event
    torch.set_num_threads(1)


def _run_in_worker(config: Config) -> RunSummary:
    return run_one(config, _stop_event.is_set)


# ---------------------------------------------------------------- the sweep
def _mean_std(values: list[float]) -> tuple[float | None, float | None]:
    """Mean and sample standard deviation (n - 1); None where undefined."""
    mean = statistics.fmean(values) if values else None
    std = statistics.stdev(values) if len(values) > 1 else None
    return mean, std


def _digits(stats: tuple[float | None, float | None]) -> dict[str, float | None]:
    """Mean and spread of float32 results, with the digits a float32 holds."""
    return {key: None if value is None else float32_digits(value) for key, value in zip(("mean", "std"), stats)}


@dataclass
class SettingResult:
    setting: Setting
    runs: list[RunSummary] = field(default_factory=list)

    @property
    def finished(self) -> list[RunSummary]:
        """Runs that trained to the end (or stopped early) without an error."""
        return [r for r in self.runs if not r.error and not r.interrupted]

    @property
    def scoring(self) -> Scoring:
        return head_for(self.setting.configs[0].data).scoring

    def stats(self, key: str) -> tuple[float | None, float | None]:
        return _mean_std([getattr(r, key) for r in self.finished])

    def to_dict(self) -> dict[str, Any]:
        score, loss = self.stats("test_accuracy"), self.stats("test_loss")
        rmses = {"test_rmse": _digits(self.stats("test_rmse"))} if self.scoring.with_rmse else {}
        return {"values": {k: list(v) if isinstance(v, tuple) else v
                           for k, v in self.setting.values.items()},
                "runs": len(self.finished), "planned": len(self.setting.configs),
                **rmses, f"test_{self.scoring.key}": _digits(score), "test_loss": _digits(loss),
                "results": [r.to_dict() for r in sorted(self.finished, key=lambda r: r.seed)],
                "errors": [{"seed": r.seed, "error": r.error} for r in self.runs if r.error]}


@dataclass
class SweepResult:
    settings: list[SettingResult]
    seeds: list[int]
    interrupted: bool = False

    @property
    def runs(self) -> int:
        return sum(len(s.finished) for s in self.settings)

    @property
    def planned(self) -> int:
        return sum(len(s.setting.configs) for s in self.settings)

    @property
    def failed(self) -> list[str]:
        return [r.error for s in self.settings for r in s.runs if r.error]

    def to_dict(self) -> dict[str, Any]:
        return {"seeds": self.seeds, "runs": self.runs, "planned": self.planned,
                "interrupted": self.interrupted, "settings": [s.to_dict() for s in self.settings]}

    def table_lines(self) -> list[str]:
        """One row per combination: its values, the runs finished, and the mean
        and std of the test score (accuracy, or R² and RMSE) and loss; a grid
        over both tasks has a column of "score" alone."""
        names = list(self.settings[0].setting.values) if self.settings else []
        number = lambda v: "-" if v is None else f"{v:.4f}"  # noqa: E731
        scorings = {s.scoring for s in self.settings}
        scoring = scorings.pop() if len(scorings) == 1 else ACCURACY
        label = scoring.label if not scorings else "score"
        keys = ["test_accuracy", *(["test_rmse"] if scoring.with_rmse and not scorings else []), "test_loss"]
        heads = [f"test {label}", *(["test RMSE"] if len(keys) == 3 else []), "test loss"]
        rows = [(*names, "runs", *(h for head in heads for h in (head, "std")))]
        for s in self.settings:
            rows.append((*(text_of(v) or "none" for v in s.setting.values.values()),
                         f"{len(s.finished)}/{len(s.setting.configs)}",
                         *(number(x) for key in keys for x in s.stats(key))))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(c.ljust(w) if i < len(names) else c.rjust(w)
                           for i, (c, w) in enumerate(zip(r, widths))).rstrip() for r in rows]
        for s in self.settings:
            for r in s.runs:
                if r.error:
                    where = " ".join(f"{n}={text_of(v)}" for n, v in s.setting.values.items())
                    lines.append(f"{where} seed {r.seed}: {r.error}".strip())
        return lines


def _outcome(future: Future[RunSummary], config: Config) -> RunSummary:
    """A worker's result, or its failure (a worker that died, say) as one run's error."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - any failure is this run's, reported in the table
        nan = float("nan")
        return RunSummary(config.data.seed, nan, nan, nan, 0, f"the run failed: {exc or type(exc).__name__}")


def sweep(settings: list[Setting], jobs: int, on_done: Callable[[RunSummary], None] | None = None,
          should_stop: Callable[[], bool] = lambda: False, poll: float = 0.1) -> SweepResult:
    """Run every setting's configs in ``jobs`` worker processes (in this one
    when ``jobs`` is 1); ``on_done`` sees each finished run. When
    ``should_stop`` turns true, runs not started are dropped and running ones
    stop after their epoch; the result holds the runs finished before."""
    results = [SettingResult(s) for s in settings]
    work = [(i, c) for i, s in enumerate(settings) for c in s.configs]
    seeds = sorted({c.data.seed for s in settings for c in s.configs})

    def record(i: int, run: RunSummary) -> None:
        results[i].runs.append(run)
        if on_done is not None and not run.interrupted:
            on_done(run)

    if jobs <= 1:
        for i, config in work:
            if should_stop():
                break
            torch.set_num_threads(threads_for(config))
            record(i, run_one(config, should_stop))
        return SweepResult(results, seeds, should_stop())
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    event = context.Event()
    with ProcessPoolExecutor(min(jobs, len(work)), mp_context=context,
                             initializer=_start_worker, initargs=(event,)) as pool:
        with _signals_held():  # each submit starts a worker until all have started
            pending: dict[Future[RunSummary], tuple[int, Config]] = {
                pool.submit(_run_in_worker, c): (i, c) for i, c in work}
        while pending:
            done, _ = wait(pending, timeout=poll, return_when=FIRST_COMPLETED)
            for future in done:
                i, config = pending.pop(future)
                if not future.cancelled():
                    record(i, _outcome(future, config))
            if should_stop() and not event.is_set():
                event.set()
                for future in list(pending):
                    if future.cancel():
                        del pending[future]
    return SweepResult(results, seeds, event.is_set())
