"""A regression's pictures: the value map (a diverging palette from -scale
to +scale, points by their target's sign, its legend) in truecolour, 16
colours and NO_COLOR, and the network tab's output drawn as a value."""
from __future__ import annotations

import pytest
import torch

import tui_mlp.render.network as network
from tui_mlp.nn import Head
from tui_mlp.render.boundary import (
    VALUE_BINS,
    VALUE_GLYPHS,
    Bounds,
    Layout,
    Points,
    draw,
    layer_values,
    value_bins,
    value_legend,
)
from tui_mlp.render.palette import MONO, PALETTES, STANDARD, TRUECOLOR

REGRESSION = Head("regression")
#: No hidden layer, output = x1: the value grows from left to right.
X1 = {"fc1": {"W": torch.tensor([[1.0], [0.0]]), "b": torch.tensor([[0.0]])}}
BOUNDS = Bounds(-1.0, 1.0, -1.0, 1.0)


def points(X: list[list[float]], y: list[float], kind: list[int]) -> Points:
    return Points(torch.tensor(X), torch.tensor(y), torch.tensor(kind))


def test_values_are_cut_into_bins_around_zero():
    bins = value_bins(torch.tensor([-5.0, -1.0, -0.1, 0.0, 0.1, 0.5, 1.0, 5.0, float("nan")]), 1.0)
    middle = VALUE_BINS // 2
    assert bins.tolist() == [0, 0, middle, middle, middle, middle + 2, VALUE_BINS - 1, VALUE_BINS - 1, middle]


def test_a_regression_output_is_not_squashed():
    X = torch.tensor([[3.0, 0.0], [-2.0, 0.0]])
    assert layer_values(X1, "tanh", X, REGRESSION)[-1][1].reshape(-1).tolist() == [3.0, -2.0]
    assert layer_values(X1, "tanh", X)[-1][1].reshape(-1).tolist() == pytest.approx(
        torch.sigmoid(torch.tensor([3.0, -2.0])).tolist())


@pytest.mark.parametrize("palette", PALETTES.values(), ids=list(PALETTES))
def test_the_value_map_runs_from_negative_to_positive(palette):
    layout = Layout.of(BOUNDS, 18, 3, None, head=REGRESSION)
    rows, wrong = draw(X1, "logistic", layout, palette)
    assert wrong == 0 and len(rows) == 3
    first, last = rows[1][0], rows[1][-1]
    assert first.style.color.triplet.hex == palette.values[0]
    assert last.style.color.triplet.hex == palette.values[-1]
    assert len(palette.values) == VALUE_BINS


def test_points_show_their_targets_sign_and_set():
    shown = points([[-0.9, 0.0], [0.0, 0.9], [0.9, -0.9]], [-1.0, 0.0, 1.0], [0, 1, 2])
    layout = Layout.of(BOUNDS, 20, 6, shown, head=REGRESSION)
    text = "".join(seg.text for row in draw(X1, "logistic", layout)[0] for seg in row)
    assert VALUE_GLYPHS[0][0] in text  # a negative target, train
    assert VALUE_GLYPHS[1][1] in text  # zero, dev
    assert VALUE_GLYPHS[2][2] in text  # positive, test
    assert layout.scale == 1.0
    none = "".join(seg.text for row in draw(X1, "logistic", layout, choice="none")[0] for seg in row)
    assert not any(g in none for row in VALUE_GLYPHS for g in row)


def test_a_point_stays_visible_over_its_own_colour_in_every_palette():
    """Whatever bin is beneath, a point's glyph is another colour than the cell's."""
    for palette in (TRUECOLOR, STANDARD, MONO):
        for sign in range(3):
            for upper in range(VALUE_BINS):
                fg = palette.value_points[sign][int(upper > VALUE_BINS // 2)]
                assert fg != palette.values[upper], (palette.name, sign, upper)


def test_mono_greys_get_lighter_from_negative_to_positive():
    """NO_COLOR keeps luminance only: dark is negative, light positive."""
    greys = [int(colour[1:3], 16) for colour in MONO.values]
    assert greys == sorted(set(greys))


def test_the_legend_names_the_scale_and_the_glyphs():
    text = "".join(seg.text for seg in value_legend(TRUECOLOR, 1.2, 80))
    assert text == "value -1.2 █████████ +1.2  target ▼◆▲ -/0/+  ▲train △dev ▵test "
    short = "".join(seg.text for seg in value_legend(TRUECOLOR, 1.2, 50))
    assert short == "-1.2 █████████ +1.2 ▼◆▲ -0+ ▲△▵ train/dev/test" and len(short) <= 50
    assert "".join(seg.text for seg in value_legend(TRUECOLOR, 0.98, 40)) == "-0.98 █████████ +0.98 ▼◆▲ -0+ ▲△▵"


def test_the_network_tab_draws_a_regression_output_as_a_value():
    shown = points([[-0.5, 0.5], [0.5, -0.5]], [-0.6, 0.6], [0, 0])
    frame = network.Frame.of(shown, (12, 6), False, head=REGRESSION)
    picture = network.draw(X1, "logistic", frame, shown.X, (1, 0))
    thumb = {seg.style.color.triplet.hex for row in picture.thumbs[(1, 0)] for seg in row}
    assert thumb <= set(network.DIVERGING) and len(thumb) > 2  # a value, not a probability's colours
    classes = network.draw(X1, "logistic", network.Frame.of(shown, (12, 6), False), shown.X, (1, 0))
    assert not {seg.style.color.triplet.hex for row in classes.thumbs[(1, 0)] for seg in row} <= set(network.DIVERGING)
    rows = network.detail_rows(picture, X1, None, "logistic", (1, 0), 0, None, 30, head=REGRESSION)
    assert "fc1 unit 0, identity" in "".join(seg.text for seg in rows[0])
