"""The network tab's picture against cell-by-cell references computed here in
float64 with plain formulas: each thumbnail's shades, the output's decision
colours, the selected unit's large map, the weight cells, the units' health,
and the layout (columns that fit, scrolling, captions, the unit's numbers)."""
from __future__ import annotations

import math

import pytest
import torch

import tui_mlp.render.network as network
from tui_mlp.config import SATURATING
from tui_mlp.render.boundary import GLYPHS, UPPER_HALF, Bounds, Points
from tui_mlp.render.boundary import LEVELS as MAP_LEVELS
from tui_mlp.render.network import (
    DIVERGING,
    LEVELS,
    NEGATIVE,
    POSITIVE,
    SLOT_H,
    THUMB_H,
    THUMB_W,
    WEIGHT_GLYPHS,
    Frame,
    Health,
    detail_rows,
    draw,
    follow,
    follow_columns,
    network_rows,
    shown_columns,
    sizes_of,
    strip_width,
    unit_at,
    unit_params,
    units_in_view,
)
from tui_mlp.render.palette import PALETTES, STANDARD_COLOURS, TRUECOLOR

#: |value - cut| (in shade units) under which float32 rounding may pick either shade.
ROUNDING = 1e-4


def make_params(sizes: list[int], seed: int) -> dict:
    g = torch.Generator().manual_seed(seed)
    return {f"fc{i}": {"W": torch.randn(a, b, generator=g), "b": torch.randn(1, b, generator=g)}
            for i, (a, b) in enumerate(zip(sizes, sizes[1:]), start=1)}


def points(seed: int = 3, n: int = 60) -> tuple[Points, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 2, generator=g)
    y = (X[:, :1] > 0).float()
    third = n // 3
    sets = ((X[:third], y[:third]), (X[third:2 * third], y[third:2 * third]), (X[2 * third:], y[2 * third:]))
    return Points.of(*sets), X[:third]


def reference_units(params: dict, activation: str, x: float, y: float) -> list[list[float]]:
    """Every unit's value at one point, column by column, with plain floats."""
    act = {"relu": lambda z: max(z, 0.0), "tanh": math.tanh,
           "logistic": lambda z: 1 / (1 + math.exp(-z))}[activation]
    h = [x, y]
    columns = [h]
    layers = list(params.values())
    for i, layer in enumerate(layers):
        W, b = layer["W"].double().tolist(), layer["b"].double().tolist()[0]
        z = [b[j] + sum(h[k] * W[k][j] for k in range(len(h))) for j in range(len(b))]
        h = [act(v) if i < len(layers) - 1 else 1 / (1 + math.exp(-v)) for v in z]
        columns.append(h)
    return columns


def centres(frame_layout) -> list[tuple[float, float]]:
    """Pixel centres of a map, row by row from the top, from the bounds alone."""
    b = BOUNDS
    w, h = frame_layout.width, 2 * frame_layout.height
    return [(b.x0 + (b.x1 - b.x0) * (i + 0.5) / w, b.y1 - (b.y1 - b.y0) * (r + 0.5) / h)
            for r in range(h) for i in range(w)]


def cells(rows: list) -> list[list[tuple[str, object]]]:
    """Each cell of rows of Segments: (character, style)."""
    return [[(ch, seg.style) for seg in row for ch in seg.text] for row in rows]


def shade(value: float, scale: float) -> tuple[int, bool]:
    """The diverging index of a value, and whether it is clear of a cut."""
    t = value / scale * LEVELS
    clear = abs(abs(t) - math.floor(abs(t)) - 0.5) > ROUNDING
    return int(max(-LEVELS, min(LEVELS, math.floor(t + 0.5)))) + LEVELS, clear


def region(p: float) -> tuple[str, bool]:
    level = min(int(abs(p - 0.5) * 2 * MAP_LEVELS), MAP_LEVELS - 1)
    cut = abs(p - 0.5) * 2 * MAP_LEVELS
    clear = abs(cut - round(cut)) > ROUNDING and abs(p - 0.5) > ROUNDING
    return TRUECOLOR.region[int(p >= 0.5)][level], clear


SIZES = [2, 4, 3, 1]
PARAMS = make_params(SIZES, 11)
POINTS, TRAIN_X = points()
BOUNDS = Bounds.of(POINTS.X)  # the decision map's plane


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_each_thumbnail_shades_its_units_activation_cell_by_cell(activation: str) -> None:
    frame = Frame.of(POINTS, (16, 8), False)
    picture = draw(PARAMS, activation, frame, TRAIN_X, (1, 0))
    pixels = centres(frame.thumb)
    values = [reference_units(PARAMS, activation, x, y) for x, y in pixels]
    checked = 0
    for c, n in enumerate(SIZES):
        for j in range(n):
            got = cells(picture.thumbs[(c, j)])
            assert len(got) == THUMB_H and all(len(row) == THUMB_W for row in got)
            unit = [v[c][j] for v in values]
            scale = max(max(abs(v) for v in unit), 1e-12)  # a unit zero everywhere: all ZERO
            assert picture.scales[(c, j)] == pytest.approx(scale, rel=1e-5)
            for r in range(THUMB_H):
                for i in range(THUMB_W):
                    char, style = got[r][i]
                    assert char == UPPER_HALF
                    for half, colour in ((0, style.color), (1, style.bgcolor)):
                        v = unit[(2 * r + half) * THUMB_W + i]
                        if c == len(SIZES) - 1:
                            expected, clear = region(v)
                        else:
                            index, clear = shade(v, scale)
                            expected = DIVERGING[index]
                        if clear:
                            checked += 1
                            assert colour.name == expected, (c, j, r, i, half, v)
    assert checked > 0.98 * 2 * THUMB_H * THUMB_W * sum(SIZES)


def test_the_selected_units_large_map_is_its_activation_at_the_large_size() -> None:
    frame = Frame.of(POINTS, (16, 8), False)
    for unit in [(0, 1), (2, 2), (3, 0)]:
        picture = draw(PARAMS, "tanh", frame, TRAIN_X, unit)
        got = cells(picture.detail)
        assert len(got) == 8 and all(len(row) == 16 for row in got)
        thumb_values = [reference_units(PARAMS, "tanh", x, y)[unit[0]][unit[1]] for x, y in centres(frame.thumb)]
        scale = max(max(abs(v) for v in thumb_values), 1e-12)  # the thumbnail's scale: both maps alike
        for k, (x, y) in enumerate(centres(frame.detail)):
            r, i, half = k // 32, k % 16, (k // 16) % 2
            v = reference_units(PARAMS, "tanh", x, y)[unit[0]][unit[1]]
            expected, clear = region(v) if unit[0] == 3 else (DIVERGING[shade(v, scale)[0]], shade(v, scale)[1])
            style = got[r][i][1]
            if clear:
                assert (style.color if half == 0 else style.bgcolor).name == expected, (unit, r, i, half)


def test_points_are_drawn_on_the_output_only_when_shown() -> None:
    shown = draw(PARAMS, "relu", Frame.of(POINTS, (16, 8), True), TRAIN_X, (3, 0))
    hidden = draw(PARAMS, "relu", Frame.of(POINTS, (16, 8), False), TRAIN_X, (3, 0))
    glyphs = {glyph for shapes in GLYPHS for glyph in shapes}
    assert glyphs & {ch for row in cells(shown.thumbs[(3, 0)]) for ch, _ in row}
    assert glyphs & {ch for row in cells(shown.detail) for ch, _ in row}
    assert not glyphs & {ch for row in cells(hidden.thumbs[(3, 0)]) for ch, _ in row}
    for unit, rows in shown.thumbs.items():  # never on the other units
        assert unit == (3, 0) or all(ch == UPPER_HALF for row in cells(rows) for ch, _ in row)


def test_weight_cells_show_sign_by_colour_and_magnitude_by_glyph() -> None:
    params = make_params([2, 20, 1], 5)
    params["fc1"]["W"][0, 3] = 0.0
    picture = draw(params, "relu", Frame.of(POINTS, (16, 8), False), TRAIN_X, (1, 0))
    for layer, (n_in, n_out) in enumerate([(2, 20), (20, 1)]):
        W = params[f"fc{layer + 1}"]["W"].double()
        top = float(W.abs().max())
        for j in range(n_out):
            got = [cell for row in cells(picture.weights[(layer + 1, j)]) for cell in row]
            got = [cell for cell in got if cell[0] != " "]
            assert len(got) == n_in  # 20 inputs: 16, then 4 on a second row
            for i, (char, style) in enumerate(got):
                w = float(W[i, j])
                level = min(math.ceil(abs(w) / top * 4), 4)
                assert char == WEIGHT_GLYPHS[level]
                assert style.color.name == (POSITIVE[-1] if w > 0 else NEGATIVE[0])
    assert len(picture.weights[(2, 0)]) == 2  # 20 weights wrap onto two rows of 16


def test_health_counts_dead_and_saturated_units_on_the_training_points() -> None:
    params = make_params([2, 3, 1], 2)
    params["fc1"]["b"][0, 0] = -100.0  # zero on every point: dead
    params["fc1"]["W"][:, 1] *= 50.0  # |z| huge nearly everywhere: saturated for tanh
    frame = Frame.of(POINTS, (16, 8), False)
    for activation in ("relu", "tanh"):
        health = draw(params, activation, frame, TRAIN_X, (1, 0)).health
        W, b = params["fc1"]["W"].double(), params["fc1"]["b"].double()
        z = TRAIN_X.double() @ W + b
        a = z.clamp(min=0) if activation == "relu" else torch.tanh(z)
        for j in range(3):
            expected = Health(int((a[:, j] == 0).sum()),
                              int((z[:, j].abs() > SATURATING.get(activation, math.inf)).sum()), TRAIN_X.shape[0])
            assert health[(1, j)] == expected
        assert health[(0, 0)] is None and health[(0, 1)] is None and health[(2, 0)] is None
        words = [health[(1, j)].word(activation) for j in range(3)]
        assert words[0] == ("dead" if activation == "relu" else "saturated")
        assert words[1] == ("" if activation == "relu" else "saturated")


def test_only_the_units_asked_for_are_drawn_and_the_selected_one_always_has_its_numbers() -> None:
    params = make_params([2, 40, 40, 1], 1)
    sizes = sizes_of(params)
    units = units_in_view(sizes, 38, 14, top=SLOT_H * 3, left=1)
    assert units == [(c, j) for c in (1, 2) for j in (3, 4, 5)]
    picture = draw(params, "relu", Frame.of(POINTS, (16, 8), False), TRAIN_X, (2, 39), units)
    assert set(picture.thumbs) == set(units) and set(picture.weights) == set(units)
    assert set(picture.scales) == set(picture.health) == {*units, (2, 39)}
    full = draw(params, "relu", Frame.of(POINTS, (16, 8), False), TRAIN_X, (2, 39))
    for unit in units:  # the same cells as when every unit is drawn
        assert picture.thumbs[unit] == full.thumbs[unit] and picture.weights[unit] == full.weights[unit]
        assert picture.health[unit] == full.health[unit]
    assert picture.detail == full.detail and picture.health[(2, 39)] == full.health[(2, 39)]
    # 40 incoming weights: two full rows of 16, then 8 padded to 16
    assert [sum(seg.cell_length for seg in row) for row in picture.weights[(2, 3)]] == [16, 16, 16]


def test_one_forward_pass_and_one_transfer_per_picture(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"forward": 0, "tolist": 0}
    real_values, real_tolist = network.layer_values, torch.Tensor.tolist

    def counted_values(*args, **kwargs):
        calls["forward"] += 1
        return real_values(*args, **kwargs)

    def counted_tolist(self):
        calls["tolist"] += 1
        return real_tolist(self)

    frame = Frame.of(POINTS, (16, 8), True)
    monkeypatch.setattr(network, "layer_values", counted_values)
    monkeypatch.setattr(torch.Tensor, "tolist", counted_tolist)
    draw(PARAMS, "relu", frame, TRAIN_X, (2, 1))
    monkeypatch.undo()
    assert calls == {"forward": 1, "tolist": 2}  # the picture's codes, and the units' scales


# ------------------------------------------------------------------ layout
def test_columns_that_do_not_fit_are_paged_and_the_selected_one_is_always_shown() -> None:
    sizes = [2, 16, 16, 1]
    full = THUMB_W * 4 + strip_width(sizes, 1) + strip_width(sizes, 2) + strip_width(sizes, 3)
    assert full == 40 + 4 + 18 + 18
    assert shown_columns(sizes, 0, full) == [0, 1, 2, 3]
    assert shown_columns(sizes, 0, full - 1) == [0, 1, 2]
    assert shown_columns(sizes, 0, 5) == [0]  # one column at least
    assert follow_columns(sizes, 0, 3, 50) == 2
    assert follow_columns(sizes, 2, 0, 50) == 0
    assert follow_columns(sizes, 1, 2, 50) == 1  # already shown: no move
    assert follow(0, 30, 6, 20) == 16 and follow(16, 6, 6, 20) == 6 and follow(6, 12, 6, 20) == 6


def test_network_rows_lay_out_slots_weights_and_captions() -> None:
    params = make_params([2, 16, 16, 1], 0)
    sizes = sizes_of(params)
    picture = draw(params, "relu", Frame.of(POINTS, (16, 8), False), TRAIN_X, (2, 14))
    rows = network_rows(picture, sizes, "relu", (2, 14), 50, 20, top=14 * SLOT_H - 10, left=1)
    text = ["".join(s.text for s in row) for row in rows]
    assert len(rows) == 20
    assert text[0].startswith("◂") and text[0].rstrip().endswith("▸")  # columns 0 and 3 left out
    assert all(sum(s.cell_length for s in row) == THUMB_W * 2 + strip_width(sizes, 2) for row in rows[1:])
    captions = [t for t in text if "h2.15" in t]
    assert len(captions) == 1 and "h1.15" in captions[0]
    caption_row = rows[text.index(captions[0])]
    selected = [s for s in caption_row if "h2.15" in s.text]
    assert selected[0].style == network.SELECTED


def test_unit_at_finds_the_slot_under_a_cell_and_the_title_keeps_the_columns_aligned() -> None:
    sizes = [2, 16, 16, 1]
    h1 = THUMB_W + strip_width(sizes, 1)
    assert unit_at(sizes, 120, 0, 0, 0, 0) is None  # the title row
    assert unit_at(sizes, 120, 0, 0, 3, 1) == (0, 0)
    assert unit_at(sizes, 120, 0, 0, 3, 1 + 2 * SLOT_H) is None  # below the two inputs
    assert unit_at(sizes, 120, 0, 0, THUMB_W, 1) is None  # on weight cells
    assert unit_at(sizes, 120, 0, 0, h1, 1 + SLOT_H - 1) == (1, 0)  # its caption
    assert unit_at(sizes, 120, 2 * SLOT_H, 0, h1 + 9, 1) == (1, 2)  # scrolled down two slots
    assert unit_at(sizes, 50, 0, 2, 0, 1) == (2, 0)  # paged: h2 first
    params = make_params(sizes, 0)
    picture = draw(params, "relu", Frame.of(POINTS, (16, 8), False), TRAIN_X, (2, 0))
    rows = network_rows(picture, sizes, "relu", (2, 0), 50, 8, top=0, left=2)
    assert [sum(s.cell_length for s in row) for row in rows[:2]] == [THUMB_W * 2 + strip_width(sizes, 3)] * 2


def test_detail_rows_list_bias_weights_and_last_gradients() -> None:
    params = make_params([2, 3, 1], 4)
    grads = make_params([2, 3, 1], 9)
    picture = draw(params, "relu", Frame.of(POINTS, (16, 8), False), TRAIN_X, (2, 0))
    rows = detail_rows(picture, params, grads, "relu", (2, 0), 2, None, 40)
    text = ["".join(s.text for s in row) for row in rows]
    assert text[0].startswith("out") and "fc2 unit 0, logistic" in text[0]
    entries = unit_params(sizes_of(params), (2, 0))
    assert [label for _, _, label in entries] == ["bias", "w h1.1", "w h1.2", "w h1.3"]
    for n, (key, (i, j), label) in enumerate(entries):
        line = next(t for t in text if t[2:].startswith(label + " ") or t[2:].startswith(f"{label:<7}"))
        assert f"{float(params['fc2'][key][i, j]):+9.4f}" in line
        assert f"{float(grads['fc2'][key][i, j]):+.2e}" in line
        assert line.startswith("▸ ") == (n == 2)
    assert text[-1].startswith("[ ] nudge")
    running = detail_rows(picture, params, None, "relu", (2, 0), 0, "pause first", 40)
    assert "".join(s.text for s in running[-1]) == "pause first"
    inputs = draw(params, "relu", Frame.of(POINTS, (16, 8), False), TRAIN_X, (0, 1))
    assert unit_params(sizes_of(params), (0, 1)) == []
    assert "input feature" in "".join(s.text for s in detail_rows(inputs, params, None, "relu", (0, 1), 0, None, 40)[0])


def test_in_a_short_pane_every_entry_shows_before_a_long_reason_which_is_shortened() -> None:
    """At 80x24 the reason edits wait (the timeline shows an earlier epoch)
    wraps to three lines: the bias and both weights still show, the reason in
    the row left."""
    params = make_params([2, 3, 1], 4)
    picture = draw(params, "relu", Frame.of(POINTS, (16, 8), False), TRAIN_X, (1, 0))
    reason = "the timeline shows an earlier epoch: go to the latest (end) or rewind (b) to edit"
    tall = detail_rows(picture, params, None, "relu", (1, 0), 0, reason, 40, width=34)
    height = len(tall) - 2  # room for the three entries and one line of the reason
    rows = detail_rows(picture, params, None, "relu", (1, 0), 0, reason, height, width=34)
    text = ["".join(s.text for s in row) for row in rows]
    assert len(text) == height
    assert [t[2:9].strip() for t in text[-4:-1]] == ["bias", "w x1", "w x2"]
    assert text[-1].endswith(" …") and len(text[-1]) <= 34 and reason.startswith(text[-1][:-2])
    assert " ".join(" ".join(t for t in ("".join(s.text for s in row) for row in tall[-3:])).split()) == reason


def test_with_input_features_the_inputs_are_the_features_over_the_plane() -> None:
    features = ("x1", "x2", "x1sq", "x1x2")
    params = make_params([4, 3, 1], 6)
    frame = Frame.of(POINTS, (16, 8), False, features)
    picture = draw(params, "tanh", frame, TRAIN_X, (0, 2))
    pixels = centres(frame.thumb)
    for j, f in enumerate([lambda x, y: x, lambda x, y: y, lambda x, y: x * x, lambda x, y: x * y]):
        values = [f(x, y) for x, y in pixels]
        scale = max(abs(v) for v in values)
        assert picture.scales[(0, j)] == pytest.approx(scale, rel=1e-5)
        got = cells(picture.thumbs[(0, j)])
        for k, v in enumerate(values):
            index, clear = shade(v, scale)
            style = got[k // (2 * THUMB_W)][k % THUMB_W][1]
            if clear:
                assert (style.color if (k // THUMB_W) % 2 == 0 else style.bgcolor).name == DIVERGING[index]
    sizes = sizes_of(params)
    rows = network_rows(picture, sizes, "tanh", (0, 2), 120, 30, 0, 0, features)
    text = "\n".join("".join(s.text for s in row) for row in rows)
    assert "x1sq" in text and "x1x2" in text
    assert [label for _, _, label in unit_params(sizes, (1, 0), features)] == ["bias", "w x1", "w x2", "w x1sq",
                                                                                "w x1x2"]


# ------------------------------------------------------------------ 16 colours and NO_COLOR
def grey(colour: str) -> int:
    """The grey NO_COLOR shows for a colour (its luminance, as Textual's filter takes it)."""
    r, g, b = (int(colour[k:k + 2], 16) for k in (1, 3, 5))
    return round(0.2126 * r + 0.7152 * g + 0.0722 * b)


def seen(cell: tuple[str, object], palette_name: str) -> tuple:
    """What a person sees of a cell: its glyph and colours (greys under NO_COLOR)."""
    glyph, style = cell
    fg, bg = style.color.name, style.bgcolor.name
    return (glyph, grey(fg), grey(bg)) if palette_name == "mono" else (glyph, fg.lower(), bg.lower())


@pytest.mark.parametrize("name", ["standard", "mono"])
def test_in_16_colours_and_without_colour_sign_and_magnitude_stay_apart(name: str) -> None:
    """An activation's shade: every negative one apart from every positive one,
    weak apart from strong of each sign, zero apart from both; the same for
    the weights' cells. 16 colours: two hues at two intensities; NO_COLOR:
    black and white shade glyphs over a grey."""
    palette = PALETTES[name]
    cells = network.network_cells(palette)
    base, n = network._DIV_BASE, 2 * LEVELS + 1
    shade = [seen(cells[base + k * n + k], name) for k in range(n)]  # a cell both of whose pixels are k
    negative, zero, positive = shade[:LEVELS], shade[LEVELS], shade[LEVELS + 1:]
    assert not set(negative) & set(positive) and zero not in negative + positive
    weak, strong = (0, 1), (2, 3)  # of each sign, from zero outwards
    for side in (negative[::-1], positive):
        assert {side[k] for k in weak}.isdisjoint({side[k] for k in strong})
    if name == "standard":  # half blocks in the 16 entries themselves
        assert all(glyph == UPPER_HALF for glyph, _, _ in shade)
        standard = {f"#{r:02x}{g:02x}{b:02x}" for r, g, b in STANDARD_COLOURS}
        assert {c for _, fg, bg in shade for c in (fg, bg)} <= standard
    else:  # magnitude by the glyph, sign by black or white
        assert [glyph for glyph, _, _ in positive] == list("░▒▓█")
        assert [glyph for glyph, _, _ in negative] == list("█▓▒░")
        assert len({fg for _, fg, _ in negative}) == 1 and len({fg for _, fg, _ in positive}) == 1
        assert abs(negative[0][1] - positive[0][1]) > 200
    weights = [seen(cells[network._WEIGHT_BASE + k], name) for k in range(2 * len(WEIGHT_GLYPHS))]
    assert len(set(weights[1:len(WEIGHT_GLYPHS)] + weights[len(WEIGHT_GLYPHS) + 1:])) == 2 * (len(WEIGHT_GLYPHS) - 1)


def test_a_picture_in_each_palette_uses_its_cells() -> None:
    """The thumbnails, weights and large map of one network are drawn with
    the palette asked for."""
    frame = Frame.of(POINTS, (16, 8), False)
    for palette in PALETTES.values():
        picture = draw(PARAMS, "tanh", frame, TRAIN_X, (1, 0), palette=palette)
        allowed = set(map(repr, network.network_cells(palette)))
        drawn = [cell for rows in (*picture.thumbs.values(), *picture.weights.values(), picture.detail)
                 for cell in cells(rows)]
        drawn = [c for row in drawn for c in row if c[0] != " " or c[1].bgcolor is not None]
        assert drawn and all(repr(c) in allowed for c in drawn), palette.name
