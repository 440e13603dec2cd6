"""The closing lessons' presets in the app: the picker fills the form, and on
``overfit`` the compare tab trains the same run without L2 against with it."""
from __future__ import annotations

from tui_mlp.app import TrainerApp
from tui_mlp.config import PAIR_L2
from tui_mlp.session import CompareState

from .helpers import SIZE, SMALL, settle, started, type_into, wait_until
from .test_lab import pick


async def test_compare_on_the_overfit_preset_is_without_l2_against_with_it() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pick(pilot, "overfit")
        await settle(pilot)
        config = app.trainer.snapshot.config
        assert (config.model.hidden, config.train.pair, config.train.l2) == ((64, 64), "l2", 0.0)
        await type_into(pilot, "epochs", "20")  # a short comparison
        await settle(pilot)
        await pilot.press("v")
        await wait_until(lambda: app.comparer.view.state == CompareState.DONE, timeout=60)
        view = app.comparer.view
        assert view.labels == ("MLP 2-64-64-1 relu", f"MLP 2-64-64-1 relu L2 {PAIR_L2:g}")
        assert view.epochs == (20, 20)
        app.poll()
        await pilot.pause()
        titles = [str(box.border_title) for box in app.compare_pane.maps]
        assert titles == [f"A: {view.labels[0]}", f"B: {view.labels[1]}"]
