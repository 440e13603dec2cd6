"""What the worker publishes for the screen: immutable snapshots, rare events
and the bounded log. No textual, no live tensors: everything here is a copy
that any thread may read.
"""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from tui_mlp.config import DEFAULT_PACE, LOG_LINES, PACES, Config
from tui_mlp.data import Dataset
from tui_mlp.diagnostics import Diagnosis, GradCheck
from tui_mlp.history import History
from tui_mlp.results import TestResult


def pace_text(pace: float | None) -> str:
    """How the status names a pace: "200/s" or "max"."""
    return "max" if pace is None else f"{pace:g}/s"


def next_pace(pace: float | None, step: int) -> float | None:
    """The pace ``step`` places faster (+1) or slower (-1), stopping at the ends."""
    i = PACES.index(pace) if pace in PACES else PACES.index(DEFAULT_PACE)
    return PACES[min(max(i + step, 0), len(PACES) - 1)]


class State(str, Enum):
    """Where a training run is."""

    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Curves:
    """Copies of the runner's bounded history, safe to read from any thread."""

    epochs: tuple[int, ...] = ()
    train_loss: tuple[float, ...] = ()
    dev_loss: tuple[float, ...] = ()
    train_score: tuple[float, ...] = ()
    dev_score: tuple[float, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """Everything the screen draws, frozen at one moment of the worker."""

    run: int  # a new number after every reset, rebuild or load
    data_version: int  # a new number whenever the data sets change
    state: State
    epoch: int  # epochs done in this run
    config: Config
    data: tuple[Dataset, Dataset, Dataset] | None
    params: dict | None  # copies of the weights drawn on the map
    metrics: tuple[float, float, float, float] | None = None  # train loss/acc, dev loss/acc
    best_score: float = 0.0
    best_epoch: int = -1
    curves: Curves = field(default_factory=Curves)
    speed: float = 0.0  # epochs per second while running
    pace: float | None = DEFAULT_PACE  # the epochs per second asked for; None: max
    error: str | None = None
    note: str = ""  # a short word on what changed last (shown in the status)
    grad_norms: tuple[tuple[float, ...], ...] = ()  # per epoch (the last NORM_EPOCHS), per layer
    norms_end: int = -1  # the epoch (as the log counts) of the last of ``grad_norms``
    diagnosis: Diagnosis | None = None  # of the weights in ``params``, on the training set
    tested: TestResult | None = None  # the last ``t`` (or end of run) of this run
    grad_check: tuple[int, GradCheck] | None = None  # (epoch, result) of the last ``g``
    viewing: int | None = None  # the timeline cursor's epoch, whose params and metrics these are; None: latest
    replaying: bool = False  # the cursor is moving on by itself (``y``)
    grads: dict | None = None  # copies of dL/dW, dL/db of the last epoch, keyed like ``params``

    @property
    def weights_epoch(self) -> int | None:
        """The epoch (as the log counts) whose weights ``params`` holds: the
        timeline's, else the last one trained; None for the initial weights."""
        return self.viewing if self.viewing is not None else self.epoch - 1 if self.epoch else None


@dataclass(frozen=True)
class Event:
    """A rare event for the screen: a notification, possibly about one field."""

    kind: Literal["info", "warning", "error"]
    text: str
    field: str | None = None


class LogBuffer:
    """The last ``maxlen`` log lines, with a running count so a reader can ask
    for what it has not seen yet."""

    def __init__(self, maxlen: int = LOG_LINES) -> None:
        self._lines: deque[str] = deque(maxlen=maxlen)
        self._count = 0
        self._lock = threading.Lock()

    def append(self, line: str) -> None:
        with self._lock:
            self._lines.append(line)
            self._count += 1

    def since(self, count: int) -> tuple[list[str], int]:
        """Lines written after the first ``count`` (at most ``maxlen``), and the new count."""
        with self._lock:
            new = min(self._count - count, len(self._lines))
            lines = list(self._lines)[len(self._lines) - new:] if new > 0 else []
            return lines, self._count



def curves_of(history: History) -> Curves:
    """A frozen copy of a bounded history, for a snapshot."""
    cols = history.columns
    return Curves(tuple(history.epochs), tuple(cols["train_loss"]), tuple(cols["dev_loss"]),
                  tuple(cols["train_score"]), tuple(cols["dev_score"]))
