"""The decision-boundary map: parameters + data -> rows of rich Segments.

Every pixel's probability comes from one batched forward pass; palette
indices, point overlays and priorities are tensor ops; the only transfer to
Python is a single ``.tolist()``. What depends only on the size and the
data (pixel centres, the cell under each point) is a ``Layout``, computed
once and reused for every new set of weights. Each cell is a half block ("▀": foreground
= upper pixel, background = lower pixel), so one row of text holds two rows
of pixels. Consecutive equal cells merge into one Segment.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import torch
from rich.segment import Segment
from rich.style import Style

from tui_mlp.nn import ACTIVATIONS, logistic

Params = Mapping[str, torch.Tensor]

#: Confidence shades per class: |p - 0.5| * 2 cut into this many bands.
LEVELS = 4
# Predicted-class regions, from unsure (near the 0.5 contour) to confident.
# Chosen so that 256 colours keep the classes apart and 16 colours still give
# grey at the contour, blue on one side and yellow on the other.
REGION = (
    ("#3a3f4b", "#20409a", "#1848b8", "#1c62c2"),  # class 0: blue
    ("#4b403a", "#7a4a25", "#9e5a1c", "#c26a12"),  # class 1: orange
)
POINT = ("#9cc9ff", "#ffd08a")  # true label 0 / 1, bright over the regions
WRONG_BG = "#000000"  # misclassified: the glyph in its label's colour on a black cell
#: Glyph per data set, by priority when points share a cell (rarer sets win).
KINDS = ("train", "dev", "test")
GLYPHS = {"train": "•", "dev": "+", "test": "×"}
UPPER_HALF = "▀"

_N_REGION = 2 * LEVELS
_N_PLAIN = _N_REGION * _N_REGION
# point code: 1 + ((region * 2 + label) * 2 + wrong) * 3 + kind
_N_POINT = _N_REGION * 2 * 2 * len(KINDS)


@dataclass(frozen=True)
class Bounds:
    """The rectangle of feature space the map shows."""

    x0: float
    x1: float
    y0: float
    y1: float

    @classmethod
    def of(cls, X: torch.Tensor, margin: float = 0.1) -> "Bounds":
        """The data's bounding box widened by ``margin`` of its size on each side."""
        lo = X.min(dim=0).values.tolist()
        hi = X.max(dim=0).values.tolist()
        dx = max(hi[0] - lo[0], 1e-3) * margin
        dy = max(hi[1] - lo[1], 1e-3) * margin
        return cls(lo[0] - dx, hi[0] + dx, lo[1] - dy, hi[1] + dy)


def _region_colour(index: int) -> str:
    return REGION[index // LEVELS][index % LEVELS]


def _build_cells() -> list[tuple[str, Style]]:
    """Every (text, style) a cell can take, indexed by its code."""
    cells: list[tuple[str, Style]] = []
    for top in range(_N_REGION):
        for bottom in range(_N_REGION):
            cells.append((UPPER_HALF, Style(color=_region_colour(top), bgcolor=_region_colour(bottom))))
    for region in range(_N_REGION):
        for label in (0, 1):
            for wrong in (0, 1):
                for kind in KINDS:
                    bgcolor = WRONG_BG if wrong else _region_colour(region)
                    style = Style(color=POINT[label], bgcolor=bgcolor, bold=True)
                    cells.append((GLYPHS[kind], style))
    return cells


CELLS = _build_cells()


def forward(params: Mapping[str, Params], activation: str, X: torch.Tensor) -> torch.Tensor:
    """P(class 1) for each row of X, from copies of the layer parameters
    ({"fc1": {"W", "b"}, ...} in layer order): the same arithmetic as the
    MLP's forward, without touching the live model."""
    return layer_values(params, activation, X)[-1][1].reshape(-1)


def layer_values(params: Mapping[str, Params], activation: str,
                 X: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Each layer's net input z = XW + b and output a = f(z) for the rows of
    X (the last layer's f is the logistic), from copies of the parameters."""
    act = ACTIVATIONS[activation]().function
    layers = list(params.values())
    values = []
    with torch.inference_mode():
        for i, layer in enumerate(layers):
            z = torch.addmm(layer["b"], X, layer["W"])
            X = act(z) if i < len(layers) - 1 else logistic(z)
            values.append((z, X))
    return values


@dataclass(frozen=True)
class Points:
    """The data drawn over the map: features, labels, and which set (0 train, 1 dev, 2 test)."""

    X: torch.Tensor
    y: torch.Tensor
    kind: torch.Tensor

    @classmethod
    def of(cls, train: tuple, dev: tuple, test: tuple) -> "Points":
        sets = (train, dev, test)
        X = torch.cat([s[0] for s in sets])
        y = torch.cat([s[1].reshape(-1) for s in sets])
        kind = torch.cat([torch.full((s[0].shape[0],), k, dtype=torch.long) for k, s in enumerate(sets)])
        return cls(X, y, kind)


def pixel_grid(bounds: Bounds, width: int, height: int) -> torch.Tensor:
    """Centres of ``width`` x ``2 * height`` pixels, row by row from the top."""
    xs = torch.linspace(bounds.x0, bounds.x1, width + 1)
    ys = torch.linspace(bounds.y1, bounds.y0, 2 * height + 1)
    xc = (xs[:-1] + xs[1:]) / 2
    yc = (ys[:-1] + ys[1:]) / 2
    gy, gx = torch.meshgrid(yc, xc, indexing="ij")
    return torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)


@dataclass(frozen=True, eq=False)
class Layout:
    """A map of ``width`` x ``height`` cells over ``bounds``: the inputs of the
    forward pass (every pixel centre, then every point) and the cell under
    each point."""

    width: int
    height: int
    X: torch.Tensor
    n_grid: int
    points: Points | None
    cell: torch.Tensor | None

    @classmethod
    def of(cls, bounds: Bounds, width: int, height: int, points: Points | None = None) -> "Layout":
        grid = pixel_grid(bounds, width, height)
        if points is None or not points.X.shape[0]:
            return cls(width, height, grid, grid.shape[0], None, None)
        col = ((points.X[:, 0] - bounds.x0) / (bounds.x1 - bounds.x0) * width).long().clamp(0, width - 1)
        row = ((bounds.y1 - points.X[:, 1]) / (bounds.y1 - bounds.y0) * height).long().clamp(0, height - 1)
        return cls(width, height, torch.cat([grid, points.X]), grid.shape[0], points, row * width + col)


def cell_runs(params: Mapping[str, Params], activation: str, layout: Layout) -> tuple[list[list[int]], int]:
    """The map as runs of equal cells: ``[rows, codes, lengths]`` (a code is
    an index into ``CELLS``), plus the number of misclassified points."""
    codes, n_wrong = cell_codes(forward(params, activation, layout.X), layout)
    runs = runs_of(codes, layout.width).tolist()
    return runs, int(n_wrong)


def cell_codes(prob: torch.Tensor, layout: Layout) -> tuple[torch.Tensor, torch.Tensor]:
    """Each cell's code (an index into ``CELLS``), row by row, from P(class 1)
    at ``layout.X``; and the number of misclassified points (a tensor)."""
    width, height, n_grid, points, cell = layout.width, layout.height, layout.n_grid, layout.points, layout.cell
    prob = torch.nan_to_num(prob, nan=0.5)
    predicted = (prob[:n_grid] >= 0.5).long()
    level = ((prob[:n_grid] - 0.5).abs() * (2 * LEVELS)).long().clamp(max=LEVELS - 1)
    region = (predicted * LEVELS + level).reshape(2 * height, width)
    codes = (region[0::2] * _N_REGION + region[1::2]).reshape(-1)  # upper x lower
    n_wrong = torch.zeros((), dtype=torch.long)
    if points is not None and cell is not None:
        wrong = ((prob[n_grid:] >= 0.5).float() != points.y).long()
        n_wrong = wrong.sum()
        # one point per cell: misclassified first, then test, dev, train
        priority = wrong * len(KINDS) + points.kind + 1
        best = torch.zeros(width * height, dtype=torch.long).scatter_reduce(
            0, cell, priority, reduce="amax")
        winner = priority == best[cell]
        label = torch.zeros(width * height, dtype=torch.long)
        label[cell[winner]] = points.y[winner].long()
        kind = (best - 1) % len(KINDS)
        is_wrong = (best - 1) // len(KINDS)
        upper = region[0::2].reshape(-1)
        point_code = _N_PLAIN + ((upper * 2 + label) * 2 + is_wrong) * len(KINDS) + kind
        codes = torch.where(best > 0, point_code, codes)
    return codes, n_wrong


def runs_of(codes: torch.Tensor, width: int) -> torch.Tensor:
    """Cell codes, row by row ``width`` to a row, as runs of equal cells:
    ``[rows, codes, lengths]``. A new run where the code changes or a row begins."""
    starts = torch.ones_like(codes, dtype=torch.bool)
    starts[1:] = codes[1:] != codes[:-1]
    starts[::width] = True
    index = starts.nonzero().reshape(-1)
    lengths = torch.diff(index, append=torch.tensor([codes.shape[0]]))
    return torch.stack([index // width, codes[index], lengths])


def rows_of(runs: list[list[int]], height: int,
            cells: list[tuple[str, Style]] = CELLS) -> list[list[Segment]]:
    """Segments per row from runs (``runs_of``), each code an index into ``cells``."""
    rows: list[list[Segment]] = [[] for _ in range(height)]
    for row, code, length in zip(*runs):
        text, style = cells[code]
        rows[row].append(Segment(text * length, style))
    return rows


def draw(params: Mapping[str, Params], activation: str, layout: Layout) -> tuple[list[list[Segment]], int]:
    """The map as ``layout.height`` rows of Segments, ``layout.width`` cells
    each, and the number of misclassified points."""
    if layout.width < 1 or layout.height < 1:
        return [], 0
    runs, n_wrong = cell_runs(params, activation, layout)
    return rows_of(runs, layout.height), n_wrong
