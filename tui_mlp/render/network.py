"""The network tab's picture, as TensorFlow Playground draws a network:
parameters + pixel grids -> rows of rich Segments.

One column per layer, input to output: the inputs x1, x2, each hidden unit
and the output, each a thumbnail of its activation over the plane of the
decision map (the same ``Bounds`` and pixel centres, ``render.boundary``),
in half blocks. Hidden units and inputs are shaded in a diverging palette
(negative, zero, positive) scaled to the unit's largest |activation| on the
grid; the output in the decision map's colours, the data optionally on top
(with K softmax outputs, each unit its class's probability in its class's
colour; a regression's output, a value, in the diverging palette as well).
Between two columns, each unit's incoming weights are one row of cells: the
colour is the sign, the glyph (░▒▓█) the magnitude against the layer's
largest |w|. Beside the network, the selected unit drawn large with its
bias, weights, last gradients and health.

Every thumbnail, the large map and the units' health on the training set
come from ONE batched forward pass (``boundary.layer_values``) over the
concatenated grids and training points; codes, runs and counts are tensor
ops, and the picture reaches Python in one ``.tolist()`` (the units'
scales, a few floats for the legend, in a second).
"""
from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass
from typing import Mapping, Sequence

import torch
from rich.segment import Segment
from rich.style import Style

from tui_mlp.config import PLANE, SATURATED_SHARE, SATURATING
from tui_mlp.nn import BOOK_HEAD, Head
from tui_mlp.nn.features import feature_map
from tui_mlp.render.boundary import (
    UPPER_HALF,
    Bounds,
    Layout,
    Params,
    Points,
    cell_codes,
    cells_of,
    layer_values,
    rows_of,
    runs_of,
)
from tui_mlp.render.palette import TRUECOLOR, Palette

#: A unit's thumbnail in cells (half blocks: twice as many rows of pixels),
#: and the rows of a unit's slot in its column (the thumbnail, then its caption).
THUMB_W, THUMB_H = 10, 5
SLOT_H = THUMB_H + 1
#: The largest map of the selected unit, in cells.
DETAIL_W, DETAIL_H = 24, 12
#: Incoming weights per row of a unit's weight cells (more wrap, up to THUMB_H rows).
WEIGHT_COLS = 16
#: Shades per sign of the diverging palette.
LEVELS = 4
# Negative (magenta) and positive (green) activations in truecolour, strongest
# first / last; apart from the decision colours (blue, orange) so a map is never
# mistaken for one. Each palette has its own (``Palette.diverging``).
DIVERGING = TRUECOLOR.diverging
NEGATIVE, ZERO, POSITIVE = DIVERGING[:LEVELS], DIVERGING[LEVELS], DIVERGING[LEVELS + 1:]
WEIGHT_GLYPHS = "·░▒▓█"  # |w| = 0, then up to 1/4, 1/2, 3/4, all of the layer's largest
#: An activation's magnitude, 0 to LEVELS, where a cell is one glyph (``Palette.shade_glyphs``).
SHADE_GLYPHS = " ░▒▓█"
CAPTION = Style(color="#a0a0a0")
SELECTED = Style(color="#000000", bgcolor="#e0e0e0", bold=True)
TITLE = Style(color="#c0c0c0", bold=True)
WARN = Style(color="#ffb454", bold=True)
PAD = Style()

_N_DIV = len(DIVERGING)
_DIV_BASE = len(cells_of(TRUECOLOR))  # codes after the decision map's own (as many in every palette)
_WEIGHT_BASE = _DIV_BASE + _N_DIV * _N_DIV


@functools.lru_cache(maxsize=None)
def network_cells(palette: Palette = TRUECOLOR) -> list[tuple[str, Style]]:
    """The decision map's cells, then every pair (upper, lower pixel) of
    diverging shades, then the weight cells (negative levels 0..4, positive
    levels 0..4), in ``palette``'s colours. With ``shade_glyphs`` a pair is
    one glyph: the mean of its two pixels, its magnitude a shade glyph, its
    sign the glyph's colour."""
    cells = list(cells_of(palette))
    assert len(cells) == _DIV_BASE
    shades = palette.diverging
    negative, zero, positive = shades[0], shades[LEVELS], shades[-1]
    for top in range(_N_DIV):
        for bottom in range(_N_DIV):
            if palette.shade_glyphs:
                mean = (top + bottom) / 2 - LEVELS
                glyph = SHADE_GLYPHS[min(int(abs(mean) + 0.5), LEVELS)]
                cells.append((glyph, Style(color=negative if mean < 0 else positive, bgcolor=zero)))
            else:
                cells.append((UPPER_HALF, Style(color=shades[top], bgcolor=shades[bottom])))
    for colour in (negative, positive):
        cells += [(glyph, Style(color=colour, bgcolor=zero)) for glyph in WEIGHT_GLYPHS]
    return cells


#: A unit: (column, index); column 0 the inputs, the last the output.
Unit = tuple[int, int]


@dataclass(frozen=True, eq=False)
class Frame:
    """The pixel grids of one picture: every thumbnail's (with the points, if
    shown, for the output's) and the selected unit's large map."""

    thumb: Layout
    detail: Layout
    features: tuple[str, ...] = PLANE  # the network's inputs, computed from (x1, x2)

    @classmethod
    def of(cls, points: Points, detail: tuple[int, int], show_points: bool,
           features: tuple[str, ...] = PLANE, head: Head = BOOK_HEAD) -> "Frame":
        bounds = Bounds.of(points.X)  # the decision map's plane
        shown = points if show_points else None
        return cls(Layout.of(bounds, THUMB_W, THUMB_H, shown, features, head),
                   Layout.of(bounds, *detail, shown, features, head), features)

    @property
    def classes(self) -> bool:
        """Whether the output is a class probability, drawn in the decision map's colours."""
        return not self.thumb.head.regression


@dataclass(frozen=True)
class Health:
    """A hidden unit on the training set: points where its activation is 0,
    and where |net input| is past the activation's saturation threshold."""

    zero: int
    saturated: int
    points: int

    def word(self, activation: str) -> str:
        """"dead", "saturated" or ""."""
        if self.points and self.zero == self.points:
            return "dead"
        if activation in SATURATING and self.points and self.saturated >= SATURATED_SHARE * self.points:
            return "saturated"
        return ""


@dataclass(frozen=True)
class Picture:
    """The units in view drawn, by unit: THUMB_H rows of its thumbnail, its
    incoming weights' cells (not for inputs), the largest |activation| on the
    grid (its scale) and its health (hidden units only); and the selected
    unit's large map."""

    thumbs: dict[Unit, list[list[Segment]]]
    weights: dict[Unit, list[list[Segment]]]
    scales: dict[Unit, float]
    health: dict[Unit, Health | None]
    detail: list[list[Segment]]


def sizes_of(params: Mapping[str, Params]) -> list[int]:
    """Units per column, inputs first."""
    layers = list(params.values())
    return [int(layers[0]["W"].shape[0]), *(int(layer["W"].shape[1]) for layer in layers)]


def in_view(sizes: Sequence[int], columns: Sequence[int], slots: range) -> list[Unit]:
    """The units of ``columns`` whose index is in ``slots``."""
    return [(c, j) for c in columns for j in slots if j < sizes[c]]


def _diverging(values: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Shade indices into DIVERGING: value / scale cut into 2 LEVELS + 1 bands."""
    return (values / scale).mul(LEVELS).round().clamp(-LEVELS, LEVELS).long() + LEVELS


def _half_blocks(level: torch.Tensor) -> torch.Tensor:
    """Codes of half-block cells from shades [..., 2 h, w]: upper x lower pixel."""
    return _DIV_BASE + level[..., 0::2, :] * _N_DIV + level[..., 1::2, :]


def draw(params: Mapping[str, Params], activation: str, frame: Frame, train_X: torch.Tensor,
         selected: Unit, units: Sequence[Unit] | None = None, palette: Palette = TRUECOLOR) -> Picture:
    """The network of ``params`` (copies) over ``frame``: the thumbnails,
    weights and health of ``units`` (default: all; a pane passes those in
    view, so a wide network costs what it shows) and the selected unit's
    large map, in ``palette``'s colours. Health is counted on ``train_X``
    (points of the plane)."""
    sizes = sizes_of(params)
    starts = [sum(sizes[:c]) for c in range(len(sizes))]
    units = list(units) if units is not None else in_view(sizes, range(len(sizes)), range(max(sizes)))
    wanted = [*units, selected] if selected not in units else units
    thumb, detail = frame.thumb, frame.detail
    n_thumb, n_detail = thumb.X.shape[0], detail.X.shape[0]
    X = torch.cat([thumb.X, detail.X, feature_map(train_X.to(thumb.X.dtype), frame.features)])
    values = layer_values(params, activation, X, thumb.head)
    output = len(sizes) - 1
    with torch.inference_mode():
        # every unit's activation and net input, column by column (an input's "net input" is itself)
        A = torch.nan_to_num(torch.cat([X, *(a for _, a in values)], dim=1))
        Z = torch.nan_to_num(torch.cat([X, *(z for z, _ in values)], dim=1))
        index = torch.tensor([starts[c] + j for c, j in wanted], dtype=torch.long)
        scale = A[:thumb.n_grid, index].abs().amax(dim=0).clamp(min=1e-12)

        shown = index[:len(units)]
        level = _diverging(A[:thumb.n_grid, shown], scale[:len(units)])
        codes = _half_blocks(level.T.reshape(len(units), 2 * THUMB_H, THUMB_W))
        outputs = slice(starts[output], starts[output] + sizes[output])
        one = sizes[output] == 1  # the book's P(class 1), else each class's probability
        for j in range(sizes[output] if frame.classes else 0):
            if (output, j) in units:
                p = A[:n_thumb, outputs]
                out_codes, _ = cell_codes(p[:, 0], thumb) if one else cell_codes(p, thumb, shown=j)
                codes[units.index((output, j))] = out_codes.reshape(THUMB_H, THUMB_W)
        thumb_runs = runs_of(codes.reshape(-1), THUMB_W)

        unit = starts[selected[0]] + selected[1]
        big = A[n_thumb:n_thumb + n_detail, unit]
        if selected[0] == output and frame.classes:
            p = A[n_thumb:n_thumb + n_detail, outputs]
            big_codes, _ = cell_codes(p[:, 0], detail) if one else cell_codes(p, detail, shown=selected[1])
        else:
            big_level = _diverging(big[:detail.n_grid], scale[wanted.index(selected)])
            big_codes = _half_blocks(big_level.reshape(2 * detail.height, detail.width)).reshape(-1)
        detail_runs = runs_of(big_codes, detail.width)

        train = slice(n_thumb + n_detail, None)
        zero = (A[train][:, index] == 0).sum(dim=0)
        saturated = (Z[train][:, index].abs() > SATURATING.get(activation, float("inf"))).sum(dim=0)
        weight_codes = []
        layers = list(params.values())
        for c, j in units:
            if c:
                W = torch.nan_to_num(layers[c - 1]["W"])
                w = W[:THUMB_H * WEIGHT_COLS, j]  # as many as a slot shows
                top = W.abs().amax().clamp(min=1e-12)  # the layer's largest |w|
                magnitude = (w.abs() / top * 4).ceil().clamp(0, 4).long()
                weight_codes.append(_WEIGHT_BASE + (w > 0).long() * len(WEIGHT_GLYPHS) + magnitude)
        parts = [thumb_runs.reshape(-1), detail_runs.reshape(-1), zero, saturated, *weight_codes]
        flat = torch.cat([p.long() for p in parts]).tolist()  # the picture's one transfer
        scales = scale.tolist()
    return _unpack(flat, parts, sizes, units, wanted, detail.height, scales, int(train_X.shape[0]),
                   network_cells(palette))


def _unpack(flat: list[int], parts: Sequence[torch.Tensor], sizes: list[int], units: list[Unit],
            wanted: list[Unit], detail_height: int, scales: list[float], points: int,
            cells: list[tuple[str, Style]]) -> Picture:
    """``draw``'s one list of ints back into a Picture, drawn with ``cells``."""
    pieces, at = [], 0
    for part in parts:
        n = part.numel()
        pieces.append(flat[at:at + n])
        at += n
    thumb_flat, detail_flat, zero, saturated, *weight_codes = pieces
    thumb_rows = rows_of(_split3(thumb_flat), len(units) * THUMB_H, cells=cells)
    thumbs = {u: thumb_rows[k * THUMB_H:(k + 1) * THUMB_H] for k, u in enumerate(units)}
    hidden = range(1, len(sizes) - 1)
    health = {u: Health(z, s, points) if u[0] in hidden else None
              for u, z, s in zip(wanted, zero, saturated)}
    receiving = [u for u in units if u[0]]
    weights = {u: _weight_rows(codes, sizes[u[0] - 1], cells) for u, codes in zip(receiving, weight_codes)}
    return Picture(thumbs, weights, dict(zip(wanted, scales)), health,
                   rows_of(_split3(detail_flat), detail_height, cells=cells))


def _split3(flat: list[int]) -> list[list[int]]:
    """A flattened [3, n] runs tensor as its three rows."""
    n = len(flat) // 3
    return [flat[:n], flat[n:2 * n], flat[2 * n:]]


def _weight_rows(codes: list[int], n_in: int, cells: list[tuple[str, Style]]) -> list[list[Segment]]:
    """One unit's incoming weights' cells (the first of its ``n_in``),
    WEIGHT_COLS to a row and at most THUMB_H rows (a last "…" stands for
    those left out)."""
    cols = min(n_in, WEIGHT_COLS)
    rows_needed = -(-n_in // cols)
    rows = []
    for r in range(min(rows_needed, THUMB_H)):
        chunk = codes[r * cols:(r + 1) * cols]
        cut = r == THUMB_H - 1 and rows_needed > THUMB_H
        row = [Segment(*cells[c]) for c in (chunk[:-1] if cut else chunk)]
        row.append(Segment("…" if cut else " " * (cols - len(chunk)), PAD))
        rows.append(row)
    return rows


# ------------------------------------------------------------------ laying the picture out
def unit_name(sizes: Sequence[int], unit: Unit, features: Sequence[str] = PLANE) -> str:
    """How the tab names a unit: its feature (inputs: x1, x2, ...), h1.1 ...
    (hidden, from 1), out (K outputs: out0 ... by class)."""
    column, index = unit
    if column == 0:
        return features[index] if index < len(features) else f"x{index + 1}"
    if column == len(sizes) - 1:
        return "out" if sizes[-1] == 1 else f"out{index}"  # K outputs: one per class, 0..K-1
    return f"h{column}.{index + 1}"


def strip_width(sizes: Sequence[int], column: int) -> int:
    """Columns of the weight cells just left of ``column`` (a blank each side)."""
    return min(sizes[column - 1], WEIGHT_COLS) + 2


def shown_columns(sizes: Sequence[int], left: int, width: int) -> list[int]:
    """The columns that fit in ``width`` from ``left`` on (at least one)."""
    shown, used = [left], THUMB_W
    for column in range(left + 1, len(sizes)):
        used += strip_width(sizes, column) + THUMB_W
        if used > width:
            break
        shown.append(column)
    return shown


def follow_columns(sizes: Sequence[int], left: int, column: int, width: int) -> int:
    """The first column shown, moved as little as possible so that ``column`` is shown."""
    left = min(left, column)
    while column not in shown_columns(sizes, left, width):
        left += 1
    return left


def follow(offset: int, start: int, length: int, view: int) -> int:
    """A scroll offset moved as little as possible so that [start, start + length) is in view."""
    if start < offset:
        return start
    if start + length > offset + view:
        return max(start + length - view, 0)
    return offset


def units_in_view(sizes: Sequence[int], width: int, height: int, top: int, left: int) -> list[Unit]:
    """The units ``network_rows`` shows (wholly or in part) for this size and scroll."""
    return in_view(sizes, shown_columns(sizes, left, width),
                   range(top // SLOT_H, (top + max(height - 2, 0)) // SLOT_H + 1))


def unit_at(sizes: Sequence[int], width: int, top: int, left: int, x: int, y: int) -> Unit | None:
    """The unit whose slot (thumbnail or caption) is at cell (x, y) of
    ``network_rows``' picture, if any."""
    if y < 1:
        return None
    slot = (top + y - 1) // SLOT_H
    at = 0
    for column in shown_columns(sizes, left, width):
        if column != left:
            at += strip_width(sizes, column)
        if at <= x < at + THUMB_W:
            return (column, slot) if slot < sizes[column] else None
        at += THUMB_W
    return None


def network_rows(picture: Picture, sizes: Sequence[int], activation: str, selected: Unit,
                 width: int, height: int, top: int, left: int,
                 features: Sequence[str] = PLANE) -> list[list[Segment]]:
    """The columns from ``left`` that fit in ``width``, body rows from ``top``:
    a title row, then each unit's slot (thumbnail and caption) with its
    incoming weights' cells to its left. "◂"/"▸" mark columns left out."""
    columns = shown_columns(sizes, left, width)
    title: list[Segment] = []
    for column in columns:
        if column != columns[0]:
            title.append(Segment(f"fc{column}".center(strip_width(sizes, column))[:strip_width(sizes, column)],
                                 CAPTION))
        name = "x" if column == 0 else "out" if column == len(sizes) - 1 else f"h{column}"
        if column == left > 0:  # columns left out to the left
            title.append(Segment("◂", WARN))
            name = name[:THUMB_W - 1]
        title.append(Segment(name[:THUMB_W].ljust(THUMB_W - (column == left > 0)), TITLE))
    if columns[-1] < len(sizes) - 1:
        title.append(Segment(" ▸", WARN))
    rows = [title]
    for r in range(top, top + height - 1):
        slot, line = divmod(r, SLOT_H)
        row: list[Segment] = []
        for column in columns:
            if column != columns[0]:
                row += _weights_cell(picture, sizes, column, slot, line)
            row += _unit_cell(picture, sizes, activation, (column, slot), line, selected, features)
        rows.append(row)
    return rows


def _weights_cell(picture: Picture, sizes: Sequence[int], column: int, slot: int, line: int) -> list[Segment]:
    blank = [Segment(" " * strip_width(sizes, column), PAD)]
    if slot >= sizes[column]:
        return blank
    rows = picture.weights[(column, slot)]
    return [Segment(" ", PAD), *rows[line], Segment(" ", PAD)] if line < len(rows) else blank


def _unit_cell(picture: Picture, sizes: Sequence[int], activation: str, unit: Unit, line: int,
               selected: Unit, features: Sequence[str]) -> list[Segment]:
    column, index = unit
    if index >= sizes[column]:
        return [Segment(" " * THUMB_W, PAD)]
    if line < THUMB_H:
        return picture.thumbs[unit][line]
    health = picture.health.get(unit)
    word = health.word(activation) if health is not None else ""
    name = unit_name(sizes, unit, features)  # the selected one in reverse
    flag = {"dead": " dead", "saturated": " sat"}.get(word, "")[:max(THUMB_W - len(name), 0)]
    return [Segment(name[:THUMB_W], SELECTED if unit == selected else CAPTION),
            Segment(flag.ljust(THUMB_W - min(len(name), THUMB_W)), WARN)]


# ------------------------------------------------------------------ the selected unit
def unit_params(sizes: Sequence[int], unit: Unit,
                features: Sequence[str] = PLANE) -> list[tuple[str, tuple[int, int], str]]:
    """What of the selected unit can be edited: its bias, then its incoming
    weights, as (key, index, label); nothing for an input."""
    column, index = unit
    if column == 0:
        return []
    return [("b", (0, index), "bias"),
            *(("W", (i, index), f"w {unit_name(sizes, (column - 1, i), features)}") for i in range(sizes[column - 1]))]


def _status(health: Health | None, activation: str) -> tuple[str, Style]:
    if health is None:
        return "", CAPTION
    share = 100 * (health.points - health.zero) / max(health.points, 1)
    word = health.word(activation)
    if word == "dead":
        return f"dead: 0 on all {health.points} training points", WARN
    if activation in SATURATING:
        sat = 100 * health.saturated / max(health.points, 1)
        text = f"|z| > {SATURATING[activation]:g} on {sat:.0f}% of training points"
        return (f"saturated: {text}", WARN) if word else (text, CAPTION)
    return f"nonzero on {share:.0f}% of training points", CAPTION


def _legend(scale: float, output: int | None, classes: int = 2, palette: Palette = TRUECOLOR) -> list[Segment]:
    """The shades' scale: of an output unit (``output``, the class whose
    probability it shows) or of any other unit's activation (each shade as
    the thumbnails draw it)."""
    if output is not None:
        shades = (*reversed(palette.region[0]), *palette.region[1]) if classes == 2 else \
            palette.region[output]
        return [Segment(f"P(class {output}) 0 ", CAPTION),
                *(Segment(" ", Style(bgcolor=colour)) for colour in shades), Segment(" 1", CAPTION)]
    cells = network_cells(palette)
    return [Segment(f"{-scale:+.3g} ", CAPTION),
            *(Segment(*cells[_DIV_BASE + k * _N_DIV + k]) for k in range(_N_DIV)),
            Segment(f" {scale:+.3g}", CAPTION)]


def detail_rows(picture: Picture, params: Mapping[str, Params], grads: Mapping[str, Params] | None,
                activation: str, selected: Unit, picked: int, refusal: str | None, height: int,
                features: Sequence[str] = PLANE, width: int = 34,
                head: Head = BOOK_HEAD, palette: Palette = TRUECOLOR) -> list[list[Segment]]:
    """The selected unit: its name, its map, the shades' scale, its health,
    then its bias and incoming weights with the gradient (dL/d) of each from the last epoch
    (``picked`` marked, the list scrolled to show it), and how to edit them
    (or ``refusal``, wrapped to ``width``: why they cannot be edited now)."""
    sizes = sizes_of(params)
    column, index = selected
    last = column == len(sizes) - 1
    classes = 2 if sizes[-1] == 1 else sizes[-1]
    output = head.output_name if head.regression else "logistic" if classes == 2 else "softmax"
    what = ("input feature" if column == 0 else f"fc{column} unit {index}, " + (output if last else activation))
    rows: list[list[Segment]] = [[Segment(f"{unit_name(sizes, selected, features)}  ", TITLE), Segment(what, CAPTION)]]
    rows += picture.detail
    shown_class = (1 if classes == 2 else index) if last and not head.regression else None
    rows.append(_legend(picture.scales[selected], shown_class, classes, palette))
    status, style = _status(picture.health[selected], activation)
    if status:
        rows.append([Segment(status, style)])
    entries = unit_params(sizes, selected, features)
    if not entries:
        return rows
    layer = list(params)[column - 1]
    values = [float(params[layer][key][i, j]) for key, (i, j), _ in entries]
    grad = grads.get(layer) if grads is not None else None
    derivs = [float(grad[key][i, j]) for key, (i, j), _ in entries] if grad is not None else None
    rows.append([Segment(f"  {'':7} {'value':>9}  {'gradient':>9}", CAPTION)])
    width = max(width, 10)
    hint = textwrap.wrap(refusal, width) if refusal is not None else ["[ ] nudge  enter type  , . pick"]
    # the numbers come first: a reason too long for the rows left is shortened
    room = max(height - len(rows) - len(hint), min(height - len(rows) - 1, len(entries)), 1)
    first = follow(0, picked, 1, room) if picked >= room else 0
    for n in range(first, min(first + room, len(entries))):
        mark, style = ("▸ ", SELECTED) if n == picked else ("  ", PAD)
        d = f"{derivs[n]:+.2e}" if derivs is not None else "-"
        rows.append([Segment(f"{mark}{entries[n][2]:<7} {values[n]:+9.4f}  {d:>9}", style)])
    left = max(height - len(rows), 1)
    if len(hint) > left:
        hint = [*hint[:left - 1], textwrap.shorten(" ".join(hint[left - 1:]), width, placeholder=" …")]
    rows += [[Segment(line, CAPTION)] for line in hint]
    return rows
