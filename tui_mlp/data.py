"""Two-class 2-D data sets: the book's Moon1000 (3.1.1) and the lab's others.

Every generator draws from its own ``torch.Generator`` seeded by ``seed``, so
the same seed gives the same data and torch's global RNG is never touched.
Features are float32 [N, 2]; labels float32 [N] with values 0 and 1.
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Protocol

import torch

from tui_mlp import config
from tui_mlp.config import MAX_SAMPLES
from tui_mlp.files import ReadError, read_text_capped

Dataset = tuple[torch.Tensor, torch.Tensor]


class MakeDataset(Protocol):
    """A data set maker: ``n_samples`` points and their labels, seeded."""

    def __call__(self, n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
                 seed: int | None = None) -> Dataset: ...


class DataError(ValueError):
    """A data set that cannot be built or read; the message is for the user."""


def _generator(seed: int | None) -> torch.Generator:
    gen = torch.Generator()
    if seed is None:
        gen.seed()
    else:
        gen.manual_seed(seed)
    return gen


def _finish(X: torch.Tensor, y: torch.Tensor, shuffle: bool, noise: float | None,
            gen: torch.Generator) -> Dataset:
    """Shuffle, then add N(0, noise^2) to the features: the book's order."""
    if shuffle:
        idx = torch.randperm(X.shape[0], generator=gen)
        X, y = X[idx], y[idx]
    if noise:
        X = X + torch.randn(X.shape, generator=gen) * noise
    return X.to(torch.float32).contiguous(), y.to(torch.float32).contiguous()


def make_moons(n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
               seed: int | None = None) -> Dataset:
    """The book's two moons: the outer arc (cos t, sin t) with label 0 first
    (n_samples // 2 points), then the inner arc (1 - cos t, 0.5 - sin t) with
    label 1, t evenly spaced on [0, pi]."""
    gen = _generator(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = torch.linspace(0, math.pi, n_out)
    t_in = torch.linspace(0, math.pi, n_in)
    X = torch.stack([torch.cat([torch.cos(t_out), 1 - torch.cos(t_in)]),
                     torch.cat([torch.sin(t_out), 0.5 - torch.sin(t_in)])], dim=1)
    y = torch.cat([torch.zeros(n_out), torch.ones(n_in)])
    return _finish(X, y, shuffle, noise, gen)


def make_circles(n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
                 seed: int | None = None, factor: float = 0.5) -> Dataset:
    """An outer circle of radius 1 (label 0) around an inner one of radius ``factor`` (label 1)."""
    gen = _generator(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = torch.linspace(0, 2 * math.pi, n_out + 1)[:-1]
    t_in = torch.linspace(0, 2 * math.pi, n_in + 1)[:-1]
    X = torch.stack([torch.cat([torch.cos(t_out), factor * torch.cos(t_in)]),
                     torch.cat([torch.sin(t_out), factor * torch.sin(t_in)])], dim=1)
    y = torch.cat([torch.zeros(n_out), torch.ones(n_in)])
    return _finish(X, y, shuffle, noise, gen)


def make_xor(n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
             seed: int | None = None) -> Dataset:
    """Points uniform on [-1, 1]^2; label 1 where x1 and x2 have opposite signs."""
    gen = _generator(seed)
    X = torch.rand(n_samples, 2, generator=gen) * 2 - 1
    y = ((X[:, 0] * X[:, 1]) < 0).to(torch.float32)
    return _finish(X, y, shuffle, noise, gen)


def make_blobs(n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
               seed: int | None = None) -> Dataset:
    """Two Gaussian blobs (std 0.5) centred at (-1, -1) (label 0) and (1, 1) (label 1)."""
    gen = _generator(seed)
    n0 = n_samples // 2
    centres = torch.cat([torch.full((n0, 2), -1.0), torch.full((n_samples - n0, 2), 1.0)])
    X = centres + torch.randn(n_samples, 2, generator=gen) * 0.5
    y = torch.cat([torch.zeros(n0), torch.ones(n_samples - n0)])
    return _finish(X, y, shuffle, noise, gen)


def make_spiral(n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
                seed: int | None = None) -> Dataset:
    """Two interleaved spirals of 1.75 turns, radius growing to 3; label = arm."""
    gen = _generator(seed)
    n0 = n_samples // 2
    parts = []
    for arm, n in ((0, n0), (1, n_samples - n0)):
        t = torch.linspace(0.05, 1.0, n)
        angle = t * 3.5 * math.pi + arm * math.pi
        parts.append(torch.stack([3 * t * torch.cos(angle), 3 * t * torch.sin(angle)], dim=1))
    X = torch.cat(parts)
    y = torch.cat([torch.zeros(n0), torch.ones(n_samples - n0)])
    return _finish(X, y, shuffle, noise, gen)


#: A CSV larger than this is refused before it is parsed: a million rows of
#: x1,x2,label with full float digits fit.
MAX_CSV_BYTES = 64 * 2**20
FLOAT32_MAX = float(torch.finfo(torch.float32).max)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _plain_number(cell: str) -> float | None:
    """A plain ASCII decimal number (``-1.5``, ``2e-3``), or None: no ``1_0``,
    no other scripts' digits, no ``inf`` or ``nan``."""
    return float(cell) if _NUMBER.fullmatch(cell) else None


def load_csv(path: str | Path, shuffle: bool = True, noise: float | None = None,
             seed: int | None = None) -> Dataset:
    """Rows ``x1,x2,label`` (label 0 or 1) of plain decimal numbers. The
    grammar: UTF-8, a BOM allowed; blank lines and lines starting with ``#``
    are skipped; the first other line is a header when none of its cells is
    a number, and data otherwise; every error names its line."""
    try:
        text = read_text_capped(path, MAX_CSV_BYTES).removeprefix("\ufeff")
    except ReadError as exc:
        raise DataError(f"CSV file {exc}") from None
    rows: list[tuple[float, float, float]] = []
    first = True
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")]
        numbers = [_plain_number(c) for c in cells]
        if first and all(n is None for n in numbers):
            first = False
            continue  # a header
        first = False
        if len(cells) != 3:
            raise DataError(f"{path}, line {lineno}: expected 3 values x1,x2,label, got {len(cells)}")
        for column, (cell, number) in enumerate(zip(cells, numbers), start=1):
            if number is None:
                raise DataError(f"{path}, line {lineno}: column {column}, {cell!r}, is not a plain "
                                f"decimal number (digits 0-9, an optional sign, point and exponent)")
        x1, x2, label = (n for n in numbers if n is not None)
        if not (abs(x1) <= FLOAT32_MAX and abs(x2) <= FLOAT32_MAX):
            raise DataError(f"{path}, line {lineno}: features must be within float32's range "
                            f"(|x| <= {FLOAT32_MAX:.4g}), got {line!r}")
        if label not in (0.0, 1.0):
            raise DataError(f"{path}, line {lineno}: label must be 0 or 1, got {cells[2]!r}")
        rows.append((x1, x2, label))
        if len(rows) > MAX_SAMPLES:
            raise DataError(f"CSV file {path}: more than {MAX_SAMPLES:,} rows, the most a data set may have")
    if len(rows) < 3:
        raise DataError(f"CSV file {path}: needs at least 3 rows of x1,x2,label, found {len(rows)}")
    data = torch.tensor(rows, dtype=torch.float32)
    return _finish(data[:, :2], data[:, 2], shuffle, noise, _generator(seed))


#: Every data set this module makes, by its name in the settings; the names and
#: their order are ``config.MADE_DATASETS``.
DATASETS: dict[str, MakeDataset] = dict(zip(
    config.MADE_DATASETS, (make_moons, make_circles, make_xor, make_blobs, make_spiral), strict=True))


def split_dataset(X: torch.Tensor, y: torch.Tensor, num_train: int | float = 640,
                  num_dev: int | float = 160) -> tuple[Dataset, Dataset, Dataset]:
    """The book's split: the first ``num_train`` rows train, the next ``num_dev``
    dev, the rest test; labels reshaped to [N, 1]. A float below 1 is a
    fraction of N."""
    n = X.shape[0]
    n_train = round(num_train * n) if isinstance(num_train, float) and num_train < 1 else int(num_train)
    n_dev = round(num_dev * n) if isinstance(num_dev, float) and num_dev < 1 else int(num_dev)
    if n_train < 1 or n_dev < 1 or n_train + n_dev >= n:
        raise DataError(f"split {n_train}/{n_dev} of {n} samples leaves no test set; "
                        f"train + dev must be below {n} (or give them as fractions, "
                        f"e.g. train 0.64 and dev 0.16)")
    y = y.reshape(-1, 1)
    return ((X[:n_train], y[:n_train]),
            (X[n_train:n_train + n_dev], y[n_train:n_train + n_dev]),
            (X[n_train + n_dev:], y[n_train + n_dev:]))
