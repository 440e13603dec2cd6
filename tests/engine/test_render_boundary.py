"""The decision-boundary map against a cell-by-cell reference: which colour
each half of each cell gets, which point is drawn where, and the count of
misclassified points."""
from __future__ import annotations

import math

import pytest
import torch

from tui_mlp.render.boundary import (
    GLYPHS,
    KINDS,
    LEVELS,
    POINT,
    REGION,
    UPPER_HALF,
    WRONG_BG,
    Bounds,
    Layout,
    Points,
    draw,
)


def params(seed: int) -> dict:
    g = torch.Generator().manual_seed(seed)
    return {"fc1": {"W": torch.randn(2, 4, generator=g), "b": torch.randn(1, 4, generator=g)},
            "fc2": {"W": torch.randn(4, 1, generator=g), "b": torch.randn(1, 1, generator=g)}}


def prob(p: dict, x: float, y: float) -> float:
    """P(class 1) at one point, with plain floats (tanh hidden layer)."""
    W1, b1, W2, b2 = (t.double() for t in (p["fc1"]["W"], p["fc1"]["b"], p["fc2"]["W"], p["fc2"]["b"]))
    h = torch.tanh(torch.tensor([[x, y]], dtype=torch.float64) @ W1 + b1)
    return float(torch.sigmoid(h @ W2 + b2))


def region_colour(p: float) -> str:
    level = min(int(abs(p - 0.5) * 2 * LEVELS), LEVELS - 1)
    return REGION[int(p >= 0.5)][level]


def expected_cells(p: dict, bounds: Bounds, width: int, height: int, points: Points | None):
    """(glyph, fg, bg) per cell, and the misclassified count, one cell at a time."""
    dx, dy = (bounds.x1 - bounds.x0) / width, (bounds.y1 - bounds.y0) / (2 * height)
    cells = {}
    for r in range(height):
        for c in range(width):
            x = bounds.x0 + (c + 0.5) * dx
            upper = prob(p, x, bounds.y1 - (2 * r + 0.5) * dy)
            lower = prob(p, x, bounds.y1 - (2 * r + 1.5) * dy)
            cells[r, c] = (UPPER_HALF, region_colour(upper), region_colour(lower))
    wrong_count = 0
    if points is not None:
        winners: dict = {}
        for (x, y), label, kind in zip(points.X.tolist(), points.y.tolist(), points.kind.tolist()):
            wrong = (prob(p, x, y) >= 0.5) != (label == 1)
            wrong_count += wrong
            c = min(max(math.floor((x - bounds.x0) / (bounds.x1 - bounds.x0) * width), 0), width - 1)
            r = min(max(math.floor((bounds.y1 - y) / (bounds.y1 - bounds.y0) * height), 0), height - 1)
            priority = wrong * len(KINDS) + kind + 1
            if priority > winners.get((r, c), (0,))[0]:
                winners[r, c] = (priority, label, kind, wrong)
        for (r, c), (_, label, kind, wrong) in winners.items():
            bg = WRONG_BG if wrong else cells[r, c][1]
            cells[r, c] = (GLYPHS[KINDS[kind]], POINT[int(label)], bg)
    return cells, wrong_count


def drawn_cells(rows) -> dict:
    out = {}
    for r, row in enumerate(rows):
        c = 0
        for segment in row:
            for ch in segment.text:
                out[r, c] = (ch, segment.style.color.name, segment.style.bgcolor.name)
                c += 1
    return out


def hexes(cells: dict) -> dict:
    return {k: (g, fg.lower(), bg.lower()) for k, (g, fg, bg) in cells.items()}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_cell_and_point_matches_a_cell_by_cell_reference(seed):
    g = torch.Generator().manual_seed(100 + seed)
    sets = tuple((torch.rand(n, 2, generator=g) * 4 - 2, torch.randint(0, 2, (n, 1), generator=g).float())
                 for n in (30, 10, 10))
    points = Points.of(*sets)
    bounds = Bounds.of(points.X)
    width, height = 23, 9
    p = params(seed)
    rows, wrong = draw(p, "tanh", Layout.of(bounds, width, height, points))
    expected, expected_wrong = expected_cells(p, bounds, width, height, points)
    # float32 against a float64 reference: exact for these seeds (a point on a cell edge could differ)
    got = hexes(drawn_cells(rows))
    assert len(got) == width * height
    mismatched = [k for k in expected if got[k] != hexes(expected)[k]]
    assert not mismatched, mismatched
    assert wrong == expected_wrong


def test_a_layout_serves_new_weights_without_leftovers():
    """The layout is reused for every new set of weights: a map drawn after
    another is the same as one drawn fresh."""
    points = Points.of((torch.tensor([[0.0, 0.0], [1.0, 1.0]]), torch.tensor([[0.0], [1.0]])),
                       (torch.zeros(0, 2), torch.zeros(0, 1)), (torch.zeros(0, 2), torch.zeros(0, 1)))
    bounds = Bounds(-2, 2, -2, 2)
    layout = Layout.of(bounds, 16, 6, points)
    draw(params(5), "tanh", layout)
    again = draw(params(6), "tanh", layout)
    fresh = draw(params(6), "tanh", Layout.of(bounds, 16, 6, points))
    assert again == fresh
    assert again != draw(params(5), "tanh", layout)


def test_runs_merge_equal_cells_and_every_code_has_a_cell():
    bounds = Bounds(-1, 1, -1, 1)
    flat = {"fc1": {"W": torch.zeros(2, 1), "b": torch.full((1, 1), 5.0)}}  # P = 0.993 everywhere
    rows, wrong = draw(flat, "logistic", Layout.of(bounds, 12, 4))
    assert wrong == 0 and len(rows) == 4
    assert all(len(row) == 1 and row[0].text == UPPER_HALF * 12 for row in rows)
    assert rows[0][0].style.color.name.lower() == REGION[1][LEVELS - 1]
