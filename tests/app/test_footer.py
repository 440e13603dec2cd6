"""The footer at 80x24 and 60x16: the keys to quit and to get help show in
every state of a run and on every tab, whatever has the focus."""
from __future__ import annotations

import pytest
from textual.widget import Widget

from tui_mlp.app import TrainerApp
from tui_mlp.app.widgets.help import HelpScreen
from tui_mlp.session import State

from .helpers import ENDLESS, SMALL, send_keys, settle, started, wait_until

#: The tabs' keys, and each tab's pane.
TAB_KEYS = {"a": "activations-tab", "l": "lab-tab", "v": "compare-tab", "w": "network-tab"}


def shown_whole(widget: Widget) -> bool:
    return widget.display and widget.region.area > 0 and widget.screen.region.contains_region(widget.region)


def footer_says_how_to_quit_and_get_help(app: TrainerApp) -> list[str]:
    """What is missing: the footer keys for quitting and help that do not show whole."""
    keys = {key.action.removeprefix("app."): key for key in app.screen.query_one("Footer").query("FooterKey")}
    return [action for action in ("help", "quit") if action not in keys or not shown_whole(keys[action])]


def footer_is_current(app: TrainerApp) -> bool:
    """The footer lists the keys the focus and the tab make active now, laid out."""
    active = {b.binding.action for b in app.screen.active_bindings.values() if b.binding.show}
    keys = list(app.screen.query_one("Footer").query("FooterKey"))
    laid_out = bool(keys) and keys[0].region.width > 0  # the first key always fits
    return laid_out and active == {key.action for key in keys}


async def each_tab(pilot, where: str) -> None:
    """On the train tab, with the focus in a field and on the log, then on every other tab."""
    app = pilot.app
    missing = {}

    async def look(name: str) -> None:
        await wait_until(lambda: footer_is_current(app))  # composed anew after a change of focus or tab
        try:  # and laid out, which may take a few frames more
            await wait_until(lambda: not footer_says_how_to_quit_and_get_help(app), timeout=2)
        except AssertionError:
            missing[name] = footer_says_how_to_quit_and_get_help(app)

    await look("train")
    for name, widget in (("in a field", app.query_one("#hidden")), ("the log", app.train_pane.train_log)):
        await pilot.click(widget)
        await wait_until(lambda widget=widget: app.focused is widget)
        await look(f"train, {name}")
    app.set_focus(None)
    await wait_until(lambda: app.focused is None)
    for key, tab in TAB_KEYS.items():
        send_keys(app, key)
        await wait_until(lambda tab=tab: app.tabs.active == tab)
        await look(tab)
        send_keys(app, key)
        await wait_until(lambda: app.tabs.active == "train-tab")
    assert not missing, (where, app.size, missing)


@pytest.mark.parametrize("size", [(80, 24), (60, 16)])
async def test_quit_and_help_show_in_the_footer_idle_running_and_finished(size) -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=size) as pilot:
        await started(pilot)
        await each_tab(pilot, "idle")
        await pilot.press("s")
        await settle(pilot)
        assert app.trainer.snapshot.state == State.FINISHED
        await each_tab(pilot, "finished")


@pytest.mark.parametrize("size", [(80, 24), (60, 16)])
async def test_quit_and_help_show_in_the_footer_while_training(size) -> None:
    app = TrainerApp(ENDLESS)
    async with app.run_test(size=size) as pilot:
        await started(pilot)
        send_keys(app, "s")
        await wait_until(lambda: app.trainer.snapshot.state == State.RUNNING)
        await each_tab(pilot, "running")
        send_keys(app, "s")
        await wait_until(lambda: app.trainer.snapshot.state == State.PAUSED)
        await each_tab(pilot, "paused")


async def test_in_a_text_field_ctrl_q_quits_and_f1_opens_the_help() -> None:
    """The field takes q and ? as text; the keys the footer names there work."""
    app = TrainerApp(SMALL)
    async with app.run_test(size=(60, 16)) as pilot:
        await started(pilot)
        await pilot.click("#hidden")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert "a text field" in str(app.screen.query_one("#help-text").render())
        await pilot.press("escape")
        assert app.focused is app.query_one("#hidden") and app.query_one("#hidden").value == "5"
        await pilot.press("ctrl+q")
        await wait_until(lambda: not app.is_running)
