"""The compare tab's session (no textual): ``compare.compare`` run in a thread
worker of its own, publishing immutable views the screen polls.

The two experiments are built by ``compare`` from the settings alone, so the
training worker's model is never touched. While they train, the loss curves
grow (bounded ``History`` per side); when both are done, the view carries the
best-dev weights of each (copies) for the two boundary maps and the table.
A newer comparison supersedes an older one: only the latest may publish.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from enum import Enum
from typing import Callable

from tui_mlp.compare import Comparison, compare, default_pair, describe
from tui_mlp.config import PLANE, Config, ConfigError
from tui_mlp.data import DataError, Dataset
from tui_mlp.history import History
from tui_mlp.runner import EpochRecord
from tui_mlp.session.snapshot import Curves, curves_of


class CompareState(str, Enum):
    """Where a comparison is."""

    IDLE = "idle"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    def __str__(self) -> str:
        return self.value


PUBLISH_INTERVAL = 0.1


@dataclass(frozen=True)
class CompareView:
    """What the compare tab draws, frozen at one moment of the compare worker."""

    state: CompareState = CompareState.IDLE
    config: Config | None = None  # the settings the pair was made from
    labels: tuple[str, str] = ("", "")
    curves: tuple[Curves, Curves] = (Curves(), Curves())
    data: tuple[Dataset, Dataset, Dataset] | None = None
    params: tuple[dict, dict] | None = None  # best-dev weights (copies), when done
    activations: tuple[str, str] = ("logistic", "logistic")
    table: tuple[str, ...] = ()  # ``Comparison.table_lines``
    error: str | None = None
    epochs: tuple[int, int] = (0, 0)  # done so far, per side
    total: int = 0  # epochs each side trains at most
    features: tuple[tuple[str, ...], tuple[str, ...]] = (PLANE, PLANE)  # each side's inputs


class Comparer:
    def __init__(self) -> None:
        self.view = CompareView()
        self._latest = 0
        self._lock = threading.Lock()

    def begin(self) -> int:
        """A ticket for a new comparison; any older one stops publishing."""
        with self._lock:
            self._latest += 1
            return self._latest

    def run(self, ticket: int, config: Config, cancelled: Callable[[], bool]) -> None:
        """The worker's body: train the pair of ``config`` (``default_pair``:
        by default chapter 3's logistic regression against the MLP), same data
        and seeds."""
        a, b = default_pair(config)
        labels = (describe(a), describe(b))
        histories = {"A": History(), "B": History()}
        done = {"A": 0, "B": 0}
        base = CompareView(CompareState.RUNNING, config, labels,
                           activations=(a.model.activation, b.model.activation), total=config.train.epochs,
                           features=(a.model.features, b.model.features))
        self._publish(ticket, base)
        last = time.perf_counter()

        def on_record(tag: str, record: EpochRecord) -> None:
            nonlocal last
            r = record
            histories[tag].append(r.epoch, r.train_loss, r.train_score, r.dev_loss, r.dev_score)
            done[tag] = r.epoch + 1
            if time.perf_counter() - last >= PUBLISH_INTERVAL:
                self._publish(ticket, self._progress(base, histories, done))
                last = time.perf_counter()

        try:
            # compare names the sides from the built runs: a CSV's classes are known once it is read
            result = compare(a, b, None, on_record,
                             should_stop=lambda: cancelled() or ticket != self._latest)
        except (ConfigError, DataError) as exc:
            self._publish(ticket, CompareView(CompareState.FAILED, config, labels, error=str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - a fault here must not take the app down
            error = f"{type(exc).__name__}: {exc}"
            self._publish(ticket, CompareView(CompareState.FAILED, config, labels, error=error))
            return
        self._publish(ticket, self._final(base, result))

    @staticmethod
    def _progress(base: CompareView, histories: dict[str, History], done: dict[str, int]) -> CompareView:
        return CompareView(base.state, base.config, base.labels,
                           (curves_of(histories["A"]), curves_of(histories["B"])),
                           activations=base.activations, epochs=(done["A"], done["B"]), total=base.total,
                           features=base.features)

    @staticmethod
    def _final(base: CompareView, result: Comparison) -> CompareView:
        exps = result.experiments
        first = exps[0]
        return CompareView(CompareState.DONE, base.config, (result.runs[0].label, result.runs[1].label),
                           (curves_of(exps[0].runner.history), curves_of(exps[1].runner.history)),
                           (first.train_set, first.dev_set, first.test_set),
                           (exps[0].runner.parameters(), exps[1].runner.parameters()),
                           base.activations, tuple(result.table_lines()),
                           epochs=(result.runs[0].epochs, result.runs[1].epochs), total=base.total,
                           features=base.features)

    def _publish(self, ticket: int, view: CompareView) -> None:
        with self._lock:
            if ticket == self._latest:
                self.view = view
