"""Per-epoch metrics kept in bounded memory.

Up to ``capacity`` epochs every epoch is kept (the book's lists, exactly).
Past that, every other row is dropped and only every ``stride``-th epoch is
recorded from then on, so a million epochs cost the same memory as a few
thousand and a plot of the whole run costs the same as a short one.
"""
from __future__ import annotations

COLUMNS = ("train_loss", "train_score", "dev_loss", "dev_score")
#: Epochs kept before the history starts to thin itself out.
DEFAULT_CAPACITY = 8192


class History:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be an even number >= 2")
        self.capacity = capacity
        self.stride = 1
        self.epochs: list[int] = []
        self.columns: dict[str, list[float]] = {name: [] for name in COLUMNS}

    def __len__(self) -> int:
        return len(self.epochs)

    def append(self, epoch: int, train_loss: float, train_score: float,
               dev_loss: float, dev_score: float) -> None:
        if epoch % self.stride:
            return
        if len(self.epochs) == self.capacity:
            self.stride *= 2
            self.epochs = self.epochs[::2]
            for name, values in self.columns.items():
                self.columns[name] = values[::2]
            if epoch % self.stride:
                return
        self.epochs.append(epoch)
        for name, value in zip(COLUMNS, (train_loss, train_score, dev_loss, dev_score)):
            self.columns[name].append(value)

    def clear(self) -> None:
        """Forget every epoch; the capacity stays."""
        self.stride = 1
        self.epochs = []
        self.columns = {name: [] for name in COLUMNS}
