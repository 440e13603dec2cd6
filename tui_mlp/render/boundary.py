"""The map: parameters + data -> rows of rich Segments. For classes, the
decision boundary (P(class 1) in two hues); for a regression, the predicted
value in a diverging palette with the points coloured by their target.
``draw`` is the one dispatch between the two.

Every pixel's probability comes from one batched forward pass; palette
indices, point overlays and priorities are tensor ops; the only transfer to
Python is a single ``.tolist()``. What depends only on the size and the
data (pixel centres, the cell under each point) is a ``Layout``, computed
once and reused for every new set of weights. Each cell is a half block ("▀": foreground
= upper pixel, background = lower pixel), so one row of text holds two rows
of pixels. Consecutive equal cells merge into one Segment.

With K > 2 classes (a network of K softmax outputs) each region takes its
winning class's colour, shaded by the winning probability, and a pixel
where the winner changes (to the right or below) is drawn in the palette's
edge colour: the boundaries. Two classes keep the book's map: shaded by
|p - 0.5|, the boundary where the shades meet.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping

import torch
from rich.segment import Segment
from rich.style import Style

from tui_mlp.config import MAP_POINTS, MAX_CLASSES, PLANE
from tui_mlp.nn import ACTIVATIONS, BOOK_HEAD, Head, logistic
from tui_mlp.nn.activation import softmax
from tui_mlp.nn.features import feature_map
from tui_mlp.nn.metric import predicted_classes
from tui_mlp.render.palette import PALETTES, TRUECOLOR, Palette

Params = Mapping[str, torch.Tensor]

#: Confidence shades per class: |p - 0.5| * 2 (K classes: (max p - 1/K) / (1 - 1/K))
#: cut into this many bands.
LEVELS = 4
#: Sets by priority when points share a cell (rarer sets win).
KINDS = ("train", "dev", "test")
#: Glyph per true class (shape: circle, square, triangle, ...) and set (fill: full,
#: hollow, dotted or small): both survive any colour system.
GLYPHS = (("●", "○", "⊙"), ("■", "□", "⊡"), ("▲", "△", "◬"), ("◆", "◇", "◈"),
          ("★", "☆", "✪"), ("✚", "✙", "⊞"), ("✦", "✧", "❂"), ("▼", "▽", "▿"))
assert len(GLYPHS) == MAX_CLASSES
UPPER_HALF = "▀"
#: Points cover more than this share of the map's cells: a subsample is shown
#: (two moons span under half of their bounding box, so this is most of the
#: area they cover)...
THIN_ABOVE = 0.35
#: ...covering at most this share (misclassified points are always shown).
THIN_TO = 0.2

#: The region of a pixel where the winning class changes, after every class's shades.
EDGE = MAX_CLASSES * LEVELS
_N_REGION = EDGE + 1
_N_PLAIN = _N_REGION * _N_REGION
# point code: _N_PLAIN + ((region * MAX_CLASSES + label) * 2 + wrong) * 3 + kind

#: A regression's value map: the value cut into this many bins from -scale
#: to +scale (odd: the middle one is zero)...
VALUE_BINS = 9
_ZERO_BIN = VALUE_BINS // 2
#: ...and a point's glyph by the sign of its target (-, 0, +) and its set.
VALUE_GLYPHS = (("▼", "▽", "▿"), ("◆", "◇", "◈"), ("▲", "△", "▵"))
_N_VALUE_PLAIN = VALUE_BINS * VALUE_BINS
# point code: _N_VALUE_PLAIN + (upper bin * 3 + target sign) * 3 + kind


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


@lru_cache(maxsize=len(PALETTES))
def cells_of(palette: Palette) -> list[tuple[str, Style]]:
    """Every (text, style) a cell can take in ``palette``, indexed by its code."""
    def colour(region: int) -> str:
        return palette.edge if region == EDGE else palette.region[region // LEVELS][region % LEVELS]

    def fill(region: int) -> str:
        return "" if region == EDGE else palette.fills[region // LEVELS]

    cells: list[tuple[str, Style]] = []
    for top in range(_N_REGION):
        for bottom in range(_N_REGION):
            glyph = fill(top) or fill(bottom)  # a class's fill glyph, where a palette has one
            if glyph:
                under = top if fill(top) else bottom
                cells.append((glyph, Style(color=palette.legend, bgcolor=colour(under))))
            else:
                cells.append((UPPER_HALF, Style(color=colour(top), bgcolor=colour(bottom))))
    wrong_fg, wrong_bg = palette.wrong
    for region in range(_N_REGION):
        for label in range(MAX_CLASSES):
            on = palette.legend if region == EDGE else palette.point[label][region // LEVELS]
            for wrong in (0, 1):
                for kind in range(len(KINDS)):
                    fg, bg = (wrong_fg, wrong_bg) if wrong else (on, colour(region))
                    cells.append((GLYPHS[label][kind], Style(color=fg, bgcolor=bg, bold=True)))
    return cells


@lru_cache(maxsize=len(PALETTES))
def value_cells_of(palette: Palette) -> list[tuple[str, Style]]:
    """Every (text, style) a value map's cell can take in ``palette``, by its code."""
    cells = [(UPPER_HALF, Style(color=palette.values[top], bgcolor=palette.values[bottom]))
             for top in range(VALUE_BINS) for bottom in range(VALUE_BINS)]
    for upper in range(VALUE_BINS):
        for sign in range(3):
            fg = palette.value_points[sign][int(upper > _ZERO_BIN)]
            for kind in range(len(KINDS)):
                cells.append((VALUE_GLYPHS[sign][kind], Style(color=fg, bgcolor=palette.values[upper], bold=True)))
    return cells


def forward(params: Mapping[str, Params], activation: str, X: torch.Tensor,
            head: Head = BOOK_HEAD) -> torch.Tensor:
    """P(class 1) for each row of X ([N]), with K output units each class's
    probability ([N, K]), or a regression's value ([N]), from copies of the
    layer parameters ({"fc1": {"W", "b"}, ...} in layer order): the same
    arithmetic as the MLP's forward, without touching the live model."""
    out = layer_values(params, activation, X, head)[-1][1]
    return out.reshape(-1) if out.shape[1] == 1 else out


def classes_of(params: Mapping[str, Params]) -> int:
    """The classes a network of these parameters tells apart: 2 for one output unit, else one per unit."""
    width = int(list(params.values())[-1]["W"].shape[1])
    return 2 if width == 1 else width


def layer_values(params: Mapping[str, Params], activation: str, X: torch.Tensor,
                 head: Head = BOOK_HEAD) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Each layer's net input z = XW + b and output a = f(z) for the rows of
    X (the last layer's f is the logistic of one unit, the softmax of K, as
    ``nn.head`` builds them, or the identity of a regression's ``head``), from
    copies of the parameters."""
    act = ACTIVATIONS[activation]().function
    layers = list(params.values())
    values = []
    with torch.inference_mode():
        for i, layer in enumerate(layers):
            z = torch.addmm(layer["b"], X, layer["W"])
            X = act(z) if i < len(layers) - 1 else z if head.regression else \
                logistic(z) if z.shape[1] == 1 else softmax(z)
            values.append((z, X))
    return values


#: The most data points a map classifies: every redraw runs the network on
#: them in the UI thread (100,000 points through 512x512 layers take seconds),
#: and a map has far fewer cells. More data are subsampled evenly.
MAX_MAP_POINTS = 4096


@dataclass(frozen=True)
class Points:
    """The data drawn over the map: features, labels, and which set (0 train,
    1 dev, 2 test); ``every``: how many data points each of these stands for."""

    X: torch.Tensor
    y: torch.Tensor
    kind: torch.Tensor
    every: int = 1

    @classmethod
    def of(cls, train: tuple, dev: tuple, test: tuple, limit: int = MAX_MAP_POINTS) -> "Points":
        sets = (train, dev, test)
        X = torch.cat([s[0] for s in sets])
        y = torch.cat([s[1].reshape(-1) for s in sets])
        kind = torch.cat([torch.full((s[0].shape[0],), k, dtype=torch.long) for k, s in enumerate(sets)])
        every = max(-(-X.shape[0] // limit), 1)
        return cls(X[::every], y[::every], kind[::every], every)


def counted(choice: str, points: Points) -> torch.Tensor:
    """Which points the legend's count of misclassified ones is over, for a
    choice of ``config.MAP_POINTS``: the test set's while only test points
    show, else every point."""
    return points.kind == KINDS.index("test") if choice == "test" else torch.ones_like(points.kind, dtype=torch.bool)


def pixel_grid(bounds: Bounds, width: int, height: int) -> torch.Tensor:
    """Centres of ``width`` x ``2 * height`` pixels, row by row from the top."""
    xs = torch.linspace(bounds.x0, bounds.x1, width + 1)
    ys = torch.linspace(bounds.y1, bounds.y0, 2 * height + 1)
    xc = (xs[:-1] + xs[1:]) / 2
    yc = (ys[:-1] + ys[1:]) / 2
    gy, gx = torch.meshgrid(yc, xc, indexing="ij")
    return torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)


def thinning(cell: torch.Tensor, cells: int) -> int:
    """Every how many-th of the points under ``cell`` to show: 1 unless they
    cover more than ``THIN_ABOVE`` of the ``cells``, else a stride (found by
    doubling, then halving the gap) whose subsample covers at most
    ``THIN_TO`` of them; on a map of a few cells, one point may be all that
    is left. A few ``unique`` calls, even for 100,000 points."""
    def too_many(stride: int) -> bool:
        return torch.unique(cell[::stride]).numel() > THIN_TO * cells

    n = cell.numel()
    if torch.unique(cell).numel() <= THIN_ABOVE * cells:
        return 1
    low, high = 1, 2
    while high < n and too_many(high):
        low, high = high, 2 * high
    high = min(high, max(n, 1))
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if too_many(middle) else (low, middle)
    return high


@dataclass(frozen=True, eq=False)
class Layout:
    """A map of ``width`` x ``height`` cells over ``bounds``: the inputs of the
    forward pass (the ``features`` of every pixel centre, then of every point;
    the map stays on the (x1, x2) plane whatever the network's features), the
    cell under each point, and per choice of ``config.MAP_POINTS`` the stride of
    its thinning and the points it shows (misclassified ones are added as drawn)."""

    width: int
    height: int
    X: torch.Tensor
    n_grid: int
    points: Points | None
    cell: torch.Tensor | None
    strides: dict[str, int] = field(default_factory=dict)
    shown: dict[str, torch.Tensor] = field(default_factory=dict)
    head: Head = BOOK_HEAD  # what the network's output is: the map of classes or of values
    scale: float = 1.0  # a value map's colours span -scale..+scale: the largest |target|

    @classmethod
    def of(cls, bounds: Bounds, width: int, height: int, points: Points | None = None,
           features: tuple[str, ...] = PLANE, head: Head = BOOK_HEAD) -> "Layout":
        grid = pixel_grid(bounds, width, height)
        if points is None or not points.X.shape[0]:
            return cls(width, height, feature_map(grid, features), grid.shape[0], None, None, head=head)
        col = ((points.X[:, 0] - bounds.x0) / (bounds.x1 - bounds.x0) * width).long().clamp(0, width - 1)
        row = ((bounds.y1 - points.X[:, 1]) / (bounds.y1 - bounds.y0) * height).long().clamp(0, height - 1)
        cell = row * width + col
        strides, shown = {}, {}
        for choice, members in (("all", torch.ones_like(points.kind, dtype=torch.bool)),
                                ("test", points.kind == KINDS.index("test"))):
            index = members.nonzero().reshape(-1)
            strides[choice] = stride = thinning(cell[index], width * height) if index.numel() else 1
            shown[choice] = torch.zeros_like(members).index_fill_(0, index[::stride], True)
        inputs = feature_map(torch.cat([grid, points.X]), features)
        scale = float(points.y.abs().max()) or 1.0
        return cls(width, height, inputs, grid.shape[0], points, cell, strides, shown, head, scale)

    def stride(self, choice: str) -> int:
        """1 if the points of ``choice`` are all shown, else every how many-th."""
        return self.strides.get(choice, 1) * (self.points.every if self.points is not None else 1)


def cell_runs(params: Mapping[str, Params], activation: str, layout: Layout,
              choice: str = "all") -> tuple[list[list[int]], int]:
    """The map as runs of equal cells: ``[rows, codes, lengths]`` (a code is
    an index into ``cells_of``), with the points ``choice`` (one of
    ``config.MAP_POINTS``) shows, plus how many of the points ``counted(choice)`` are misclassified."""
    codes, n_wrong = cell_codes(forward(params, activation, layout.X, layout.head), layout, choice)
    runs = runs_of(codes, layout.width).tolist()
    return runs, int(n_wrong)


def value_bins(values: torch.Tensor, scale: float) -> torch.Tensor:
    """The bin (0 to ``VALUE_BINS`` - 1, the middle one zero) of each value on -scale..+scale."""
    values = torch.nan_to_num(values, nan=0.0)
    return (values / scale * _ZERO_BIN).round().clamp(-_ZERO_BIN, _ZERO_BIN).long() + _ZERO_BIN


def value_runs(params: Mapping[str, Params], activation: str, layout: Layout,
               choice: str = "all") -> tuple[list[list[int]], int]:
    """A regression's map as runs of equal cells (codes index ``value_cells_of``):
    each pixel's predicted value, the points ``choice`` shows in the colour and
    glyph of their target's sign (test over dev over train where they share a
    cell); 0 for the misclassified count, which a value has not."""
    width, height, n_grid, points, cell = layout.width, layout.height, layout.n_grid, layout.points, layout.cell
    values = forward(params, activation, layout.X, layout.head)
    region = value_bins(values[:n_grid], layout.scale).reshape(2 * height, width)
    codes = (region[0::2] * VALUE_BINS + region[1::2]).reshape(-1)
    if points is not None and cell is not None and choice in layout.shown:
        priority = (points.kind + 1) * layout.shown[choice]
        best = torch.zeros(width * height, dtype=torch.long).scatter_reduce(0, cell, priority, reduce="amax")
        winner = (priority == best[cell]) & (priority > 0)
        sign = torch.zeros(width * height, dtype=torch.long)
        target = value_bins(points.y, layout.scale)
        sign[cell[winner]] = torch.sign(target[winner] - _ZERO_BIN) + 1
        upper = region[0::2].reshape(-1)
        point_code = _N_VALUE_PLAIN + (upper * 3 + sign) * len(KINDS) + (best - 1).clamp(min=0)
        codes = torch.where(best > 0, point_code, codes)
    return runs_of(codes, width).tolist(), 0


def regions_of(prob: torch.Tensor, n_grid: int, width: int, shown: int | None = None) -> torch.Tensor:
    """Each pixel's region (class * LEVELS + shade, or EDGE), [2 h, w], from the
    first ``n_grid`` rows of P(class 1) [N] or of K classes' probabilities [N, K];
    with ``shown``, that one class's probability alone, a shade per quarter of
    [0, 1] (a K-class network's output unit)."""
    grid = prob[:n_grid]
    if shown is not None:
        return (shown * LEVELS + (grid[:, shown] * LEVELS).long().clamp(0, LEVELS - 1)).reshape(-1, width)
    predicted = predicted_classes(grid)
    if grid.dim() == 1:
        level = ((grid - 0.5).abs() * (2 * LEVELS)).long().clamp(max=LEVELS - 1)
        return (predicted * LEVELS + level).reshape(-1, width)
    k = grid.shape[1]
    level = ((grid.amax(dim=1) - 1 / k) * (LEVELS * k / (k - 1))).long().clamp(0, LEVELS - 1)
    region = (predicted * LEVELS + level).reshape(-1, width)
    winner = predicted.reshape(-1, width)
    edge = torch.zeros_like(winner, dtype=torch.bool)
    edge[:, :-1] = winner[:, :-1] != winner[:, 1:]
    edge[:-1, :] |= winner[:-1, :] != winner[1:, :]
    return torch.where(edge, EDGE, region)


def cell_codes(prob: torch.Tensor, layout: Layout, choice: str = "all",
               shown: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Each cell's code (an index into ``cells_of``), row by row, from P(class 1)
    [N] or K classes' probabilities [N, K] at ``layout.X`` (with ``shown``, the
    map of that class's probability: ``regions_of``), with the points ``choice``
    shows; and how many of the points ``counted(choice)`` are misclassified (a tensor)."""
    width, height, n_grid, points, cell = layout.width, layout.height, layout.n_grid, layout.points, layout.cell
    prob = torch.nan_to_num(prob, nan=0.5 if prob.dim() == 1 else 1 / prob.shape[1])
    region = regions_of(prob, n_grid, width, shown)
    codes = (region[0::2] * _N_REGION + region[1::2]).reshape(-1)  # upper x lower
    n_wrong = torch.zeros((), dtype=torch.long)
    if points is not None and cell is not None:
        wrong = (predicted_classes(prob[n_grid:]) != points.y.long()).long()
        n_wrong = (wrong * counted(choice, points)).sum()
        # one point per cell: misclassified first, then test, dev, train
        priority = wrong * len(KINDS) + points.kind + 1
        if choice == "wrong":
            priority = priority * wrong
        elif choice in layout.shown:
            members = wrong.bool() if choice == "all" else wrong.bool() & (points.kind == KINDS.index(choice))
            priority = priority * (layout.shown[choice] | members)
        else:  # "none"
            priority = priority * 0
        best = torch.zeros(width * height, dtype=torch.long).scatter_reduce(
            0, cell, priority, reduce="amax")
        winner = priority == best[cell]
        label = torch.zeros(width * height, dtype=torch.long)
        label[cell[winner]] = points.y[winner].long()
        kind = (best - 1) % len(KINDS)
        is_wrong = (best - 1) // len(KINDS)
        upper = region[0::2].reshape(-1)
        point_code = _N_PLAIN + ((upper * MAX_CLASSES + label) * 2 + is_wrong) * len(KINDS) + kind
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


def rows_of(runs: list[list[int]], height: int, palette: Palette = TRUECOLOR,
            cells: list[tuple[str, Style]] | None = None) -> list[list[Segment]]:
    """Segments per row from runs (``runs_of``), each code an index into
    ``cells`` (default: the map's own, in ``palette``'s colours)."""
    cells = cells_of(palette) if cells is None else cells
    rows: list[list[Segment]] = [[] for _ in range(height)]
    for row, code, length in zip(*runs):
        text, style = cells[code]
        rows[row].append(Segment(text * length, style))
    return rows


def point_choices(head: Head) -> tuple[str, ...]:
    """The choices of ``config.MAP_POINTS`` a map of ``head``'s output offers:
    a regression's points have values, none is misclassified."""
    return tuple(choice for choice in MAP_POINTS if not (head.regression and choice == "wrong"))


def draw(params: Mapping[str, Params], activation: str, layout: Layout, palette: Palette = TRUECOLOR,
         choice: str = "all") -> tuple[list[list[Segment]], int]:
    """The map as ``layout.height`` rows of Segments, ``layout.width`` cells
    each, with the points ``choice`` (one of ``config.MAP_POINTS``) shows, and how
    many of the points ``counted(choice)`` are misclassified: the classes' map, or
    a regression's values."""
    if layout.width < 1 or layout.height < 1:
        return [], 0
    if layout.head.regression:
        runs, n_wrong = value_runs(params, activation, layout, choice)
        return rows_of(runs, layout.height, cells=value_cells_of(palette)), n_wrong
    runs, n_wrong = cell_runs(params, activation, layout, choice)
    return rows_of(runs, layout.height, palette), n_wrong


def value_legend(palette: Palette, scale: float, width: int) -> list[Segment]:
    """A value map's key in ``width`` cells (in words if they fit): the colour
    of each bin from -scale to +scale, the points' glyphs by their target's
    sign (▼ ◆ ▲) and by set (full, hollow, small)."""
    text, glyph = Style(color=palette.legend), Style(color=palette.legend, bold=True)
    swatches = [Segment("█", Style(color=colour)) for colour in palette.values]
    sets = "".join(g for g in VALUE_GLYPHS[2])
    signs = "".join(g[0] for g in VALUE_GLYPHS)
    long = [Segment(f"value -{scale:.2g} ", text), *swatches, Segment(f" +{scale:.2g}  target ", text),
            Segment(signs, glyph), Segment(" -/0/+  ", text)]
    for k, kind in enumerate(KINDS):
        long += [Segment(VALUE_GLYPHS[2][k], glyph), Segment(f"{kind} ", text)]
    short = [Segment(f"-{scale:.2g} ", text), *swatches, Segment(f" +{scale:.2g} ", text), Segment(signs, glyph),
             Segment(" -0+ ", text), Segment(sets, glyph)]
    for candidate in (long, [*short, Segment(" " + "/".join(KINDS), text)]):
        if sum(seg.cell_length for seg in candidate) <= width:
            return candidate
    return short
