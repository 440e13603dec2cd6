"""The commands the screen sends the training worker, one small frozen
dataclass per key; the worker applies them in the order they were queued.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tui_mlp.config import Config


@dataclass(frozen=True)
class Toggle:
    """``s``: start, pause or resume; from finished or error, a fresh run."""


@dataclass(frozen=True)
class Step:
    """``n``: one epoch, when idle or paused."""


@dataclass(frozen=True)
class Reset:
    """``r``: fresh weights from the seed, same data, history cleared."""


@dataclass(frozen=True)
class Test:
    """``t``: evaluate the best model on the test set."""

    __test__ = False  # a command, not a test class for pytest


@dataclass(frozen=True)
class Save:
    directory: str


@dataclass(frozen=True)
class Load:
    directory: str


@dataclass(frozen=True)
class SetPace:
    """``-``/``+``: epochs per second while running; ``None`` is as fast as possible."""

    epochs_per_second: float | None


@dataclass(frozen=True)
class Configure:
    """New settings: training ones retune the run, data or model ones reset it."""

    config: Config


@dataclass(frozen=True)
class CheckGradients:
    """``g``: the hand-written backward against finite differences, on a copy."""


@dataclass(frozen=True)
class Export:
    """Write the history (``what="history"``, CSV) or the run (``"run"``, JSON)."""

    what: str
    path: str


@dataclass(frozen=True)
class Seek:
    """Cursor keys: move the timeline's cursor ``steps`` units, one of
    SEEK_UNITS (kept epochs, tenths of the run, the whole run); negative: back."""

    steps: int
    unit: str = "kept"


@dataclass(frozen=True)
class Replay:
    """``y``: play the kept epochs from the cursor (from the start if it is at
    the end) at the pace; again, stop."""


@dataclass(frozen=True)
class Rewind:
    """``b``: make the cursor's epoch the run's latest; training goes on from it."""


@dataclass(frozen=True)
class EditWeight:
    """The network tab's edit of one entry of a layer's ``W`` or ``b`` (when
    not running): set to ``value``, or, with ``value`` None, moved by ``delta``."""

    #: Why an edit is refused while the run trains.
    REFUSED: ClassVar[str] = "pause (s) before editing weights"
    #: Why while the timeline's cursor shows an earlier epoch: edits are of the latest weights.
    PAST: ClassVar[str] = "the timeline shows an earlier epoch: go to the latest (end) or rewind (b) to edit"

    layer: str  # "fc1", ...
    key: str  # "W" or "b"
    index: tuple[int, int]
    value: float | None = None
    delta: float = 0.0

    @property
    def name(self) -> str:
        """How messages name the entry: ``fc1.W[0,2]``."""
        return f"{self.layer}.{self.key}[{self.index[0]},{self.index[1]}]"


Command = (Toggle | Step | Reset | Test | Save | Load | Configure | CheckGradients | Export | SetPace
           | Seek | Replay | Rewind | EditWeight)
