"""2-D data sets: the book's Moon1000 (3.1.1) and the lab's others, two-class
or (spiral, blobs and a CSV) with K classes, and TensorFlow Playground's two
regression sets.

Every generator draws from its own ``torch.Generator`` seeded by ``seed``, so
the same seed gives the same data and torch's global RNG is never touched.
Features are float32 [N, 2]; labels float32 [N] with values 0..K-1 (a
regression set's: real-valued targets in [-1.2, 1.2]).
"""
from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Callable, Protocol

import torch

from tui_mlp import config
from tui_mlp.config import MAX_SAMPLES
from tui_mlp.files import ReadError, read_text_capped

Dataset = tuple[torch.Tensor, torch.Tensor]


class MakeDataset(Protocol):
    """A data set maker: ``n_samples`` points and their labels, seeded."""

    def __call__(self, n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
                 seed: int | None = None, classes: int = 2) -> Dataset: ...


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


def _two_classes(classes: int, dataset: str) -> None:
    """Moons, circles and xor have two classes by their shape."""
    if classes != 2:
        raise DataError(f"data set {dataset} has 2 classes, not {classes}; more are made by "
                        + ", ".join(config.MULTICLASS_DATASETS))


def _class_sizes(n_samples: int, classes: int) -> list[int]:
    """Points per class, in label order: n // K each, the remainder one each
    to the last classes (two classes: n // 2, then the rest)."""
    share, extra = divmod(n_samples, classes)
    return [share + (k >= classes - extra) for k in range(classes)]


def make_moons(n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
               seed: int | None = None, classes: int = 2) -> Dataset:
    """The book's two moons: the outer arc (cos t, sin t) with label 0 first
    (n_samples // 2 points), then the inner arc (1 - cos t, 0.5 - sin t) with
    label 1, t evenly spaced on [0, pi]."""
    _two_classes(classes, "moons")
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
                 seed: int | None = None, classes: int = 2, factor: float = 0.5) -> Dataset:
    """An outer circle of radius 1 (label 0) around an inner one of radius ``factor`` (label 1)."""
    _two_classes(classes, "circles")
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
             seed: int | None = None, classes: int = 2) -> Dataset:
    """Points uniform on [-1, 1]^2; label 1 where x1 and x2 have opposite signs."""
    _two_classes(classes, "xor")
    gen = _generator(seed)
    X = torch.rand(n_samples, 2, generator=gen) * 2 - 1
    y = ((X[:, 0] * X[:, 1]) < 0).to(torch.float32)
    return _finish(X, y, shuffle, noise, gen)


def make_blobs(n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
               seed: int | None = None, classes: int = 2) -> Dataset:
    """K Gaussian blobs (std 0.5) centred evenly on a circle, label k at the
    angle 5 pi / 4 + 2 pi k / K: two at (-1, -1) (label 0) and (1, 1) (label 1);
    the circle's radius (sqrt 2, or 1.25 / sin(pi / K) when larger) keeps
    neighbouring centres at least 2.5 apart."""
    gen = _generator(seed)
    sizes = _class_sizes(n_samples, classes)
    radius = max(math.sqrt(2.0), 1.25 / math.sin(math.pi / classes))
    angles = [5 * math.pi / 4 + 2 * math.pi * k / classes for k in range(classes)]
    centres = torch.tensor([[radius * math.cos(a), radius * math.sin(a)] for a in angles],
                           dtype=torch.float64).to(torch.float32)
    labels = torch.repeat_interleave(torch.arange(classes), torch.tensor(sizes))
    X = centres[labels] + torch.randn(n_samples, 2, generator=gen) * 0.5
    return _finish(X, labels.to(torch.float32), shuffle, noise, gen)


def make_spiral(n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
                seed: int | None = None, classes: int = 2) -> Dataset:
    """K interleaved spirals of 1.75 turns, radius growing to 3, each arm
    turned 2 pi / K from the last; label = arm."""
    gen = _generator(seed)
    sizes = _class_sizes(n_samples, classes)
    parts = []
    for arm, n in enumerate(sizes):
        t = torch.linspace(0.05, 1.0, n)
        angle = t * 3.5 * math.pi + arm * (2 * math.pi / classes)
        parts.append(torch.stack([3 * t * torch.cos(angle), 3 * t * torch.sin(angle)], dim=1))
    X = torch.cat(parts)
    y = torch.repeat_interleave(torch.arange(classes), torch.tensor(sizes)).to(torch.float32)
    return _finish(X, y, shuffle, noise, gen)


#: Playground's regression sets cover [-6, 6]^2; here they are scaled by
#: 1/6 to [-1, 1]^2, near the other sets' plane.
REGRESSION_RADIUS = 1.0
_PLAYGROUND_RADIUS = 6.0


def _regression(n_samples: int, shuffle: bool, noise: float | None, seed: int | None,
                target: Callable[[torch.Tensor], torch.Tensor]) -> Dataset:
    """Points uniform on the square, each with ``target`` of the point moved
    by noise times a uniform shift of up to the square's radius: Playground's
    noise, which blurs the target while the points stay where they are."""
    gen = _generator(seed)
    X = (torch.rand(n_samples, 2, generator=gen) * 2 - 1) * REGRESSION_RADIUS
    shift = (torch.rand(n_samples, 2, generator=gen) * 2 - 1) * REGRESSION_RADIUS * (noise or 0.0)
    return _finish(X, target(X + shift), shuffle, None, gen)


def plane_target(X: torch.Tensor) -> torch.Tensor:
    """Playground's ``regressPlane``: (x1 + x2) / 10 on [-6, 6]^2, so 0.6 (x1 + x2)
    on [-1, 1]^2, from -1.2 to 1.2."""
    return (X[:, 0] + X[:, 1]) * (_PLAYGROUND_RADIUS / 10.0)


#: Playground's ``regressGaussian`` bumps, centre (on [-6, 6]^2) and sign.
GAUSSIANS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))
#: Each bump falls linearly from 1 at its centre to 0 at this distance (on [-6, 6]^2).
GAUSSIAN_REACH = 2.0


def gaussians_target(X: torch.Tensor) -> torch.Tensor:
    """Playground's ``regressGaussian``: of six bumps of height +1 or -1, each
    falling to 0 at distance 2 from its centre (on [-6, 6]^2), the one largest
    in absolute value; ties (0) give 0."""
    scale = REGRESSION_RADIUS / _PLAYGROUND_RADIUS
    centres = torch.tensor([(cx, cy) for cx, cy, _ in GAUSSIANS], dtype=X.dtype) * scale
    signs = torch.tensor([sign for _, _, sign in GAUSSIANS], dtype=X.dtype)
    distance = torch.cdist(X, centres)  # [N, 6]
    bumps = signs * torch.clamp(1.0 - distance / (GAUSSIAN_REACH * scale), min=0.0, max=1.0)
    return bumps.gather(1, bumps.abs().argmax(dim=1, keepdim=True)).squeeze(1)


def make_plane(n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
               seed: int | None = None, classes: int = 2) -> Dataset:
    """A tilted plane: target 0.6 (x1 + x2) over points uniform on [-1, 1]^2
    (``classes``, the makers' common argument, means nothing to a regression)."""
    return _regression(n_samples, shuffle, noise, seed, plane_target)


def make_gaussians(n_samples: int = 1000, shuffle: bool = True, noise: float | None = None,
                   seed: int | None = None, classes: int = 2) -> Dataset:
    """Six bumps, three up and three down, over points uniform on [-1, 1]^2
    (``classes``, as ``make_plane``'s, means nothing here)."""
    return _regression(n_samples, shuffle, noise, seed, gaussians_target)


#: A CSV larger than this is refused before it is parsed: a million rows of
#: x1,x2,label with full float digits fit.
MAX_CSV_BYTES = 64 * 2**20
FLOAT32_MAX = float(torch.finfo(torch.float32).max)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _plain_number(cell: str) -> float | None:
    """A plain ASCII decimal number (``-1.5``, ``2e-3``), or None: no ``1_0``,
    no other scripts' digits, no ``inf`` or ``nan``."""
    return float(cell) if _NUMBER.fullmatch(cell) else None


#: The delimiters the sniffer chooses from, and how many lines it reads.
CSV_DELIMITERS = ",;\t |"
SNIFF_LINES = 20


def _delimiter(lines: list[str]) -> type[csv.Dialect] | str:
    """The dialect ``csv.Sniffer`` finds in the first lines; when the rows
    disagree (a short row), the first candidate the first line holds."""
    try:
        return csv.Sniffer().sniff("\n".join(lines[:SNIFF_LINES]), delimiters=CSV_DELIMITERS)
    except csv.Error:
        return next((d for d in CSV_DELIMITERS if d in lines[0]), ",")


def _splitter(dialect: type[csv.Dialect] | str) -> Callable[[str], list[str]]:
    """A function from one line to its stripped cells. Spaces: any run of
    whitespace separates; quotes are read only in lines that have them."""
    delimiter = dialect if isinstance(dialect, str) else dialect.delimiter
    if delimiter == " ":
        return str.split
    quoted = dialect if not isinstance(dialect, str) else csv.excel

    def split(line: str) -> list[str]:
        cells = next(csv.reader([line], quoted, delimiter=delimiter)) if '"' in line \
            else line.split(delimiter)
        return [c.strip() for c in cells]
    return split


def _picked(path: str | Path, header: list[str] | None, width: int, columns: tuple[str, ...],
            lineno: int) -> list[int]:
    """The indices of x1, x2 and the label: named ``columns`` of the header,
    else the first two columns and the last."""
    if not columns:
        if width < 3:
            raise DataError(f"{path}, line {lineno}: expected at least 3 values (x1, x2 and a label "
                            f"in the last column), got {width}")
        return [0, 1, width - 1]
    wanted = ",".join(columns)
    if header is None:
        raise DataError(f"{path}, line {lineno}: columns {wanted} need a header line naming them, "
                        f"and this line is data")
    for name in columns:
        if name not in header:
            raise DataError(f"{path}, line {lineno}: no column {name!r} in the header "
                            f"(it has {', '.join(map(repr, header))}); columns {wanted}")
    return [header.index(name) for name in columns]


def infer_classes(labels: torch.Tensor) -> int:
    """A CSV's number of classes when none is given: its distinct labels (at least 2)."""
    return max(config.MIN_CLASSES, int(torch.unique(labels).numel()))


def load_csv(path: str | Path, shuffle: bool = True, noise: float | None = None,
             seed: int | None = None, columns: tuple[str, ...] = (),
             classes: int | None = None, real_labels: bool = False) -> Dataset:
    """Points from the columns x1, x2 and label (0..K-1 for ``classes`` K, or
    with none given K = its number of distinct labels; with ``real_labels``
    any number within float32's range: a regression target) of a CSV, named by
    ``columns`` in its header or by default the first two and the last. The
    grammar: UTF-8, a BOM allowed, any line ending; a delimiter the csv
    sniffer finds (comma, semicolon, tab, space, bar); blank lines and lines
    starting with ``#`` are skipped; the first other line is a header when
    none of its cells is a number, and data otherwise; every row has as many
    cells as the first; the picked cells are plain decimal numbers. Every
    error names its line, and its column."""
    try:
        text = read_text_capped(path, MAX_CSV_BYTES).removeprefix("\ufeff")
    except ReadError as exc:
        raise DataError(f"CSV file {exc}") from None
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise DataError(f"CSV file {path}: needs at least 3 rows of x1,x2,label, found 0")
    split = _splitter(_delimiter([line for _, line in lines[:SNIFF_LINES]]))
    first_no, first = lines[0][0], split(lines[0][1])
    header = first if all(_plain_number(c) is None for c in first) else None
    width = len(first)
    picks = _picked(path, header, width, columns, first_no)
    names = [f"column {i + 1}" + (f" ({header[i]!r})" if header else "") for i in picks]
    top = classes or config.MAX_CLASSES  # labels must be below it
    rows: list[tuple[float, float, float]] = []
    data_lines = lines[1:] if header else lines
    for lineno, line in data_lines:
        cells = split(line)
        if len(cells) != width:
            raise DataError(f"{path}, line {lineno}: expected {width} values like line {first_no}, "
                            f"got {len(cells)}")
        numbers = []
        for name, i in zip(names, picks):
            number = _plain_number(cells[i])
            if number is None:
                raise DataError(f"{path}, line {lineno}: {name}, {cells[i]!r}, is not a plain "
                                f"decimal number (digits 0-9, an optional sign, point and exponent)")
            numbers.append(number)
        x1, x2, label = numbers
        for name, value in zip(names if real_labels else names[:2], numbers):
            if not abs(value) <= FLOAT32_MAX:
                what = "a target" if name is names[2] else "features"
                raise DataError(f"{path}, line {lineno}: {what} must be within float32's range "
                                f"(|x| <= {FLOAT32_MAX:.4g}), got {value:g} in {name}")
        if not real_labels and not (label.is_integer() and 0 <= label < top):
            real = "" if label.is_integer() else " (a real-valued target needs task regression)"
            raise DataError(_label_error(path, lineno, cells[picks[2]], names[2], top, classes) + real)
        rows.append((x1, x2, label))
        if len(rows) > MAX_SAMPLES:
            raise DataError(f"CSV file {path}: more than {MAX_SAMPLES:,} rows, the most a data set may have")
    data = torch.tensor(rows, dtype=torch.float32).reshape(-1, 3)
    if classes is None and not real_labels:
        inferred = infer_classes(data[:, 2])
        beyond = (data[:, 2] >= inferred).nonzero()
        if beyond.numel():
            lineno, line = data_lines[int(beyond[0])]
            raise DataError(_label_error(path, lineno, split(line)[picks[2]], names[2], inferred, classes))
    if len(rows) < 3:
        raise DataError(f"CSV file {path}: needs at least 3 rows of x1,x2,label, found {len(rows)}")
    return _finish(data[:, :2], data[:, 2], shuffle, noise, _generator(seed))


def _label_error(path: str | Path, lineno: int, cell: str, column: str, top: int,
                 classes: int | None) -> str:
    """The one line refusing a CSV's label: where, what, and what is accepted."""
    given = f"--classes {top}" if classes else f"the file has {top} distinct labels" \
        if top < config.MAX_CLASSES else f"at most {top} classes"
    return (f"{path}, line {lineno}: label must be a whole number from 0 to {top - 1} "
            f"({given}), got {cell!r} in {column}")


#: Every data set this module makes, by its name in the settings; the names and
#: their order are ``config.MADE_DATASETS``.
DATASETS: dict[str, MakeDataset] = dict(zip(
    config.MADE_DATASETS, (make_moons, make_circles, make_xor, make_blobs, make_spiral,
                           make_plane, make_gaussians), strict=True))


def split_dataset(X: torch.Tensor, y: torch.Tensor, num_train: int | float = 640,
                  num_dev: int | float = 160) -> tuple[Dataset, Dataset, Dataset]:
    """The book's split: the first ``num_train`` rows train, the next ``num_dev``
    dev, the rest test; labels reshaped to [N, 1]. A float below 1 is a
    fraction of N."""
    n = X.shape[0]
    n_train = round(num_train * n) if isinstance(num_train, float) and num_train < 1 else int(num_train)
    n_dev = round(num_dev * n) if isinstance(num_dev, float) and num_dev < 1 else int(num_dev)
    if n_train < 1 or n_dev < 1 or n_train + n_dev >= n:
        raise DataError(f"split {n_train}/{n_dev}/{n - n_train - n_dev} of {n} samples: train, dev "
                        f"and test each need at least one, so train + dev must be below {n} "
                        f"(or give them as fractions, e.g. train 0.64 and dev 0.16)")
    y = y.reshape(-1, 1)
    return ((X[:n_train], y[:n_train]),
            (X[n_train:n_train + n_dev], y[n_train:n_train + n_dev]),
            (X[n_train + n_dev:], y[n_train + n_dev:]))
