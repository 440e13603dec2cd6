"""The timeline's keys, pressed for real: the cursor, replay, rewind, and
arrows that stay with a focused text field."""
from __future__ import annotations

import re

import pytest
from textual.widgets import Input, OptionList, Select

from tui_mlp.app import TrainerApp
from tui_mlp.session import Snapshot, State, Trainer
from tui_mlp.session.timeline import rewind_line

from .helpers import SIZE, SMALL, epoch, map_text, pane_text, settle, started, state, wait_until

LAST = SMALL.train.epochs - 1  # the latest epoch of a finished run, as the log counts


async def finish(pilot) -> None:
    await started(pilot)
    await pilot.press("s")
    await settle(pilot)
    assert state(pilot.app) == State.FINISHED


async def press(pilot, *keys: str) -> None:
    """Press ``keys`` and wait until the worker has handled them and the screen shows it."""
    await pilot.press(*keys)
    await settle(pilot)


def viewing(app: TrainerApp) -> int | None:
    return app.trainer.snapshot.viewing


def footer_keys(app: TrainerApp) -> set[str]:
    return {child.key for child in app.screen.query_one("Footer").query("FooterKey")}


async def test_cursor_keys_walk_the_finished_run_and_every_pane_follows() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await finish(pilot)
        latest_map = map_text(app)
        await press(pilot, "left")
        assert viewing(app) == LAST - 1
        assert f"viewing epoch {LAST - 1} of {LAST} - end: latest" in app.status.text
        assert f"epoch {LAST - 1}" in pane_text(app.train_pane.curves)  # the marker's legend
        await press(pilot, "shift+left")
        assert viewing(app) == LAST - 1 - 4  # a tenth of 40 epochs
        await press(pilot, "home")
        assert viewing(app) == 0 and "viewing epoch 0 of" in app.status.text
        first_map = map_text(app)
        await press(pilot, "right", "shift+right")
        assert viewing(app) == 5
        await press(pilot, "end")
        assert viewing(app) is None and f"epoch {LAST + 1}/{LAST + 1}" in app.status.text
        assert map_text(app) == latest_map != first_map  # the map drew the cursor's weights
        assert not re.search(r"epoch \d", pane_text(app.train_pane.curves))  # no marker


async def test_the_footer_lists_the_timeline_keys_when_paused_or_finished() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert not {"left", "y", "b"} & footer_keys(app)
        await finish(pilot)
        assert {"left", "y", "b"} <= footer_keys(app)  # one entry, "←→ y b epochs"
        footer = app.screen.query_one("Footer")
        assert max(child.region.right for child in footer.query("*")) <= SIZE[0]  # all of it shows


async def test_arrows_home_and_end_in_a_text_field_stay_in_the_field() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await finish(pilot)
        await pilot.click("#lr")
        field = app.query_one("#lr", Input)
        await press(pilot, "end", "left", "shift+left", "home")
        assert viewing(app) is None and field.cursor_position == 0
        await press(pilot, "escape")
        await press(pilot, "left")
        assert viewing(app) == LAST - 1


async def test_y_replays_the_run_from_the_start_and_stops_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[Snapshot] = []
    real = Trainer._publish

    def publish(self: Trainer, params: bool = True) -> None:
        real(self, params)
        shown.append(self.snapshot)

    monkeypatch.setattr(Trainer, "_publish", publish)
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await finish(pilot)
        shown.clear()
        await press(pilot, "y")
        await wait_until(lambda: not app.trainer.snapshot.replaying and not app.trainer.busy)
        replayed = [s.viewing for s in shown if s.replaying and s.viewing is not None]
        assert replayed[0] == 0 and replayed == sorted(replayed)
        assert viewing(app) is None and state(app) == State.FINISHED


async def test_b_rewinds_to_the_cursor_and_s_trains_on_from_there() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await finish(pilot)
        await press(pilot, "home", "right", "right", "right")
        assert viewing(app) == 3
        await press(pilot, "b")
        assert (state(app), epoch(app), viewing(app)) == (State.PAUSED, 4, None)
        assert app.trainer.snapshot.curves.epochs == (0, 1, 2, 3)
        assert rewind_line(3) in app.train_pane.train_log.lines
        assert "epoch 4/40" in app.status.text
        await press(pilot, "s")
        await settle(pilot)
        assert (state(app), epoch(app)) == (State.FINISHED, SMALL.train.epochs)
        assert app.trainer.snapshot.curves.epochs == tuple(range(SMALL.train.epochs))


async def test_n_from_a_past_epoch_continues_from_the_latest() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        for _ in range(3):
            await press(pilot, "n")
        await press(pilot, "left")
        assert (state(app), viewing(app)) == (State.PAUSED, 1)
        await press(pilot, "n")
        assert (epoch(app), viewing(app)) == (4, None)
        assert "continuing from the latest epoch 2" in app.status.text


async def test_home_and_end_in_an_open_select_list_stay_in_the_list() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await finish(pilot)
        select = app.query_one("#activation", Select)
        select.focus()
        await press(pilot, "enter")  # open the list
        assert select.expanded
        options = app.screen.query_one("SelectOverlay", OptionList)
        await press(pilot, "end")
        assert options.highlighted == options.option_count - 1 and viewing(app) is None
        await press(pilot, "home")
        assert options.highlighted == 0 and viewing(app) is None
