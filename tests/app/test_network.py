"""The network tab's keys, driven with Pilot: ``w`` opens it with the focus
on the network (and goes back), the arrows select a unit, ``,``/``.`` pick
its bias or a weight, ``[``/``]`` nudge it, enter types a value, ``o`` shows
the data on the output; edits are refused while training, and the footer
lists the tab's keys."""
from __future__ import annotations

import pytest

from tests.app.helpers import ENDLESS, SMALL, pane_text, settle, started, wait_until
from tui_mlp.app import TrainerApp
from tui_mlp.app.panes.network import NetworkPane
from tui_mlp.config import EDIT_STEP
from tui_mlp.render.boundary import GLYPHS
from tui_mlp.render.network import SLOT_H, THUMB_H, THUMB_W
from tui_mlp.render.palette import TRUECOLOR
from tui_mlp.session import EditWeight, State

NET = SMALL.with_values(hidden=(3, 2), activation="relu")


def notes(app: TrainerApp) -> list[str]:
    return [n.message for n in app._notifications]


def entry(app: TrainerApp, layer: str, key: str, index: tuple[int, int]) -> float:
    return float(app.trainer.snapshot.params[layer][key][index])


async def open_network(pilot) -> NetworkPane:
    await started(pilot)
    await pilot.press("w")
    await pilot.pause()
    return pilot.app.network_pane


async def test_w_opens_the_tab_with_the_network_focused_and_again_goes_back() -> None:
    app = TrainerApp(NET)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_network(pilot)
        assert app.tabs.active == NetworkPane.TAB and app.focused is pane.view
        text = pane_text(pane.view)
        for name in ("x1", "x2", "h1.1", "h1.3", "h2.2", "out"):
            assert name in text
        assert "h1.1" in pane_text(pane.unit)
        await pilot.press("w")
        await pilot.pause()
        assert app.tabs.active == "train-tab" and app.focused is None


async def test_arrows_select_a_unit_within_the_network() -> None:
    app = TrainerApp(NET)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_network(pilot)
        assert pane.selected == (1, 0)
        await pilot.press("down", "down", "down")  # h1 has 3 units: stops at the last
        assert pane.selected == (1, 2)
        await pilot.press("right")  # h2 has 2: the nearest
        assert pane.selected == (2, 1)
        await pilot.press("right", "right", "up")
        assert pane.selected == (3, 0)
        await pilot.press("left", "left", "left", "left")
        assert pane.selected == (0, 0)
        await pilot.pause()
        assert pane_text(pane.unit).startswith("x1") and "input feature" in pane_text(pane.unit)


async def test_brackets_nudge_the_picked_entry_and_comma_full_stop_pick_it() -> None:
    app = TrainerApp(NET)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_network(pilot)
        bias = entry(app, "fc1", "b", (0, 0))
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert entry(app, "fc1", "b", (0, 0)) == pytest.approx(bias + EDIT_STEP, abs=1e-6)
        await pilot.press("full_stop", "full_stop")  # bias, w x1, w x2
        assert pane.picked == 2
        weight = entry(app, "fc1", "W", (1, 0))
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert entry(app, "fc1", "W", (1, 0)) == pytest.approx(weight - 2 * EDIT_STEP, abs=1e-6)
        await pilot.press("comma")
        assert pane.picked == 1
        assert "▸ w x1" in pane_text(pane.unit)
        assert f"{entry(app, 'fc1', 'W', (1, 0)):+9.4f}" in pane_text(pane.unit)  # redrawn from the new snapshot


async def test_enter_types_a_value_and_a_bad_one_is_one_line_naming_the_entry() -> None:
    app = TrainerApp(NET)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_network(pilot)
        await pilot.press("down", "right", "full_stop")  # h2.2, its weight from h1.1
        await pilot.press("enter")
        assert pane.editing.display and app.focused is pane.editor
        assert pane.editor.value == f"{entry(app, 'fc2', 'W', (0, 1)):.4g}"
        pane.editor.value = ""
        await pilot.press(*"1.5", "enter")
        await settle(pilot)
        assert entry(app, "fc2", "W", (0, 1)) == 1.5
        assert not pane.editing.display and app.focused is pane.view
        await pilot.press("enter")
        pane.editor.value = ""
        await pilot.press(*"abc", "enter")
        await settle(pilot)
        assert entry(app, "fc2", "W", (0, 1)) == 1.5
        # said in the box, which stays open for another try: no toast over it
        assert pane.editing.display and app.focused is pane.editor and not notes(app)
        assert str(pane.editor_label.render()).startswith(
            "fc2.W[0,1]: 'abc' is not accepted; expected a number >= -100 and <= 100\n")
        await pilot.press("escape")  # escape leaves the field, nothing sent
        assert not pane.editing.display and app.focused is pane.view


async def test_o_toggles_the_data_on_the_output() -> None:
    app = TrainerApp(NET)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_network(pilot)
        glyphs = {glyph for shapes in GLYPHS for glyph in shapes}
        assert not glyphs & set(pane_text(pane.view))
        await pilot.press("o")
        await pilot.pause()
        assert glyphs & set(pane_text(pane.view))
        await pilot.press("o")
        await pilot.pause()
        assert not glyphs & set(pane_text(pane.view))


async def test_edits_are_refused_while_training_and_an_input_has_none() -> None:
    app = TrainerApp(ENDLESS.with_values(hidden=(3,)))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_network(pilot)
        await pilot.press("left")  # x1: nothing to edit
        await pilot.press("right_square_bracket")
        assert "an input has no weights" in notes(app)[-1]
        await pilot.press("right", "s")
        await wait_until(lambda: app.trainer.snapshot.state == State.RUNNING)
        await pilot.press("right_square_bracket")
        await pilot.press("enter")
        assert notes(app)[-1] == "pause (s) before editing weights" and not pane.editing.display
        await pilot.press("s")
        await settle(pilot)
        assert not any(line.startswith("[Edit]") for line in app.trainer.log.since(0)[0])


async def test_the_footer_lists_the_tabs_keys_within_80_columns() -> None:
    app = TrainerApp(NET)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_network(pilot)
        footer = app.screen.query_one("Footer")
        await pilot.pause(0.1)
        shown = [child.key for child in footer.query("FooterKey")]
        assert shown[:3] == ["up", "comma", "o"] and "w" in shown and "q" in shown
        displays = [child.key_display for child in footer.query("FooterKey")]
        assert displays[:2] == ["↑↓←→", ",.[]⏎"]
        assert max(w.region.right for w in footer.query("FooterKey, FooterLabel")) <= 80


async def test_a_network_too_big_for_the_screen_pages_and_scrolls_to_the_selected_unit() -> None:
    app = TrainerApp(SMALL.with_values(hidden=(16, 16), activation="relu"))
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_network(pilot)
        text = pane_text(pane.view)
        assert "▸" in text.splitlines()[0] and "out" not in text  # columns left out, to the right
        await pilot.press(*["down"] * 15)
        await pilot.pause()
        text = pane_text(pane.view)
        assert "h1.16" in text and "h1.1 " not in text  # scrolled down to it, thumbnails full size
        assert "units" in pane.view.border_subtitle
        await pilot.press("right", "right")
        await pilot.pause()
        text = pane_text(pane.view)
        assert "out" in text and "◂" in text.splitlines()[0] and "x1" not in text


async def test_an_edit_shows_at_once_in_the_losses_and_on_every_map() -> None:
    app = TrainerApp(NET)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_network(pilot)
        await pilot.press("right", "right", "enter")  # the output's bias
        pane.editor.value = ""
        await pilot.press(*"50", "enter")
        await settle(pilot)
        snap = app.trainer.snapshot
        _, train_score, _, _ = snap.metrics
        labels = snap.data[0][1]
        assert train_score == pytest.approx(float(labels.mean()))  # class 1 everywhere
        assert "edited fc3.b[0,0] = 50" in snap.note
        # the output's thumbnail (after 3 columns of 10 and weight cells 2+2, 3+2, 2+2 wide):
        # the confident class-1 colour in every half of every cell
        start = 3 * THUMB_W + 4 + 5 + 4
        halves = {colour.name for y in range(1, 1 + THUMB_H)
                  for seg in pane.view.render_line(y).crop(start, start + THUMB_W)
                  for colour in (seg.style.color, seg.style.bgcolor)}
        assert halves == {TRUECOLOR.region[1][-1]}
        await pilot.press("w")
        await pilot.pause()
        shown = {seg.style.bgcolor.name for y in range(app.train_pane.boundary.size.height - 1)
                 for seg in app.train_pane.boundary.render_line(y) if seg.style and seg.style.bgcolor}
        assert shown <= {TRUECOLOR.region[1][-1], TRUECOLOR.wrong[1]}  # the map: class 1, confident, everywhere


async def test_a_click_on_a_thumbnail_selects_its_unit() -> None:
    app = TrainerApp(NET)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_network(pilot)
        # inside the border: the title row, then slots of SLOT_H rows; h2 after x, 2+2, h1 and 3+2 cells
        await pilot.click("#net-view", offset=(1 + THUMB_W + 4 + THUMB_W + 5 + 3, 1 + 1 + SLOT_H + 2))
        assert pane.selected == (2, 1) and app.focused is pane.view
        await pilot.pause()
        assert pane_text(pane.unit).startswith("h2.2")
        await pilot.click("#net-view", offset=(1 + 2, 1 + 1 + 2))
        assert pane.selected == (0, 0)


async def test_while_the_timeline_shows_an_earlier_epoch_the_tab_draws_it_and_refuses_edits() -> None:
    app = TrainerApp(NET)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_network(pilot)
        await pilot.press("n", "n", "n")
        await settle(pilot)
        await pilot.press("home")  # the timeline's first kept epoch (the arrows select units here)
        await settle(pilot)
        assert app.trainer.snapshot.viewing == 0
        await pilot.pause()
        assert "(epoch 0, timeline)" in pane.unit.border_title
        await pilot.press("right_square_bracket")
        assert notes(app)[-1] == EditWeight.PAST
        assert " ".join(pane_text(pane.unit).split()).endswith(EditWeight.PAST)  # wrapped to the pane
