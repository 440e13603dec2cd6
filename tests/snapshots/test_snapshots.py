"""Snapshot tests (pytest-textual-snapshot): the idle screen, a finished run,
the activations tab, a finished run at 80x24, the lab's diagnostics (120x40
and 80x24) and the compare tab. Fixed seed and size, the
book's config, nothing focused (no blinking cursor), epochs/s hidden (the
one figure that depends on the machine). Update with --snapshot-update."""
from __future__ import annotations

import asyncio
import time

from textual.pilot import Pilot

from tui_mlp.app import TrainerApp
from tui_mlp.config import Config
from tui_mlp.presets import preset_config

BOOK = Config()  # seed 0: the book's 1000 samples, 2-5-1 Logistic, lr 0.2, 1000 epochs


async def drawn(pilot: Pilot) -> None:
    """Wait until the worker is done and its last snapshot is on screen."""
    app = pilot.app
    app.status.show_speed = False
    deadline = time.monotonic() + 60
    while app.trainer.busy or app.trainer.snapshot.data is None:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    await app.workers.wait_for_complete()
    app.poll()
    await pilot.pause()


async def finished(pilot: Pilot) -> None:
    await drawn(pilot)
    await pilot.press("s")
    await drawn(pilot)


async def activations(pilot: Pilot) -> None:
    await drawn(pilot)
    await pilot.press("a")
    await pilot.pause()


def test_idle_screen(snap_compare) -> None:
    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=drawn)


def test_finished_run(snap_compare) -> None:
    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=finished)


def test_activations_tab(snap_compare) -> None:
    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=activations)


def test_finished_run_at_80x24(snap_compare) -> None:
    assert snap_compare(TrainerApp(BOOK), terminal_size=(80, 24), run_before=finished)


# ---------------------------------------------------------------- the lab (issue 5)
VANISHING = preset_config("vanishing")  # 4.4.2: 2-3-3-3-3-1 Logistic, N(0, 0.01), bias 1, 100 epochs


async def lab_diagnostics(pilot: Pilot) -> None:
    """A finished 4.4.2 run on the lab tab, after a test and a gradient check."""
    await drawn(pilot)
    pilot.app.lab_pane.status.show_speed = False
    await pilot.press("l", "s")
    await drawn(pilot)
    await pilot.press("g")
    await drawn(pilot)


async def compared(pilot: Pilot) -> None:
    """The book's settings: chapter 3's logistic regression against the 2-5-1 MLP."""
    from tui_mlp.session import CompareState

    await drawn(pilot)
    await pilot.press("v")
    deadline = time.monotonic() + 60
    while pilot.app.comparer.view.state != CompareState.DONE:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    pilot.app.poll()
    await pilot.pause()


def test_lab_diagnostics(snap_compare) -> None:
    assert snap_compare(TrainerApp(VANISHING), terminal_size=(120, 40), run_before=lab_diagnostics)


def test_lab_diagnostics_at_80x24(snap_compare) -> None:
    assert snap_compare(TrainerApp(VANISHING), terminal_size=(80, 24), run_before=lab_diagnostics)


def test_compare_tab(snap_compare) -> None:
    assert snap_compare(TrainerApp(BOOK), terminal_size=(120, 40), run_before=compared)
