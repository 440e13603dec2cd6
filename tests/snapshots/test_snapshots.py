"""Snapshot tests: pictures of the app in fixed states, as Posting's
tests/test_snapshots.py pictures its UI states. The idle screen, a finished
run (120x40 and 80x24), the activations tab, the lab's diagnostics (120x40
and 80x24) and the compare tab; nothing focused, cursor blink off.

Why fixed states: a picture of a real run holds numbers that torch computed,
and torch's float rounding differs between CPUs (it picks its kernels by
instruction set): the full repr of a loss in the log, the lab's gradient
norms, the activations' max |diff| all changed between AMD EPYC and Intel
Xeon. So each test lets the app start as usual, waits until its
training worker is idle, and then replaces what the worker published with a
``Snapshot`` built here from fixed values (for the compare tab also a
``CompareView``): a two-moons data set on a 1/32 grid, parameters
written out below, metrics, curves, a ``Diagnosis``, a ``TestResult`` and a
``GradCheck``, and log lines made by the app's own line functions. The
panes then draw them exactly as they draw the worker's.

Each state is also pictured in 16 colours or with NO_COLOR where colour
alone could tell things apart (the ``colour_system`` fixture makes the app
for such a terminal; ``snap_compare`` pictures what it would show).

Three things on these screens are still computed by torch when drawn:

- The decision-boundary map is a float32 forward pass over every pixel and
  point, cut into shades at p = 0.5 and 0.5 +- k/8 (a point: wrong or not at
  0.5). The parameters below were picked so that, in float64, every pixel's p
  is at least ``MIN_MARGIN`` (1e-5; they reach 8e-5 to 4e-4) from a cut and
  every point's from 0.5, while float32 rounding moves p by about 2e-7; each
  test checks this for the maps it shows (``assert_map_is_stable``).
- The Activations tab's max |hand-written - torch| is float32 rounding error
  itself, so it differs by CPU: the test replaces ``max_differences`` with
  fixed values (the real ones are checked in tests/engine/test_activations.py).
- The Activations tab's plots sample each function in float32 as drawn; the
  test samples them in float64 instead (the same functions), so that no
  sample lies within rounding of the edge of a plot cell.

Epochs/s, the one figure that depends on the machine's speed, is hidden
(``show_speed = False``). Update with ``--snapshot-update`` and look at the
pictures in __snapshots__/test_snapshots/ before committing them.
"""
from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Awaitable, Callable, Iterable

import pytest
import torch
from textual.pilot import Pilot
from textual.widgets import Input

import tui_mlp.render.activations as render_activations
from tui_mlp import runner  # not its names: pytest would take test_line for a test
from tui_mlp.app import TrainerApp
from tui_mlp.app.widgets.boundary import BoundaryMap
from tui_mlp.compare import Comparison, RunResult, default_pair, describe
from tui_mlp.config import Config
from tui_mlp.data import Dataset
from tui_mlp.diagnostics import Diagnosis, GradCheck, Histogram
from tui_mlp.presets import preset_config
from tui_mlp.render.activations import BY_NAME, REFERENCES, Z_RANGE, hand_written
from tui_mlp.render.boundary import LEVELS, Bounds, Layout, Points, forward
from tui_mlp.results import Confusion, TestResult
from tui_mlp.session import CompareState, CompareView, Curves, Snapshot, State

#: The fixed data's sizes: 242 samples, 182 train, 30 dev, 30 test (shown in the form).
SIZES = {"n_samples": 242, "train": 182, "dev": 30}
BOOK = Config().with_values(**SIZES)  # the book's 2-5-1 Logistic, lr 0.2, 1000 epochs
VANISHING = preset_config("vanishing").with_values(**SIZES)  # 4.4.2: 2-3-3-3-3-1, N(0, 0.01), bias 1
RunBefore = Callable[[Pilot], Awaitable[None]]
#: Shown as "- ep/s" (speed hidden), as after a real run.
SPEED = 2500.0
#: Larger than any data version the app's own worker publishes at start, so
#: the map takes the fixed data sets.
DATA_VERSION = 100


# ------------------------------------------------------------------ fixed data
def moons(n: int = 60, spread: int = 9) -> tuple[Dataset, Dataset, Dataset]:
    """The book's two moons, small and exact: points (cos t, sin t) (label 0) and
    (1 - cos t, 0.5 - sin t) (label 1), 2n + 1 of each from the rational
    parametrisation of the circle, moved to a 1/32 grid, plus up to
    ``spread``/32 of noise from a linear congruential generator. Only +, -,
    *, / and integers: the same values on every machine. Every 8th point
    (from the 4th) is dev, every 8th (from the 7th) test: 182, 30 and 30."""
    quarter = [((1 - u * u) / (1 + u * u), 2 * u / (1 + u * u)) for u in (k / n for k in range(n + 1))]
    arc = quarter + [(-x, y) for x, y in reversed(quarter[:-1])]
    state, rows = 12345, []
    for label in (0, 1):
        for x, y in arc:
            point = []
            for v in ((x, y) if label == 0 else (1 - x, 0.5 - y)):
                state = (state * 1103515245 + 12345) % 2**31
                point.append(round(v * 32) / 32 + ((state >> 16) % (2 * spread + 1) - spread) / 32)
            rows.append((point, float(label)))
    X = torch.tensor([point for point, _ in rows], dtype=torch.float32)
    y = torch.tensor([label for _, label in rows], dtype=torch.float32)
    kind = torch.tensor([{3: 1, 6: 2}.get(i % 8, 0) for i in range(len(rows))])
    return tuple((X[kind == k], y[kind == k]) for k in range(3))  # type: ignore[return-value]


DATA = moons()


def params(*layers: tuple[list[list[float]], list[float]]) -> dict:
    """{"fc1": {"W": [in, out], "b": [1, out]}, ...}, as ``Runner.parameters`` copies them."""
    return {f"fc{i}": {"W": torch.tensor(W, dtype=torch.float32), "b": torch.tensor([b], dtype=torch.float32)}
            for i, (W, b) in enumerate(layers, start=1)}


# Chosen (by a search over seeds and small nudges) for a clear picture and for
# the margin of every shade cut; see ``assert_map_is_stable``.
UNTRAINED = params(([[2.85, -0.1, -0.95, 0.01, -0.15], [1.25, -0.88, -0.31, 2.08, -1.47]], [0.0] * 5),
                   ([[1.03], [0.64], [-1.3], [-0.11], [-1.48]], [0.0]))
TRAINED = params(([[3.98, -0.99, -4.85, 0.18, -0.18], [-1.8, -4.29, 2.82, -2.38, 1.86]],
                  [-5.7, -0.6, -3.84, 1.6, -0.32]),
                 ([[1.41], [3.28], [-3.8], [3.28], [-4.68]], [-0.22]))
LOGISTIC_REGRESSION = params(([[1.18], [-5.34]], [0.83]))
VANISHING_WEIGHTS = (  # N(0, 0.01)-like, as 4.4.2 draws them
    [[-0.022, 0.004, 0.015], [-0.006, 0.011, -0.013]],
    [[0.008, -0.011, 0.003], [0.011, -0.002, 0.006], [-0.007, 0.009, -0.004]],
    [[-0.015, 0.002, 0.007], [0.015, -0.009, 0.001], [0.004, -0.012, 0.013]],
    [[0.021, -0.006, 0.002], [-0.003, 0.009, 0.014], [0.005, -0.001, 0.018]],
    [[-0.3], [-0.28], [-0.27]],
)
VANISHING_PARAMS = params(*((W, [1.0] * len(W[0])) for W in VANISHING_WEIGHTS))

# What those parameters score on DATA (counted once in float64): train loss,
# accuracy, dev loss, accuracy. The status and the results show these; the map
# counts its own "wrong".
UNTRAINED_METRICS = (0.686, 88 / 182, 0.7048, 13 / 30)
TRAINED_METRICS = (0.2068, 164 / 182, 0.2142, 28 / 30)
TRAINED_TEST = TestResult(28 / 30, 0.1742, 412, Confusion.binary(13, 2, 0, 15), Confusion.binary(14, 1, 1, 14),
                          latest=0.9)
#: The dev accuracy's new bests during the run: (epoch, accuracy).
TRAINED_BESTS = ((0, 13 / 30), (1, 18 / 30), (3, 23 / 30), (20, 26 / 30), (150, 27 / 30), (412, 28 / 30))
LOGISTIC_REGRESSION_METRICS = (0.2436, 162 / 182, 0.2412, 26 / 30)
LOGISTIC_REGRESSION_TEST = (28 / 30, 0.2098)  # accuracy, loss
LOGISTIC_REGRESSION_BESTS = ((0, 13 / 30), (2, 18 / 30), (9, 24 / 30), (64, 26 / 30))


# ------------------------------------------------------------------ fixed curves and log
def falling(start: float, end: float, epochs: int, pace: float) -> tuple[float, ...]:
    """From ``start`` to ``end`` over ``epochs``, quickly at first (a loss), to 4 places."""
    def f(k: int) -> float:
        return pace / (pace + k)
    last = f(epochs - 1)
    return tuple(round(end + (start - end) * (f(k) - last) / (1 - last), 4) for k in range(epochs))


def steps(bests: tuple[tuple[int, float], ...], epochs: int) -> tuple[float, ...]:
    """The dev accuracy: each new best from its epoch on."""
    best, out, at = 0.0, [], dict(bests)
    for k in range(epochs):
        best = at.get(k, best)
        out.append(best)
    return tuple(out)


def run_curves(metrics: tuple[float, float, float, float], bests: tuple[tuple[int, float], ...],
               pace: float, epochs: int = 1000) -> Curves:
    """A run's curves ending at ``metrics``; the dev accuracy steps through ``bests``."""
    train_loss, train_score, dev_loss, _ = metrics
    return Curves(tuple(range(epochs)), falling(0.6931, train_loss, epochs, pace),
                  falling(0.6931, dev_loss, epochs, pace * 1.5),
                  tuple(round(1 - s, 4) for s in falling(0.5, 1 - train_score, epochs, pace)),
                  steps(bests, epochs))


def run_log(curves: Curves, bests: tuple[tuple[int, float], ...], every: int,
            tested: TestResult) -> list[str]:
    """The lines a run of ``curves`` logs: new bests, every ``every``-th epoch, the test."""
    epochs = len(curves.epochs)
    lines, best, at = [], 0.0, dict(bests)
    for k in range(epochs):
        if k in at:
            lines.append(runner.improved_line(best, at[k]))
            best = at[k]
        if k % every == 0:
            lines.append(runner.train_line(k, epochs, curves.train_loss[k]))
    return [*lines, runner.test_line(tested.score, tested.loss)]


TRAINED_CURVES = run_curves(TRAINED_METRICS, TRAINED_BESTS, pace=60.0)
LOGISTIC_REGRESSION_CURVES = run_curves(LOGISTIC_REGRESSION_METRICS, LOGISTIC_REGRESSION_BESTS, pace=150.0)


# ------------------------------------------------------------------ fixed lab results
def histogram(layer: str, W: list[list[float]], bins: int = 10) -> Histogram:
    """The weights counted over ``bins`` equal bins of their range, as ``weight_histograms``."""
    flat = [w for row in W for w in row]
    lo, hi = min(flat), max(flat)
    counts = [0] * bins
    for w in flat:
        counts[min(int((w - lo) / (hi - lo) * bins), bins - 1)] += 1
    return Histogram(layer, tuple(lo + (hi - lo) * i / bins for i in range(bins + 1)), tuple(counts))


LAYERS = tuple(VANISHING_PARAMS)
#: 4.4.2's finding: the first layers' gradients orders of magnitude below the last's.
NORMS_FIRST = (1e-11, 1e-10, 3e-09, 1e-05, 1e-02)
NORMS_LAST = (1.5e-09, 1e-09, 3.7e-10, 2.4e-08, 2e-07)


def norms_history(epochs: int = 100) -> tuple[tuple[float, ...], ...]:
    """Per epoch, per layer: from NORMS_FIRST to NORMS_LAST on a log scale, with
    a small fixed wobble (a real run's norms are not a straight line)."""
    def norm(first: float, last: float, k: int) -> float:
        wobble = 10 ** (0.06 * ((k * 37) % 11 - 5) / 5)
        return first * (last / first) ** (k / (epochs - 1)) * (wobble if 0 < k < epochs - 1 else 1.0)
    return tuple(tuple(norm(a, b, k) for a, b in zip(NORMS_FIRST, NORMS_LAST)) for k in range(epochs))


VANISHING_DIAGNOSIS = Diagnosis(
    layers=LAYERS, grad_norms=NORMS_LAST, dead=(0, 0, 0, 0), widths=(3, 3, 3, 3),
    identical=(False,) * 4,
    histograms=tuple(histogram(name, W) for name, W in zip(LAYERS, VANISHING_WEIGHTS)))
#: Every entry of the 2-3-3-3-3-1 network: 6 + 3 + 3 * (9 + 3) + 3 + 1.
VANISHING_GRAD_CHECK = GradCheck(3.2e-05, "fc4", "W", (1, 0), -6.76e-09, -6.78e-09, 49)
#: It predicts class 1 everywhere: half of each set.
VANISHING_TEST = TestResult(0.5, 0.6932, 0, Confusion.binary(0, 15, 0, 15), Confusion.binary(0, 15, 0, 15), latest=0.5)
VANISHING_METRICS = (0.6931, 0.5, 0.6931, 0.5)


# ------------------------------------------------------------------ the states
def idle() -> Snapshot:
    """Fresh weights, no epoch yet."""
    return Snapshot(run=1, data_version=DATA_VERSION, state=State.IDLE, epoch=0, config=BOOK, data=DATA,
                    params=UNTRAINED, metrics=UNTRAINED_METRICS)


def finished() -> Snapshot:
    """The book's 1000 epochs done; the best-dev model tested."""
    return Snapshot(run=1, data_version=DATA_VERSION, state=State.FINISHED, epoch=1000, config=BOOK,
                    data=DATA, params=TRAINED, metrics=TRAINED_METRICS, best_score=28 / 30,
                    best_epoch=412, curves=TRAINED_CURVES, speed=SPEED,
                    note=TRAINED_TEST.note(), tested=TRAINED_TEST)


def vanishing() -> Snapshot:
    """4.4.2 after its 100 epochs, the lab tab open throughout, tested and gradient-checked."""
    flat = Curves(tuple(range(100)), (0.6931,) * 100, (0.6931,) * 100, (0.5,) * 100, (0.5,) * 100)
    return Snapshot(run=1, data_version=DATA_VERSION, state=State.FINISHED, epoch=100, config=VANISHING,
                    data=DATA, params=VANISHING_PARAMS, metrics=VANISHING_METRICS, best_score=0.5,
                    best_epoch=0, curves=flat, speed=SPEED, note=VANISHING_TEST.note(),
                    grad_norms=norms_history(), norms_end=99, diagnosis=VANISHING_DIAGNOSIS,
                    tested=VANISHING_TEST, grad_check=(100, VANISHING_GRAD_CHECK))


def compared() -> CompareView:
    """Chapter 3's logistic regression (A) against the book's MLP (B), both done."""
    a, b = default_pair(BOOK)
    labels = (describe(a), describe(b))
    (acc, loss), (best_epoch, best) = LOGISTIC_REGRESSION_TEST, LOGISTIC_REGRESSION_BESTS[-1]
    runs = (RunResult(labels[0], a, acc, loss, best, best_epoch, 1000, 0.5),
            RunResult(labels[1], b, TRAINED_TEST.score, TRAINED_TEST.loss, 28 / 30, 412, 1000, 0.5))
    return CompareView(CompareState.DONE, BOOK, labels, (LOGISTIC_REGRESSION_CURVES, TRAINED_CURVES), DATA,
                       (LOGISTIC_REGRESSION, TRAINED), ("logistic", "logistic"),
                       tuple(Comparison(runs).table_lines()), epochs=(1000, 1000), total=1000)


# ------------------------------------------------------------------ putting the app in a state
async def settled(pilot: Pilot) -> None:
    """Wait until the app's own worker has built its experiment and gone idle."""
    app = pilot.app
    deadline = time.monotonic() + 60
    while app.trainer.busy or app.trainer.snapshot.data is None:
        assert time.monotonic() < deadline, "the app's training worker did not go idle"
        await asyncio.sleep(0.01)
    await app.workers.wait_for_complete()


async def show(pilot: Pilot, snap: Snapshot, log: Iterable[str] = (), view: CompareView | None = None) -> None:
    """Put the app in a fixed state: ``snap`` as the worker's latest snapshot,
    ``log`` in its log buffer, ``view`` as the comparison; then draw."""
    app = pilot.app
    await settled(pilot)
    app.status.show_speed = False
    app.lab_pane.status.show_speed = False
    for field in app.query(Input):
        field.cursor_blink = False
    app.trainer.snapshot = snap
    for line in log:
        app.trainer.log.append(line)
    if view is not None:
        app.comparer.view = view
    app.poll()
    await pilot.pause()


async def then_press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


def assert_still_fixed(pilot: Pilot, snap: Snapshot, view: CompareView | None = None) -> None:
    """Nothing replaced the fixed state, and nothing has the focus (no cursor)."""
    app = pilot.app
    assert app.trainer.snapshot is snap and not app.trainer.busy
    assert view is None or app.comparer.view is view
    assert app.focused is None


#: |p - cut| below which float32 rounding (of the pixel grid and of the forward
#: pass: about 2e-7 here) could matter.
MIN_MARGIN = 1e-5
CUTS = torch.tensor([0.5 + k / (2 * LEVELS) for k in range(1 - LEVELS, LEVELS)], dtype=torch.float64)


def assert_map_is_stable(box: BoundaryMap, weights: dict, activation: str = "logistic") -> None:
    """Every pixel and point of ``box`` is far from a shade cut in exact arithmetic:
    the shades and the misclassified points do not depend on float32 rounding."""
    width, height = box.size
    points = Points.of(*DATA)
    layout = Layout.of(Bounds.of(points.X), width, height - 1, points)  # the last row is the legend
    exact = {name: {k: v.double() for k, v in layer.items()} for name, layer in weights.items()}
    p = forward(exact, activation, layout.X.double())
    pixels, points_p = p[:layout.n_grid], p[layout.n_grid:]  # a point is drawn by its side of 0.5
    margin = min(float((pixels[:, None] - CUTS).abs().min()), float((points_p - 0.5).abs().min()))
    assert margin >= MIN_MARGIN, (
        f"a pixel or point of the {width}x{height} map is {margin:.1e} from a shade cut: choose parameters "
        f"with a larger margin (see the module docstring)")
    rounding = float((forward(weights, activation, layout.X).double() - p).abs().max())
    assert rounding < MIN_MARGIN / 10


# ------------------------------------------------------------------ the activations tab
#: max |hand-written - torch| per function as the table shows it: float32 rounding,
#: fixed here because it differs between CPUs (GELU's 4.77e-07 on one is 9.54e-07 on
#: another, and torch's kernels without SIMD give Logistic 5.96e-08, not 1.19e-07).
DIFFERENCES = {"logistic": 1.19e-07, "tanh": 5.96e-08, "softplus": 9.54e-07, "swish": 9.54e-07,
               "gelu": 4.77e-07}


def fixed_differences() -> dict[str, float]:
    return {ref.name: DIFFERENCES.get(ref.name, 0.0) for ref in REFERENCES}


def curves_in_float64(name: str, samples: int) -> tuple[list[float], list[float], list[float]]:
    """``render.activations.curves`` in float64: the same functions, sampled
    where rounding cannot move a point into the next plot cell."""
    z = torch.linspace(*Z_RANGE, max(samples, 2), dtype=torch.float64)
    with torch.inference_mode():
        both = torch.stack([z, hand_written(name, z), BY_NAME[name].torch_fn(z)]).tolist()
    return both[0], both[1], both[2]


@pytest.fixture
def fixed_activations(monkeypatch: pytest.MonkeyPatch) -> None:
    # the app reads both from the renderer when it draws (app/engine.py)
    monkeypatch.setattr(render_activations, "max_differences", fixed_differences)
    monkeypatch.setattr(render_activations, "curves", curves_in_float64)


# ------------------------------------------------------------------ the tests
def test_idle_screen(snap_compare) -> None:
    """The book's settings, fresh weights: the map of an untrained network, no curves yet."""
    snap = idle()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap)
        assert_still_fixed(pilot, snap)
        assert_map_is_stable(pilot.app.train_pane.boundary, UNTRAINED)

    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=run_before)


def test_an_open_list_has_a_frame_at_80x24(snap_compare) -> None:
    """The activation field's list open over the fields below it, in a frame of its own."""
    snap = idle()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap)
        pilot.app.query_one("#activation").focus()
        await then_press(pilot, "enter")
        assert pilot.app.query_one("#activation").expanded

    assert snap_compare(TrainerApp(BOOK), terminal_size=(80, 24), run_before=run_before)


def test_advanced_settings_open(snap_compare) -> None:
    """The advanced group opened from the keyboard (its fields are mounted after
    the first frame): every field with its label and value, the lists showing
    their choices, not a prompt."""
    snap = idle()
    config = BOOK.with_values(optimizer="momentum", schedule="step", l2=0.001, weight_init="xavier")

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap)
        pilot.app.train_pane.form.set_config(config)
        pilot.app.query_one("#advanced").query_one("CollapsibleTitle").focus()
        await then_press(pilot, "enter")
        assert not pilot.app.query_one("#advanced").collapsed
        assert pilot.app.train_pane.form.check() == config

    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=run_before)


def finished_run(*keys: str) -> RunBefore:
    """The finished state with the run's log lines, then ``keys`` pressed."""
    snap = finished()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap, run_log(TRAINED_CURVES, TRAINED_BESTS, BOOK.train.log_epochs, TRAINED_TEST))
        if keys:
            await then_press(pilot, *keys)
        assert_still_fixed(pilot, snap)
        assert_map_is_stable(pilot.app.train_pane.boundary, TRAINED)

    return run_before


def test_finished_run(snap_compare) -> None:
    """The book's run finished: the boundary bends around the moons, the loss curves
    fall, the log ends with the test, the status shows the final numbers."""
    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=finished_run())


def test_finished_run_at_80x24(snap_compare) -> None:
    """The same finished run in the smallest terminal the layout is made for."""
    assert snap_compare(TrainerApp(BOOK), terminal_size=(80, 24), run_before=finished_run())


def activations_tab() -> RunBefore:
    """The idle state on the activations tab (``a``)."""
    snap = idle()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap)
        await then_press(pilot, "a")
        assert pilot.app.tabs.active == "activations-tab"
        assert_still_fixed(pilot, snap)

    return run_before


def test_activations_tab(snap_compare, fixed_activations) -> None:
    """4.1.2: the table of max |hand-written - torch| (fixed values) and the first pair plotted."""
    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=activations_tab())


def lab_diagnostics() -> RunBefore:
    """The 4.4.2 state, on the lab tab (``l``)."""
    snap = vanishing()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap)
        await then_press(pilot, "l")
        assert pilot.app.tabs.active == "lab-tab"
        assert_still_fixed(pilot, snap)

    return run_before


def test_lab_diagnostics(snap_compare) -> None:
    """4.4.2 on the lab tab: gradient norms decades apart per layer, their trends,
    the weights' histograms, the test's confusion matrices and a gradient check."""
    assert snap_compare(TrainerApp(VANISHING), terminal_size=(120, 40), run_before=lab_diagnostics())


def test_lab_diagnostics_at_80x24(snap_compare) -> None:
    """The lab at 80x24: the norms plot gives way to a hint."""
    assert snap_compare(TrainerApp(VANISHING), terminal_size=(80, 24), run_before=lab_diagnostics())


def test_compare_tab(snap_compare) -> None:
    """Chapter 3's logistic regression (a straight boundary) beside the MLP (a bent one),
    their loss curves and the table. ``v`` opens the tab; the settings are those
    compared already, so no comparison starts."""
    snap, view = idle(), compared()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap, view=view)
        await then_press(pilot, "v")
        app = pilot.app
        assert app.tabs.active == "compare-tab"
        assert_still_fixed(pilot, snap, view)
        for box, weights in zip(app.compare_pane.maps, view.params):
            assert_map_is_stable(box, weights)

    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=run_before)


# ------------------------------------------------------------------ small terminals and the keyboard
def test_finished_run_at_60x16(snap_compare) -> None:
    """The smallest terminal the app draws in: the map, the log, the status, and
    the footer's help and quit keys; the curves give way."""
    assert snap_compare(TrainerApp(BOOK), terminal_size=(60, 16), run_before=finished_run())


def compare_tab() -> RunBefore:
    """The comparison done, on the compare tab (``v``)."""
    snap, view = idle(), compared()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap, view=view)
        await then_press(pilot, "v")
        assert pilot.app.tabs.active == "compare-tab"
        assert_still_fixed(pilot, snap, view)

    return run_before


def test_compare_tab_at_80x24(snap_compare) -> None:
    """The comparison at 80x24: both maps, a plot with its legend under it, the table."""
    assert snap_compare(TrainerApp(BOOK), terminal_size=(80, 24), run_before=compare_tab())


def test_help_at_80x24(snap_compare) -> None:
    """``?`` on the train tab: its keys, from the bindings, over the finished run."""
    async def run_before(pilot: Pilot) -> None:
        await finished_run()(pilot)
        await then_press(pilot, "question_mark")
        assert type(pilot.app.screen).__name__ == "HelpScreen"

    assert snap_compare(TrainerApp(BOOK), terminal_size=(80, 24), run_before=run_before)


def test_preset_picker_at_80x24(snap_compare) -> None:
    """The preset list leaves its hint in view at 80x24."""
    async def run_before(pilot: Pilot) -> None:
        await show(pilot, idle())
        await then_press(pilot, "p")
        assert type(pilot.app.screen).__name__ == "PresetPicker"

    assert snap_compare(TrainerApp(BOOK), terminal_size=(80, 24), run_before=run_before)


def test_focused_log_scrolled_at_80x24(snap_compare) -> None:
    """The log focused from the keyboard (a heavy border) and scrolled back a page:
    its border says which lines show."""
    async def run_before(pilot: Pilot) -> None:
        await finished_run()(pilot)
        log = pilot.app.train_pane.train_log
        while pilot.app.focused is not log:
            await then_press(pilot, "tab")
        await then_press(pilot, "pageup")
        assert log.offset_from_end > 0

    assert snap_compare(TrainerApp(BOOK), terminal_size=(80, 24), run_before=run_before)


def test_focused_field_at_80x24(snap_compare) -> None:
    """A settings field reached by tab: its label reversed, the form's border heavy."""
    async def run_before(pilot: Pilot) -> None:
        await show(pilot, idle())
        await then_press(pilot, "tab", "tab", "tab")
        assert pilot.app.focused.id == "noise"
        pilot.app.focused.cursor_blink = False

    assert snap_compare(TrainerApp(BOOK), terminal_size=(80, 24), run_before=run_before)


def test_compare_tab_at_60x16(snap_compare) -> None:
    """The comparison at 60x16: both maps and the table; the plot gives way."""
    assert snap_compare(TrainerApp(BOOK), terminal_size=(60, 16), run_before=compare_tab())


def test_activations_tab_at_60x16(snap_compare, fixed_activations) -> None:
    """The activations at 60x16: the table of differences; the plots give way."""
    assert snap_compare(TrainerApp(BOOK), terminal_size=(60, 16), run_before=activations_tab())


# ------------------------------------------------------------------ 16 colours and NO_COLOR
def test_finished_run_in_16_colours(snap_compare, colour_system) -> None:
    """The finished run on a 16-colour terminal: white points over the blue
    region, black over the yellow one, misclassified ones white on red; the
    curves bright yellow and cyan, each with its own marker."""
    colour_system("standard")
    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=finished_run())


def test_finished_run_without_colour(snap_compare, colour_system) -> None:
    """The finished run with NO_COLOR: the classes a dark and a light grey,
    points white or black against them, misclassified ones black on white;
    classes told by shape, sets by fill, curves by marker."""
    colour_system("no_color")
    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=finished_run())


def test_lab_diagnostics_in_16_colours(snap_compare, colour_system) -> None:
    """4.4.2's five layers in the norms plot: five different entries of the 16
    and five different markers."""
    colour_system("standard")
    assert snap_compare(TrainerApp(VANISHING), terminal_size=(120, 40), run_before=lab_diagnostics())


def test_activations_tab_without_colour(snap_compare, fixed_activations, colour_system) -> None:
    """Logistic and Tanh with NO_COLOR: two greys and two markers, named in the legend."""
    colour_system("no_color")
    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=activations_tab())


def test_map_of_misclassified_points(snap_compare) -> None:
    """``d`` twice: only the misclassified points over the finished run's boundary."""
    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=finished_run("d", "d"))


#: The epoch the timeline's cursor shows in ``test_cursor_in_the_past``.
VIEWED = 200


def viewing_the_past() -> Snapshot:
    """The finished book run with the timeline's cursor back at epoch VIEWED:
    that epoch's metrics (from the fixed curves) and a marker on the curves.
    The map keeps the trained parameters, the fixed ones whose map is stable."""
    snap, c = finished(), TRAINED_CURVES
    metrics = (c.train_loss[VIEWED], c.train_score[VIEWED], c.dev_loss[VIEWED], c.dev_score[VIEWED])
    return dataclasses.replace(snap, metrics=metrics, viewing=VIEWED, note="")


def test_cursor_in_the_past(snap_compare) -> None:
    """The cursor keys moved back to epoch 200 of the finished run: the status
    says which epoch it shows and how to get back, with that epoch's numbers;
    the curves mark it; the footer lists the timeline's keys."""
    snap = viewing_the_past()

    async def run_before(pilot: Pilot) -> None:
        await show(pilot, snap, run_log(TRAINED_CURVES, TRAINED_BESTS, BOOK.train.log_epochs, TRAINED_TEST))
        assert_still_fixed(pilot, snap)
        assert_map_is_stable(pilot.app.train_pane.boundary, TRAINED)
        assert f"viewing epoch {VIEWED} of 999 - end: latest" in pilot.app.status.text

    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=run_before)
