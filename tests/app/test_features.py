"""The settings form's features field: the network and the map follow it."""
from __future__ import annotations

from textual.widgets import Input

from tui_mlp.app import TrainerApp

from .helpers import SIZE, SMALL, map_text, replace_text, send_keys, settle, started, wait_until


async def test_the_features_field_rebuilds_the_network_on_its_inputs() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.query_one("#advanced").collapsed = False
        await pilot.pause()
        field = app.query_one("#features", Input)
        assert field.value == "x1,x2"
        field.focus()
        await replace_text(pilot, field, "x1,x2,x1x2")
        send_keys(app, "enter")
        await wait_until(lambda: app.focused is None)
        await settle(pilot)
        snap = app.trainer.snapshot
        assert snap.config.model.features == ("x1", "x2", "x1x2")
        assert snap.params["fc1"]["W"].shape == (3, 5)
        assert "x1 " in app.train_pane.boundary.border_subtitle  # still the (x1, x2) plane
        assert "▀" in map_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert app.trainer.snapshot.epoch == SMALL.train.epochs
