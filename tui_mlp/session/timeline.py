"""The timeline of a run: copies of the parameters of evenly spaced epochs,
in bounded memory, and the cursor that walks them.

Pure, no threads: the trainer records every epoch and moves the cursor on
commands. Epochs are spaced as the history spaces them (``Spacing``: every
epoch of a short run, then every other one dropped and the stride doubled),
and a bigger network keeps fewer of them, so the copies never take more than
``TIMELINE_BYTES`` whatever its size; at most as many epochs as the history
holds, so every kept epoch has its metrics there.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from tui_mlp.config import TIMELINE_BYTES
from tui_mlp.history import DEFAULT_CAPACITY, Spacing, kept_through

Params = dict[str, dict[str, torch.Tensor]]

#: What one kept epoch costs besides its numbers (a tensor object, list
#: slots), counted against the budget.
ENTRY_OVERHEAD = 512
#: The units a cursor moves by: kept epochs, tenths of the run, the whole run
#: (to the first or the last).
SEEK_UNITS = ("kept", "tenth", "run")


@dataclass(frozen=True)
class View:
    """A past epoch the cursor shows: its parameters (from the timeline) and
    metrics (train loss, accuracy, dev loss, accuracy, from the history)."""

    epoch: int
    params: Params
    metrics: tuple[float, float, float, float] | None


class Timeline:
    """The parameters of a run's kept epochs (0-based, as the log counts),
    each one flat tensor; ``params(epoch)`` gives them back by layer."""

    def __init__(self, layout: Params, capacity: int = DEFAULT_CAPACITY, budget: int = TIMELINE_BYTES) -> None:
        self._shapes = [(layer, key, tuple(t.shape)) for layer, ps in layout.items() for key, t in ps.items()]
        first = next(iter(next(iter(layout.values())).values()))
        numel = sum(t.numel() for ps in layout.values() for t in ps.values())
        self.entry_bytes = numel * first.element_size() + ENTRY_OVERHEAD
        fit = min(capacity, budget // self.entry_bytes)
        fit -= fit % 2
        #: None when not even two epochs fit: the timeline keeps nothing.
        self._spacing = Spacing(fit) if fit >= 2 else None
        self.epochs: list[int] = []
        self._flat: list[torch.Tensor] = []

    @property
    def capacity(self) -> int:
        """The most epochs kept at once (0: the network is too big to keep any)."""
        return self._spacing.capacity if self._spacing is not None else 0

    @property
    def nbytes(self) -> int:
        """Bytes of parameters kept, overheads included."""
        return len(self._flat) * self.entry_bytes

    def record(self, epoch: int, params: Params) -> None:
        """After epoch ``epoch``: keep a copy of ``params`` (the live tensors,
        only read) if the spacing wants this epoch."""
        if self._spacing is None:
            return
        thin, keep = self._spacing.place(epoch, len(self.epochs))
        if thin:
            self.epochs, self._flat = self.epochs[::2], self._flat[::2]
        if keep:
            self.epochs.append(epoch)
            self._flat.append(torch.cat([params[layer][key].reshape(-1) for layer, key, _ in self._shapes]))

    def params(self, epoch: int) -> Params:
        """The parameters after a kept ``epoch``, by layer (views of the kept copy: read only)."""
        flat = self._flat[self.epochs.index(epoch)]
        out: Params = {}
        start = 0
        for layer, key, shape in self._shapes:
            size = int(torch.Size(shape).numel())
            out.setdefault(layer, {})[key] = flat[start:start + size].view(shape)
            start += size
        return out

    def truncate(self, last: int) -> None:
        """Forget the epochs after ``last`` (a rewind); the spacing goes on."""
        n = kept_through(self.epochs, last)
        del self.epochs[n:], self._flat[n:]

    def stops(self, latest: int) -> list[int]:
        """Where a cursor can stand: the kept epochs before ``latest``, then ``latest``."""
        return [*self.epochs[:kept_through(self.epochs, latest - 1)], latest]


def seek(stops: list[int], at: int, steps: int, unit: str) -> int:
    """The stop a cursor at stop ``at`` reaches moving ``steps`` ``unit``\\ s
    (one of SEEK_UNITS; negative: back); at least one stop, never past an end."""
    i = stops.index(at)
    if unit == "run":
        return stops[0] if steps < 0 else stops[-1]
    if unit == "tenth":
        target = at + steps * max(1, round((stops[-1] + 1) / 10))
        if steps > 0:
            j = max(i + 1, kept_through(stops, target - 1))
        else:
            j = min(i - 1, kept_through(stops, target) - 1)
    else:
        j = i + steps
    return stops[min(max(j, 0), len(stops) - 1)]


def replay_stop(stops: list[int], start: int, epochs: float) -> int:
    """Where a replay from ``start`` stands ``epochs`` epochs of the run later:
    the last stop it has reached."""
    return stops[max(kept_through(stops, int(start + epochs)) - 1, 0)]


#: At pace "max" a replay shows the whole run in this many seconds.
MAX_PACE_REPLAY_SECONDS = 3.0


def replay_rate(pace: float | None, latest: int) -> float:
    """Epochs of the run a replay moves on per second: the pace, or at "max"
    the whole run in MAX_PACE_REPLAY_SECONDS."""
    return pace if pace is not None else (latest + 1) / MAX_PACE_REPLAY_SECONDS


def rewind_line(epoch: int) -> str:
    return f"[Rewind] back to epoch {epoch}; optimizer state reset"
