"""The decision-boundary map against a cell-by-cell reference: which colour
each half of each cell gets, which point is drawn where, and the count of
misclassified points."""
from __future__ import annotations

import math

import pytest
import torch

from tui_mlp.render.boundary import (
    EDGE,
    GLYPHS,
    KINDS,
    LEVELS,
    THIN_ABOVE,
    THIN_TO,
    UPPER_HALF,
    Bounds,
    Layout,
    Points,
    cells_of,
    draw,
    forward,
    regions_of,
)
from tui_mlp.render.palette import PALETTES, TRUECOLOR, Palette


def params(seed: int) -> dict:
    g = torch.Generator().manual_seed(seed)
    return {"fc1": {"W": torch.randn(2, 4, generator=g), "b": torch.randn(1, 4, generator=g)},
            "fc2": {"W": torch.randn(4, 1, generator=g), "b": torch.randn(1, 1, generator=g)}}


def prob(p: dict, x: float, y: float) -> float:
    """P(class 1) at one point, with plain floats (tanh hidden layer)."""
    W1, b1, W2, b2 = (t.double() for t in (p["fc1"]["W"], p["fc1"]["b"], p["fc2"]["W"], p["fc2"]["b"]))
    h = torch.tanh(torch.tensor([[x, y]], dtype=torch.float64) @ W1 + b1)
    return float(torch.sigmoid(h @ W2 + b2))


def region_colour(p: float, palette: Palette) -> str:
    level = min(int(abs(p - 0.5) * 2 * LEVELS), LEVELS - 1)
    return palette.region[int(p >= 0.5)][level]


def expected_cells(p: dict, bounds: Bounds, width: int, height: int, points: Points | None,
                   palette: Palette = TRUECOLOR, choice: str = "all"):
    """(glyph, fg, bg) per cell, and the misclassified count, one cell at a time."""
    dx, dy = (bounds.x1 - bounds.x0) / width, (bounds.y1 - bounds.y0) / (2 * height)
    cells = {}
    for r in range(height):
        for c in range(width):
            x = bounds.x0 + (c + 0.5) * dx
            upper = prob(p, x, bounds.y1 - (2 * r + 0.5) * dy)
            lower = prob(p, x, bounds.y1 - (2 * r + 1.5) * dy)
            cells[r, c] = (UPPER_HALF, region_colour(upper, palette), region_colour(lower, palette),
                           int(upper >= 0.5))
    wrong_count = 0
    if points is not None:
        winners: dict = {}
        for (x, y), label, kind in zip(points.X.tolist(), points.y.tolist(), points.kind.tolist()):
            wrong = (prob(p, x, y) >= 0.5) != (label == 1)
            wrong_count += wrong and (choice != "test" or KINDS[kind] == "test")  # the legend's set
            if not {"all": True, "test": KINDS[kind] == "test", "wrong": wrong, "none": False}[choice]:
                continue
            c = min(max(math.floor((x - bounds.x0) / (bounds.x1 - bounds.x0) * width), 0), width - 1)
            r = min(max(math.floor((bounds.y1 - y) / (bounds.y1 - bounds.y0) * height), 0), height - 1)
            priority = wrong * len(KINDS) + kind + 1
            if priority > winners.get((r, c), (0,))[0]:
                winners[r, c] = (priority, label, kind, wrong)
        for (r, c), (_, label, kind, wrong) in winners.items():
            fg, bg = palette.wrong if wrong else (palette.point[int(label)][cells[r, c][3]], cells[r, c][1])
            cells[r, c] = (GLYPHS[int(label)][kind], fg, bg, 0)
    return {k: v[:3] for k, v in cells.items()}, wrong_count


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


@pytest.mark.parametrize("seed, palette, choice", [(0, "truecolor", "all"), (1, "standard", "all"),
                                                   (2, "mono", "all"), (0, "standard", "test"),
                                                   (1, "truecolor", "wrong"), (2, "mono", "none")])
def test_every_cell_and_point_matches_a_cell_by_cell_reference(seed, palette, choice):
    g = torch.Generator().manual_seed(100 + seed)
    sets = tuple((torch.rand(n, 2, generator=g) * 4 - 2, torch.randint(0, 2, (n, 1), generator=g).float())
                 for n in (30, 10, 10))
    points = Points.of(*sets)
    bounds = Bounds.of(points.X)
    width, height = 23, 9
    p = params(seed)
    layout = Layout.of(bounds, width, height, points)
    assert layout.stride(choice) == 1  # 50 points in 207 cells: none thinned
    rows, wrong = draw(p, "tanh", layout, PALETTES[palette], choice)
    expected, expected_wrong = expected_cells(p, bounds, width, height, points, PALETTES[palette], choice)
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
    assert rows[0][0].style.color.name.lower() == TRUECOLOR.region[1][LEVELS - 1]


def crowded(n: int = 5000) -> Points:
    """``n`` points on a 2 x 2 square, every 5th dev, every 5th (from the 3rd) test."""
    g = torch.Generator().manual_seed(7)
    X = torch.rand(n, 2, generator=g) * 2 - 1
    y = (X[:, 1] > 0).float()
    kind = torch.tensor([{1: 1, 3: 2}.get(i % 5, 0) for i in range(n)])
    return Points(X, y, kind)


def test_points_that_would_fill_most_cells_are_thinned_deterministically():
    points = crowded()
    bounds = Bounds(-1, 1, -1, 1)
    layout = Layout.of(bounds, 40, 12, points)
    cells = 40 * 12
    assert torch.unique(layout.cell).numel() > THIN_ABOVE * cells  # all of them would cover most cells
    for choice in ("all", "test"):
        stride = layout.stride(choice)
        assert stride > 1
        shown = layout.shown[choice]
        assert torch.unique(layout.cell[shown]).numel() <= THIN_TO * cells
        assert torch.equal(shown, Layout.of(bounds, 40, 12, points).shown[choice])  # the same every time
    assert bool((points.kind[layout.shown["test"]] == 2).all())


@pytest.mark.parametrize("choice", ["all", "test"])
def test_thinning_never_drops_a_misclassified_point(choice):
    """The boundary x2 = 0.3 misclassifies the points with 0 < x2 < 0.3: every one of
    them (of the choice's sets) is drawn, on its black cell."""
    points = crowded()
    layout = Layout.of(Bounds(-1, 1, -1, 1), 40, 12, points)
    # P(class 1) = sigmoid(50 (x2 - 0.3))
    line = {"fc1": {"W": torch.tensor([[0.0], [50.0]]), "b": torch.tensor([[-15.0]])}}
    rows, wrong = draw(line, "logistic", layout, TRUECOLOR, choice)
    misclassified = (points.X[:, 1] > 0) & (points.X[:, 1] < 0.3)
    if choice == "test":
        misclassified &= points.kind == 2
    assert wrong == int(misclassified.sum())  # of the test set only while only test points show
    drawn = drawn_cells(rows)
    for c in layout.cell[misclassified].tolist():
        glyph, fg, bg = drawn[divmod(c, 40)]
        assert (fg.lower(), bg.lower()) == TRUECOLOR.wrong
    shown = sum(1 for g, _, _ in drawn.values() if g != UPPER_HALF)
    assert shown < torch.unique(layout.cell).numel()  # thinned, not everything


def test_a_map_that_is_not_crowded_shows_every_point():
    layout = Layout.of(Bounds(-1, 1, -1, 1), 40, 12, crowded(60))
    assert layout.stride("all") == layout.stride("test") == 1
    assert bool(layout.shown["all"].all())


@pytest.mark.parametrize("width, height", [(1, 1), (2, 1), (3, 2)])
def test_a_map_of_a_few_cells_thins_to_one_point_at_least(width, height):
    points = crowded(40)
    layout = Layout.of(Bounds(-1, 1, -1, 1), width, height, points)
    assert 1 <= int(layout.shown["all"].sum()) and layout.stride("all") <= 40


def test_a_map_classifies_at_most_max_map_points_and_says_it_shows_a_sample():
    """100,000 points through a big network take seconds per redraw in the UI
    thread: the map draws an even sample, and its stride counts it."""
    from tui_mlp.render.boundary import MAX_MAP_POINTS

    def part(n: int, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.randn(n, 2, generator=torch.Generator().manual_seed(k)), torch.zeros(n, 1)

    points = Points.of(part(8000, 0), part(1500, 1), part(500, 2))
    assert points.every == 3 and points.X.shape[0] == 3334 <= MAX_MAP_POINTS  # ceil(10000 / 4096)
    assert set(points.kind.tolist()) == {0, 1, 2}
    layout = Layout.of(Bounds.of(points.X), 40, 12, points)
    assert layout.X.shape[0] == layout.n_grid + points.X.shape[0]
    assert layout.stride("wrong") == 3 and layout.stride("all") % 3 == 0
    small = Points.of(part(100, 0), part(20, 1), part(20, 2))
    assert small.every == 1 and small.X.shape[0] == 140


# ------------------------------------------------------------------ K classes
def three_sectors(scale: float = 6.0) -> dict:
    """Softmax regression with three classes, each winning a 120-degree sector
    around the origin (class 0 to the right, 1 upper left, 2 lower left)."""
    angles = torch.tensor([0.0, 2 * math.pi / 3, 4 * math.pi / 3])
    W = torch.stack([torch.cos(angles), torch.sin(angles)]) * scale
    return {"fc1": {"W": W, "b": torch.zeros(1, 3)}}


def sector(x: float, y: float) -> int:
    return int(((math.degrees(math.atan2(y, x)) + 60) % 360) // 120)


@pytest.mark.parametrize("palette", sorted(PALETTES))
def test_a_k_class_map_colours_each_region_by_its_winner_with_edges_between(palette):
    pal = PALETTES[palette]
    bounds = Bounds(-1, 1, -1, 1)
    layout = Layout.of(bounds, 30, 10)
    p = forward(three_sectors(), "tanh", layout.X)
    assert p.shape == (layout.n_grid, 3)
    region = regions_of(p, layout.n_grid, 30)
    winners = region // LEVELS
    centres = layout.X[:layout.n_grid]
    for i in range(0, layout.n_grid, 7):
        x, y = centres[i].tolist()
        r, c = divmod(i, 30)
        if region[r, c] != EDGE:
            assert winners[r, c] == sector(x, y)
    # where the winner changes to the right or below, an edge; nowhere else
    edges = region == EDGE
    assert edges.any() and edges.float().mean() < 0.25
    assert all(sector(*centres[i].tolist()) != sector(*centres[i + 1].tolist())
               or sector(*centres[i].tolist()) != sector(*centres[i + 30].tolist())
               for i in edges.reshape(-1).nonzero().reshape(-1).tolist() if i + 30 < layout.n_grid
               and i % 30 < 29)
    rows, _ = draw(three_sectors(), "tanh", layout, pal)
    shown = {seg.style.bgcolor.name.lower() for row in rows for seg in row if seg.style.bgcolor}
    for k in range(3):
        assert pal.region[k][LEVELS - 1] in shown  # each class's confident shade
    assert len(cells_of(pal)) == (EDGE + 1) ** 2 + (EDGE + 1) * len(GLYPHS) * 2 * len(KINDS)


def test_k_class_points_take_their_class_glyph_and_misclassified_ones_stand_out():
    X = torch.tensor([[0.8, 0.0], [-0.5, 0.7], [-0.5, -0.7], [0.8, 0.05]])
    y = torch.tensor([[0.0], [1.0], [2.0], [2.0]])  # the last one is in class 0's sector
    points = Points.of((X, y), (torch.zeros(0, 2), torch.zeros(0, 1)), (torch.zeros(0, 2), torch.zeros(0, 1)))
    layout = Layout.of(Bounds(-1, 1, -1, 1), 20, 10, points)
    rows, wrong = draw(three_sectors(), "tanh", layout, TRUECOLOR)
    assert wrong == 1
    glyphs = [(seg.text, seg.style) for row in rows for seg in row if seg.text[0] != UPPER_HALF]
    assert sorted(g for g, _ in glyphs) == sorted([GLYPHS[0][0], GLYPHS[1][0], GLYPHS[2][0], GLYPHS[2][0]])
    wrong = [g for g, s in glyphs if s.bgcolor.name.lower() == TRUECOLOR.wrong[1]]
    assert wrong == [GLYPHS[2][0]]
