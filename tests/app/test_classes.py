"""K classes in the app, with real key presses: choose spiral and 3 classes
in the form, train a tiny run, and see a 3 x 3 confusion on the lab tab, the
classes in the map's legend and three output units on the network tab."""
from __future__ import annotations

from textual.widgets import Input, Select

from tui_mlp.app import TrainerApp
from tui_mlp.render.boundary import GLYPHS

from .helpers import SIZE, SMALL, map_text, pane_text, replace_text, send_keys, settle, started, wait_until


async def test_spiral_with_three_classes_trains_and_shows_them_everywhere() -> None:
    app = TrainerApp(SMALL.with_values(epochs=15))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.query_one("#advanced").collapsed = False
        await pilot.pause()
        dataset = app.query_one("#dataset", Select)
        dataset.focus()
        await pilot.press("enter")  # open the list
        await pilot.press(*["down"] * 4, "enter")  # moons circles xor blobs spiral
        await wait_until(lambda: dataset.value == "spiral")
        classes = app.query_one("#classes", Input)
        classes.focus()
        await replace_text(pilot, classes, "3")
        send_keys(app, "enter")
        await wait_until(lambda: app.focused is None)
        await settle(pilot)
        snap = app.trainer.snapshot
        assert (snap.config.data.dataset, snap.config.data.classes) == ("spiral", 3)
        assert snap.params["fc2"]["W"].shape == (5, 3)
        await pilot.press("s")
        await settle(pilot)
        assert app.trainer.snapshot.epoch == 15
        assert {GLYPHS[k][0] for k in range(3)} <= set(map_text(app).splitlines()[-1])  # the legend
        await pilot.press("l")
        await pilot.pause()
        results = app.lab_pane.results.text.plain
        assert "pred 0  pred 1  pred 2" in results and "true 2" in results
        await pilot.press("w")
        await pilot.pause()
        view = pane_text(app.network_pane.view)
        assert all(f"out{k}" in view for k in range(3))
