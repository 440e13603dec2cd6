"""The pace keys: ``-`` and ``+`` step through the paces at any time, the
status shows the pace, and a paced run takes the time its pace says."""
from __future__ import annotations

import time

from tui_mlp.app import TrainerApp
from tui_mlp.session import DEFAULT_PACE, PACES, State

from .helpers import SIZE, SMALL, settle, started, state, wait_until


async def test_minus_and_plus_step_through_the_paces_and_the_status_shows_it() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.trainer.snapshot.pace == DEFAULT_PACE and "pace 200/s" in app.status.text
        at = PACES.index(DEFAULT_PACE)
        await pilot.press("minus", "minus")
        await wait_until(lambda: app.trainer.snapshot.pace == PACES[at - 2])
        await pilot.press("plus", "plus", "plus", "equals_sign")
        await wait_until(lambda: app.trainer.snapshot.pace == PACES[at + 2])
        for _ in range(len(PACES)):
            await pilot.press("plus")
        await wait_until(lambda: app.trainer.snapshot.pace is None)
        await pilot.pause()
        assert "pace max" in app.status.text


async def test_a_paced_run_is_watchable_and_max_is_not_held_back() -> None:
    """40 epochs at 100/s take at least 0.4 s; at max the same run is not held to a pace."""
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("minus")  # 200/s -> 100/s
        await wait_until(lambda: app.trainer.snapshot.pace == 100)
        start = time.monotonic()
        await pilot.press("s")
        await wait_until(lambda: state(app) == State.FINISHED, timeout=30)
        assert time.monotonic() - start >= 0.38
        await settle(pilot)
        assert app.trainer.snapshot.epoch == SMALL.train.epochs
