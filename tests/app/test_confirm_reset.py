"""A settings change that would reset a trained run asks first (apply and
reset, or keep the run); training settings, and any change before the first
epoch, apply at once. Real key presses."""
from __future__ import annotations

from textual.widgets import Input, Select

from tui_mlp.app import TrainerApp
from tui_mlp.app.widgets.dialogs import ConfirmReset
from tui_mlp.session import State

from .helpers import SIZE, SMALL, epoch, replace_text, send_keys, settle, started, state, wait_until

SHORT = SMALL.with_values(epochs=6, log_epochs=2)


async def trained(pilot) -> int:
    """Train the short run to its end; the run's number."""
    await started(pilot)
    await pilot.press("s")
    await settle(pilot)
    assert (state(pilot.app), epoch(pilot.app)) == (State.FINISHED, 6)
    return pilot.app.trainer.snapshot.run


async def type_hidden(pilot, text: str) -> Input:
    """Type into the hidden field key by key, staying in it."""
    await pilot.click("#hidden")
    field = pilot.app.query_one("#hidden", Input)
    await replace_text(pilot, field, text)
    await pilot.pause()
    return field


async def test_a_typed_model_change_asks_once_the_field_is_left_and_escape_keeps_the_run() -> None:
    app = TrainerApp(SHORT)
    async with app.run_test(size=SIZE) as pilot:
        run = await trained(pilot)
        field = await type_hidden(pilot, "8,4")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmReset)  # not while typing
        assert (epoch(app), app.trainer.snapshot.run) == (6, run)
        send_keys(app, "enter")
        await wait_until(lambda: isinstance(app.screen, ConfirmReset) and bool(app.screen.query("#confirm-question")))
        question = str(app.screen.query_one("#confirm-question").render())
        assert question == "hidden 5 → 8,4 is a new model: it resets the run and loses its 6 trained epochs."
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmReset)
        assert field.value == "5"  # the field's value back
        snap = app.trainer.snapshot
        assert (snap.epoch, snap.state, snap.run) == (6, State.FINISHED, run)
        assert snap.config.model.hidden == (5,)


async def test_enter_applies_the_change_and_resets_the_run() -> None:
    app = TrainerApp(SHORT)
    async with app.run_test(size=SIZE) as pilot:
        run = await trained(pilot)
        await type_hidden(pilot, "8")
        send_keys(app, "tab")  # leaving by tab asks too
        await wait_until(lambda: isinstance(app.screen, ConfirmReset) and bool(app.screen.query("#confirm-question")))
        await pilot.press("enter")
        await settle(pilot)
        snap = app.trainer.snapshot
        assert (snap.epoch, snap.state) == (0, State.IDLE) and snap.run > run
        assert snap.config.model.hidden == (8,)


async def test_a_choice_asks_at_once_and_n_keeps_the_run_when_paused() -> None:
    app = TrainerApp(SHORT.with_values(epochs=5_000_000, log_epochs=1000))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n", "n")
        await settle(pilot)
        assert (state(app), epoch(app)) == (State.PAUSED, 2)
        select = app.query_one("#activation", Select)
        await pilot.click("#activation")
        await pilot.press("down", "enter")  # the click opened the list: the next activation
        await wait_until(lambda: isinstance(app.screen, ConfirmReset) and bool(app.screen.query("#confirm-question")))
        assert "activation logistic →" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")
        await settle(pilot)
        assert select.value == "logistic"
        assert (state(app), epoch(app)) == (State.PAUSED, 2)


async def test_training_settings_and_changes_before_training_do_not_ask() -> None:
    app = TrainerApp(SHORT)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await type_hidden(pilot, "7")  # epoch 0: nothing to lose
        send_keys(app, "enter")
        await wait_until(lambda: app.trainer.snapshot.config.model.hidden == (7,))
        assert not isinstance(app.screen, ConfirmReset)
        await pilot.press("s")
        await settle(pilot)
        await pilot.click("#lr")
        await replace_text(pilot, app.query_one("#lr", Input), "0.5")
        send_keys(app, "enter")
        await wait_until(lambda: app.trainer.snapshot.config.train.lr == 0.5)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmReset)
        assert epoch(app) == 6  # the weights kept
