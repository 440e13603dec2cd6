"""Snapshot tests of a three-class run, in fixed states as in test_snapshots.py:
three blobs on a 1/32 grid, a softmax regression whose classes each win a
sector, metrics and a confusion matrix written out. The map in truecolour, 16
colours and NO_COLOR (each class its colour, glyph and, without colour, its
fill), and the lab tab's 3 x 3 confusion matrices."""
from __future__ import annotations

import math

import torch
from textual.pilot import Pilot

from tui_mlp.app import TrainerApp
from tui_mlp.app.widgets.boundary import BoundaryMap
from tui_mlp.config import Config
from tui_mlp.data import Dataset
from tui_mlp.render.boundary import LEVELS, Bounds, Layout, Points, forward
from tui_mlp.results import Confusion, TestResult
from tui_mlp.session import Snapshot, State

from .test_snapshots import (
    DATA_VERSION,
    MIN_MARGIN,
    SPEED,
    RunBefore,
    assert_still_fixed,
    params,
    run_curves,
    run_log,
    show,
    then_press,
)

K = 3
K3 = Config().with_values(dataset="blobs", classes=K, n_samples=120, train=90, dev=15, epochs=300,
                          hidden=(), lr=0.5)


def blobs(n: int = 40, spread: int = 24) -> tuple[Dataset, Dataset, Dataset]:
    """Three blobs of ``n`` points around (0, 1), (-0.87, -0.5), (0.87, -0.5) on a
    1/32 grid, each moved by up to ``spread``/32 by a linear congruential
    generator: the same values on every machine. Every 8th point (from the 4th)
    is dev, every 8th (from the 7th) test: 90, 15 and 15."""
    centres = ((0.0, 1.0), (-0.875, -0.5), (0.875, -0.5))
    state, rows = 2024, []
    for label, (cx, cy) in enumerate(centres):
        for _ in range(n):
            point = []
            for c in (cx, cy):
                state = (state * 1103515245 + 12345) % 2**31
                point.append(c + ((state >> 16) % (2 * spread + 1) - spread) / 32)
            rows.append((point, float(label)))
    X = torch.tensor([point for point, _ in rows], dtype=torch.float32)
    y = torch.tensor([label for _, label in rows], dtype=torch.float32)
    kind = torch.tensor([{3: 1, 6: 2}.get(i % 8, 0) for i in range(len(rows))])
    return tuple((X[kind == k], y[kind == k]) for k in range(3))  # type: ignore[return-value]


DATA3 = blobs()
#: Softmax regression: class k's weights point at its centre (90, 210, 330
#: degrees, turned a little so that no pixel centre lies on a sector's edge).
_ANGLES = [math.radians(a + 3) for a in (90, 210, 330)]
SECTORS = params(([[round(3 * math.cos(a), 2) for a in _ANGLES], [round(3 * math.sin(a), 2) for a in _ANGLES]],
                  [0.1, 0.0, -0.1]))
METRICS3 = (0.3012, 83 / 90, 0.3344, 14 / 15)
BESTS3 = ((0, 6 / 15), (3, 11 / 15), (40, 13 / 15), (180, 14 / 15))
TEST3 = TestResult(13 / 15, 0.3561, 180, Confusion(((5, 0, 0), (0, 4, 1), (1, 0, 4))),
                   Confusion(((4, 1, 0), (0, 5, 0), (1, 0, 4))))
CURVES3 = run_curves(METRICS3, BESTS3, pace=40.0, epochs=300)


def finished3() -> Snapshot:
    return Snapshot(run=1, data_version=DATA_VERSION, state=State.FINISHED, epoch=300, config=K3,
                    data=DATA3, params=SECTORS, metrics=METRICS3, best_score=14 / 15, best_epoch=180,
                    curves=CURVES3, speed=SPEED, note=TEST3.note(), tested=TEST3)


def assert_k_map_is_stable(box: BoundaryMap, weights: dict) -> None:
    """Every pixel of ``box`` is far, in exact arithmetic, from a shade cut and
    from a tie of its two likeliest classes, and every point from a tie: the
    shades, edges and misclassified points do not depend on float32 rounding."""
    width, height = box.size
    points = Points.of(*DATA3)
    layout = Layout.of(Bounds.of(points.X), width, height - 1, points)
    exact = {name: {k: v.double() for k, v in layer.items()} for name, layer in weights.items()}
    p = forward(exact, "logistic", layout.X.double())
    top2 = p.topk(2, dim=1).values
    cuts = torch.tensor([1 / K + j * (1 - 1 / K) / LEVELS for j in range(1, LEVELS)], dtype=torch.float64)
    shade = float((top2[:layout.n_grid, :1] - cuts).abs().min())
    tie = float((top2[:, 0] - top2[:, 1]).min())
    assert min(shade, tie) >= MIN_MARGIN, (shade, tie)


def finished_run3(*keys: str) -> RunBefore:
    snap = finished3()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap, run_log(CURVES3, BESTS3, 50, TEST3))
        if keys:
            await then_press(pilot, *keys)
        assert_still_fixed(pilot, snap)
        assert_k_map_is_stable(pilot.app.train_pane.boundary, SECTORS)

    return run_before


def test_three_class_map(snap_compare) -> None:
    """Three classes: each region in its class's colour, darker where unsure,
    a dark line where the winner changes; points by class glyph (circle,
    square, triangle), misclassified ones white on black; the legend names
    the classes."""
    assert snap_compare(TrainerApp(K3), terminal_size=(120, 40), run_before=finished_run3())


def test_three_class_map_in_16_colours(snap_compare, colour_system) -> None:
    """The same in 16 colours: blue, yellow and green regions, black edges."""
    colour_system("standard")
    assert snap_compare(TrainerApp(K3), terminal_size=(120, 40), run_before=finished_run3())


def test_three_class_map_without_colour(snap_compare, colour_system) -> None:
    """The same with NO_COLOR: class 0 dark, class 1 light, class 2 dark with a
    "/" fill; white edges; classes told by glyph."""
    colour_system("no_color")
    assert snap_compare(TrainerApp(K3), terminal_size=(120, 40), run_before=finished_run3())


def test_three_class_confusion_on_the_lab_tab(snap_compare) -> None:
    """The lab tab's dev and test confusion matrices, 3 x 3, aligned."""
    async def run_before(pilot: Pilot) -> None:
        await finished_run3()(pilot)
        await then_press(pilot, "l")
        assert pilot.app.tabs.active == "lab-tab"

    assert snap_compare(TrainerApp(K3), terminal_size=(120, 40), run_before=run_before)


def assert_k_network_is_stable(pane, weights: dict) -> None:
    """Every pixel of the network tab's maps is far, in float64, from a shade
    cut: the inputs' diverging shades (rounded at half steps) and each output's
    probability (cut at quarters)."""
    from tui_mlp.render.boundary import layer_values
    from tui_mlp.render.network import LEVELS as NET_LEVELS

    frame = pane._frame
    assert frame is not None
    exact = {name: {k: v.double() for k, v in layer.items()} for name, layer in weights.items()}
    scale = frame.thumb.X[:frame.thumb.n_grid].double().abs().amax(dim=0)
    margins = []
    for layout in (frame.thumb, frame.detail):
        X = layout.X[:layout.n_grid].double()
        t = (X / scale * NET_LEVELS).abs()
        margins.append(float(((t - t.floor()) - 0.5).abs().min()))
        p = layer_values(exact, "logistic", X)[-1][1]
        cuts = torch.tensor([j / LEVELS for j in range(1, LEVELS)], dtype=torch.float64)
        margins.append(float((p[..., None] - cuts).abs().min()))
    assert min(margins) > MIN_MARGIN, margins


def test_three_output_units_on_the_network_tab(snap_compare) -> None:
    """Softmax regression on the network tab: x1 and x2, then out0, out1 and
    out2, each its class's probability in its class's colour; out2 selected
    (its legend in green shades, its bias and weights)."""
    async def run_before(pilot: Pilot) -> None:
        await finished_run3()(pilot)
        await then_press(pilot, "w", "right", "down", "down")
        app = pilot.app
        assert app.tabs.active == "network-tab" and app.network_pane.selected == (1, 2)
        app.network_pane.editor.cursor_blink = False
        assert_k_network_is_stable(app.network_pane, SECTORS)

    assert snap_compare(TrainerApp(K3), terminal_size=(120, 40), run_before=run_before)
