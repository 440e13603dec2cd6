"""Per-epoch metrics kept in bounded memory.

Up to ``capacity`` epochs every epoch is kept (the book's lists, exactly).
Past that, every other row is dropped and only every ``stride``-th epoch is
recorded from then on, so a million epochs cost the same memory as a few
thousand and a plot of the whole run costs the same as a short one.
``Spacing`` is that rule alone, shared with the session's parameter timeline.
"""
from __future__ import annotations

from bisect import bisect_right

COLUMNS = ("train_loss", "train_score", "dev_loss", "dev_score")
#: Epochs kept before the history starts to thin itself out.
DEFAULT_CAPACITY = 8192


class Spacing:
    """Which epochs a bounded record keeps: every ``stride``-th one, and when
    ``capacity`` are kept, every other kept one goes and the stride doubles,
    so the kept epochs stay evenly spaced from epoch 0."""

    def __init__(self, capacity: int) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be an even number >= 2")
        self.capacity = capacity
        self.stride = 1

    def place(self, epoch: int, kept: int) -> tuple[bool, bool]:
        """(thin: drop every other kept entry first, keep: record ``epoch``),
        for a record holding ``kept`` entries."""
        if epoch % self.stride:
            return False, False
        if kept < self.capacity:
            return False, True
        self.stride *= 2
        return True, epoch % self.stride == 0


def kept_through(epochs: list[int], last: int) -> int:
    """How many of the ascending ``epochs`` are at most ``last``."""
    return bisect_right(epochs, last)


class History:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._spacing = Spacing(capacity)
        self.epochs: list[int] = []
        self.columns: dict[str, list[float]] = {name: [] for name in COLUMNS}

    @property
    def capacity(self) -> int:
        return self._spacing.capacity

    @property
    def stride(self) -> int:
        return self._spacing.stride

    def __len__(self) -> int:
        return len(self.epochs)

    def append(self, epoch: int, train_loss: float, train_score: float,
               dev_loss: float, dev_score: float) -> None:
        thin, keep = self._spacing.place(epoch, len(self.epochs))
        if thin:
            self.epochs = self.epochs[::2]
            for name, values in self.columns.items():
                self.columns[name] = values[::2]
        if keep:
            self.epochs.append(epoch)
            for name, value in zip(COLUMNS, (train_loss, train_score, dev_loss, dev_score)):
                self.columns[name].append(value)

    def truncate(self, last: int) -> None:
        """Forget the epochs after ``last`` (a rewind); the stride stays, so
        the epochs recorded next keep the spacing."""
        n = kept_through(self.epochs, last)
        del self.epochs[n:]
        for values in self.columns.values():
            del values[n:]

    def row(self, epoch: int) -> tuple[float, float, float, float] | None:
        """(train loss, train score, dev loss, dev score) of a kept epoch, else None."""
        n = kept_through(self.epochs, epoch)
        if not n or self.epochs[n - 1] != epoch:
            return None
        c = self.columns
        return c["train_loss"][n - 1], c["train_score"][n - 1], c["dev_loss"][n - 1], c["dev_score"][n - 1]

    def clear(self) -> None:
        """Forget every epoch; the capacity stays."""
        self._spacing = Spacing(self.capacity)
        self.epochs = []
        self.columns = {name: [] for name in COLUMNS}
