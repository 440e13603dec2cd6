"""A regression chosen in the form with the keyboard: the network's output
is linear, the status and the log name RMSE and R², the map shows the
predicted value, the Lab says why it has no confusion matrices."""
from __future__ import annotations

from textual.widgets import Select

from tui_mlp.app import TrainerApp
from tui_mlp.config import FIELDS
from tui_mlp.nn import Identity
from tui_mlp.render.boundary import VALUE_GLYPHS

from .helpers import SIZE, SMALL, map_text, settle, started, wait_until


async def choose(pilot, name: str, value: str) -> None:
    """Open a Select with Enter, move to ``value`` with the arrows, take it with Enter."""
    select = pilot.app.query_one(f"#{name}", Select)
    select.focus()
    await pilot.pause()
    options = list(FIELDS[name].choices or ())
    steps = options.index(value) - options.index(select.value)
    await pilot.press("enter", *(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await wait_until(lambda: select.value == value)


async def test_the_plane_with_regression_trains_and_shows_r2() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.query_one("#advanced").collapsed = False
        await pilot.pause()
        await choose(pilot, "dataset", "plane")  # refused alone: plane is for regression...
        assert "data set plane is for task regression" in app.train_pane.form.errors["dataset"]
        await choose(pilot, "task", "regression")  # ...and taken with it
        await pilot.press("escape")
        await wait_until(lambda: app.focused is None)
        await settle(pilot)
        snap = app.trainer.snapshot
        assert (snap.config.data.task, snap.config.data.dataset) == ("regression", "plane")
        assert isinstance(app.trainer.experiment.model.layers[-1], Identity)
        await pilot.press("s")
        await settle(pilot)
        await app.workers.wait_for_complete()
        app.poll()
        await pilot.pause()
        status = app.status.text
        assert "RMSE" in status and "R²" in status and " acc " not in status, status
        log = "\n".join(app.trainer.log.since(0)[0])
        assert "best R² performance" in log and "[Test] R²/loss:" in log
        assert f"[Final] epoch {SMALL.train.epochs - 1}: train RMSE" in log
        picture = map_text(app)
        assert app.train_pane.boundary.border_title.startswith("predicted value")
        assert any(g in picture for row in VALUE_GLYPHS for g in row)
        assert "▼◆▲" in picture and "class 0/1" not in picture
        assert app.train_pane.curves.border_title == "curves: RMSE (c)"
        await pilot.press("c")
        assert app.train_pane.curves.border_title == "curves: R² (c)"
