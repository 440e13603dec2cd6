"""Snapshot tests of the network tab (``w``) in fixed states, as
test_snapshots.py pictures the other tabs: the app's own worker goes idle,
then a ``Snapshot`` built from fixed values (the book's 2-5-1 network with
the parameters written out there, gradients written out here) replaces what
it published, and keys select a unit, pick an entry or show the points.

The thumbnails are a float32 forward pass cut into shades; each test checks,
in float64, that every pixel of every map shown is far from a shade cut and
every training point's |net input| far from the saturation threshold
(``assert_network_is_stable``), so the pictures do not depend on rounding.
"""
from __future__ import annotations

import math

import torch
from textual.pilot import Pilot

from tests.snapshots.test_snapshots import BOOK, DATA, TRAINED, UNTRAINED, finished, idle, params, show
from tui_mlp.app import TrainerApp
from tui_mlp.app.panes.network import NetworkPane
from tui_mlp.config import SATURATING
from tui_mlp.render.boundary import LEVELS as MAP_LEVELS
from tui_mlp.render.boundary import layer_values
from tui_mlp.render.network import LEVELS
from tui_mlp.session import Snapshot

#: Distance from a cut (in shades, or in p for the output) that float32 rounding
#: (about 1e-6 here, checked) cannot cross.
MIN_MARGIN = 1e-5
#: dL/dW, dL/db of the "last epoch": fixed values of a plausible size.
GRADS = params(([[0.0123, -0.0045, 0.0311, -0.0007, 0.0026], [-0.0198, 0.0062, -0.0154, 0.0089, -0.0012]],
                [0.0041, -0.0016, 0.0072, -0.0033, 0.0009]),
               ([[-0.0215], [0.0108], [-0.0046], [0.0137], [-0.0051]], [0.0024]))


def with_grads(snap: Snapshot) -> Snapshot:
    from dataclasses import replace
    return replace(snap, grads=GRADS)


def assert_network_is_stable(pane: NetworkPane, weights: dict) -> None:
    """Every pixel of every thumbnail and of the large map is far from a
    shade cut in float64, and every training point's |z| from the saturation
    threshold: the picture does not depend on float32 rounding."""
    frame = pane._frame
    assert frame is not None
    exact = {name: {k: v.double() for k, v in layer.items()} for name, layer in weights.items()}
    thumb, detail = frame.thumb, frame.detail

    def units(params: dict, X: torch.Tensor) -> torch.Tensor:
        return torch.cat([X, *(a for _, a in layer_values(params, "logistic", X))], dim=1)

    grid = units(exact, thumb.X[:thumb.n_grid].double())
    scale = grid.abs().amax(dim=0)
    scale32 = units(weights, thumb.X[:thumb.n_grid]).abs().amax(dim=0)
    margins = []
    for X in (thumb.X[:thumb.n_grid], detail.X[:detail.n_grid]):
        values = units(exact, X.double())
        t = (values[:, :-1] / scale[:-1] * LEVELS).abs()
        margins.append(float(((t - t.floor()) - 0.5).abs().min()))
        rounded = (units(weights, X)[:, :-1] / scale32[:-1] * LEVELS).abs().double()
        assert float((rounded - t).abs().max()) < MIN_MARGIN / 10
        p = values[:, -1]
        cuts = torch.tensor([0.5 + k / (2 * MAP_LEVELS) for k in range(1 - MAP_LEVELS, MAP_LEVELS)],
                            dtype=torch.float64)
        margins.append(float((p[:, None] - cuts).abs().min()))
    z = [z for z, _ in layer_values(exact, "logistic", DATA[0][0].double())[:-1]]
    margins += [float((zz.abs() - SATURATING["logistic"]).abs().min()) for zz in z]
    assert min(margins) > MIN_MARGIN, margins


async def network_tab(pilot: Pilot, snap: Snapshot, *keys: str) -> None:
    await show(pilot, snap)
    await pilot.press("w", *keys)
    await pilot.pause()
    app = pilot.app
    assert app.tabs.active == NetworkPane.TAB and app.trainer.snapshot is snap and not app.trainer.busy
    app.network_pane.editor.cursor_blink = False
    assert_network_is_stable(app.network_pane, snap.params)


def test_network_tab_finished_output_with_points(snap_compare) -> None:
    """The book's trained 2-5-1 network: inputs, five Logistic units, the output
    with the data on it, selected (its bias and five weights, last gradients)."""
    snap = with_grads(finished())

    async def run_before(pilot: Pilot) -> None:
        await network_tab(pilot, snap, "right", "o", "full_stop", "full_stop")

    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=run_before)


def test_network_tab_at_80x24(snap_compare) -> None:
    """The untrained network at 80x24: the columns that fit, the third hidden
    unit selected, its weight from x2 picked."""
    snap = idle()

    async def run_before(pilot: Pilot) -> None:
        await network_tab(pilot, snap, "down", "down", "full_stop", "full_stop")

    assert snap_compare(TrainerApp(BOOK), terminal_size=(80, 24), run_before=run_before)


def test_network_tab_in_16_colours(snap_compare, colour_system) -> None:
    """The trained network on a 16-colour terminal: magenta negative, green
    positive, each dim when weak and bright when strong; the weights' sign in
    the same two hues, their size in the glyph."""
    colour_system("standard")
    snap = with_grads(finished())

    async def run_before(pilot: Pilot) -> None:
        await network_tab(pilot, snap, "full_stop")

    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=run_before)


def test_network_tab_without_colour(snap_compare, colour_system) -> None:
    """The trained network with NO_COLOR: each activation a shade glyph
    (░▒▓█ by magnitude), white when positive and black when negative, over a
    grey; the weights alike."""
    colour_system("no_color")
    snap = with_grads(finished())

    async def run_before(pilot: Pilot) -> None:
        await network_tab(pilot, snap, "full_stop")

    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=run_before)


def test_fixed_states_are_those_of_the_other_snapshots() -> None:
    """The parameters are test_snapshots' own (so both pictures show one network)."""
    assert idle().params is UNTRAINED and finished().params is TRAINED
    assert not math.isnan(float(GRADS["fc1"]["W"].sum()))
