"""Snapshot tests of a regression, from fixed values as in test_snapshots:
a finished run on Playground's plane with its value map (the predicted
value in a diverging palette, the points by their target) in truecolour, 16
colours and NO_COLOR; the lab tab without confusion matrices; the network
tab's output unit as a value.

The map is a float32 forward pass over every pixel, cut into bins at
(k + 1/2) / 4 of the largest |target| (``render.boundary.value_bins``); the
parameters below keep every pixel at least ``MIN_MARGIN`` from a cut in
float64 (``assert_value_map_is_stable``), far beyond float32's rounding.
"""
from __future__ import annotations

import math

import torch
from textual.pilot import Pilot

from tests.snapshots.test_snapshots import (
    SIZES,
    SPEED,
    RunBefore,
    assert_still_fixed,
    falling,
    params,
    show,
    then_press,
)
from tui_mlp import runner  # not its names: pytest would take test_line for a test
from tui_mlp.app import TrainerApp
from tui_mlp.app.panes.network import NetworkPane
from tui_mlp.app.widgets.boundary import BoundaryMap
from tui_mlp.config import Config
from tui_mlp.data import Dataset
from tui_mlp.nn import head_for
from tui_mlp.render.boundary import VALUE_BINS, Bounds, Layout, Points, forward, layer_values
from tui_mlp.render.network import LEVELS
from tui_mlp.results import TestResult
from tui_mlp.session import Curves, Snapshot, State

PLANE = Config().with_values(task="regression", dataset="plane", noise=0.1, hidden=(3,), activation="tanh",
                             lr=0.1, epochs=300, log_epochs=25, **SIZES)
HEAD = head_for(PLANE.data)
SCORING = HEAD.scoring
DATA_VERSION = 100


def plane(n: int = 8) -> tuple[Dataset, Dataset, Dataset]:
    """Points on a 1/n grid of [-1, 1]^2 (17 x 17 for n = 8) with Playground's
    plane target 0.6 (x1 + x2) plus a fixed wobble of up to 0.06; every 8th
    point (from the 4th) dev, every 8th (from the 7th) test."""
    rows = [((a / n, b / n), 0.6 * (a + b) / n + 0.02 * ((a * 7 + b * 3) % 7 - 3))
            for a in range(-n, n + 1) for b in range(-n, n + 1)]
    X = torch.tensor([p for p, _ in rows], dtype=torch.float32)
    y = torch.tensor([t for _, t in rows], dtype=torch.float32)
    kind = torch.tensor([{3: 1, 6: 2}.get(i % 8, 0) for i in range(len(rows))])
    return tuple((X[kind == k], y[kind == k]) for k in range(3))  # type: ignore[return-value]


DATA = plane()
#: A 2-3-1 Tanh network near 0.6 (x1 + x2), bent a little by its tanh units.
FITTED = params(([[0.9, -0.4, 0.3], [0.8, 0.5, -0.6]], [0.05, -0.1, 0.2]),
                ([[0.7], [0.3], [-0.35]], [0.07]))
# Train loss (MSE), R², dev loss, R²: the status shows these.
METRICS = (0.0061, 0.9801, 0.0072, 0.9764)
TESTED = TestResult(0.9712, 0.0083, 287, None, None, latest=0.9705, scoring=SCORING)
BESTS = ((0, -0.6125), (1, 0.1875), (5, 0.6975), (40, 0.915), (120, 0.9625), (287, 0.9764))


def curves(epochs: int = 300) -> Curves:
    best, scores, at = -1.0, [], dict(BESTS)
    for k in range(epochs):
        best = at.get(k, best)
        scores.append(best)
    train_r2 = tuple(round(1 - (1 - METRICS[1]) * v / METRICS[0], 4) for v in falling(0.2, METRICS[0], epochs, 40.0))
    return Curves(tuple(range(epochs)), falling(0.2, METRICS[0], epochs, 40.0),
                  falling(0.21, METRICS[2], epochs, 60.0), train_r2, tuple(scores))


CURVES = curves()


def log_lines() -> list[str]:
    lines, best, at = [], -math.inf, dict(BESTS)
    for k in range(300):
        if k in at:
            lines.append(runner.improved_line(best, at[k], SCORING))
            best = at[k]
        if k % 25 == 0:
            lines.append(runner.train_line(k, 300, CURVES.train_loss[k]))
    record = runner.EpochRecord(299, METRICS[0], METRICS[1], METRICS[2], METRICS[3], False, 0.9764, 0.1)
    return [*lines, runner.final_line(record, SCORING), runner.test_line(TESTED.score, TESTED.loss, SCORING)]


def finished() -> Snapshot:
    return Snapshot(run=1, data_version=DATA_VERSION, state=State.FINISHED, epoch=300, config=PLANE,
                    data=DATA, params=FITTED, metrics=METRICS, best_score=0.9764, best_epoch=287,
                    curves=CURVES, speed=SPEED, note=TESTED.note(), tested=TESTED)


MIN_MARGIN = 1e-4


def assert_value_map_is_stable(box: BoundaryMap) -> None:
    """Every pixel of ``box`` is far from a bin's edge in exact arithmetic."""
    width, height = box.size
    points = Points.of(*DATA)
    layout = Layout.of(Bounds.of(points.X), width, height - 1, points, head=HEAD)
    exact = {name: {k: v.double() for k, v in layer.items()} for name, layer in FITTED.items()}
    v = forward(exact, "tanh", layout.X.double(), HEAD)[:layout.n_grid] / layout.scale * (VALUE_BINS // 2)
    margin = float(((v - 0.5) - (v - 0.5).round()).abs().min())
    assert margin >= MIN_MARGIN, f"a pixel is {margin:.1e} from a bin's edge: choose other parameters"


def finished_run(*keys: str) -> RunBefore:
    snap = finished()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap, log_lines())
        assert_value_map_is_stable(pilot.app.train_pane.boundary)
        if keys:
            await then_press(pilot, *keys)
        assert_still_fixed(pilot, snap)

    return run_before


def test_regression_finished(snap_compare) -> None:
    """The plane learned: the value map's bands from blue (negative) through
    grey to orange (positive), points by their target's sign (▼ ◆ ▲) and set;
    the status and log in RMSE and R²; the curves of RMSE."""
    assert snap_compare(TrainerApp(PLANE), terminal_size=(120, 40), run_before=finished_run())


def test_regression_in_16_colours(snap_compare, colour_system) -> None:
    """The value map in 16 colours: bright blue, blue, black, yellow, bright yellow."""
    colour_system("standard")
    assert snap_compare(TrainerApp(PLANE), terminal_size=(120, 40), run_before=finished_run())


def test_regression_without_colour(snap_compare, colour_system) -> None:
    """NO_COLOR: a grey ramp from dark (negative) to light (positive); a target's
    sign is its glyph's shape."""
    colour_system("no_color")
    assert snap_compare(TrainerApp(PLANE), terminal_size=(120, 40), run_before=finished_run())


def test_regression_r2_curves_and_the_lab(snap_compare) -> None:
    """The curves switched to R² (c), then the lab tab: the test in R², RMSE and
    loss, and one line on why there are no confusion matrices."""
    assert snap_compare(TrainerApp(PLANE), terminal_size=(120, 40), run_before=finished_run("c", "l"))


def assert_network_is_stable(pane: NetworkPane) -> None:
    """Every pixel of every unit's thumbnail and of the large map, the output's
    too (a value, shaded like a hidden unit), is far from a shade cut in float64."""
    frame = pane._frame
    assert frame is not None
    exact = {name: {k: v.double() for k, v in layer.items()} for name, layer in FITTED.items()}

    def units(X: torch.Tensor) -> torch.Tensor:
        return torch.cat([X, *(a for _, a in layer_values(exact, "tanh", X, HEAD))], dim=1)

    scale = units(frame.thumb.X[:frame.thumb.n_grid].double()).abs().amax(dim=0)
    for layout in (frame.thumb, frame.detail):
        t = (units(layout.X[:layout.n_grid].double()) / scale * LEVELS).abs()
        margin = float(((t - t.floor()) - 0.5).abs().min())
        assert margin > MIN_MARGIN, margin


def test_regression_network_output(snap_compare) -> None:
    """The network tab: the output unit a value thumbnail in the diverging palette, selected."""
    snap = finished()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap)
        await pilot.press("w", "right", "right")
        await pilot.pause()
        app = pilot.app
        assert app.tabs.active == NetworkPane.TAB and app.trainer.snapshot is snap and not app.trainer.busy
        app.network_pane.editor.cursor_blink = False
        assert_network_is_stable(app.network_pane)

    assert snap_compare(TrainerApp(PLANE), terminal_size=(120, 40), run_before=run_before)
