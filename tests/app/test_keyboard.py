"""Keyboard only and small terminals, as a user meets them: focus that follows
the screen and shows, the log scrolled by keys, ``?`` help built from the
bindings, dialogs closed by Escape, notifications away from the status and
the log, the 80x24 and 60x16 layouts."""
from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Select

from tui_mlp.app import TrainerApp
from tui_mlp.app.widgets.dialogs import PathDialog
from tui_mlp.app.widgets.help import HelpScreen
from tui_mlp.app.widgets.settings import PRIMARY

from .helpers import SIZE, SMALL, pane_text, settle, started, wait_until

LINES = [f"[Train] epoch: {k}/40, loss: 0.{k:04d}" for k in range(40)]


def on_screen(widget: Widget) -> bool:
    """Shown, and whole inside the screen."""
    region = widget.region
    return widget.visible and widget.display and region.area > 0 and widget.screen.region.contains_region(region)


async def focus_by_tab(pilot, target: Widget, limit: int = 40) -> list[Widget]:
    """Press tab until ``target`` has the focus; the widgets focused on the way."""
    seen: list[Widget] = []
    for _ in range(limit):
        await pilot.press("tab")
        seen.append(pilot.app.focused)
        if pilot.app.focused is target:
            return seen
    raise AssertionError(f"tab never reached {target}: {[getattr(w, 'id', w) for w in seen]}")


# ---------------------------------------------------------------- focus
async def test_tab_goes_through_what_the_screen_shows_top_to_bottom() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        seen = await focus_by_tab(pilot, app.train_pane.train_log)
        assert all(on_screen(widget) for widget in seen), [w for w in seen if not on_screen(w)]
        assert type(seen[0]).__name__ == "ContentTabs"  # the tab bar, at the top
        fields = [w.id for w in seen if w.id in PRIMARY]
        assert fields == list(PRIMARY) and seen[1].id == PRIMARY[0]  # then the fields, in order
        ys = [w.region.y for w in seen[1:len(PRIMARY) + 1]]
        assert ys == sorted(ys)


async def test_the_focused_field_and_pane_are_marked_without_colour() -> None:
    """Reverse bold on the focused field's label, a heavy border on the focused
    pane: styles a 16-colour or NO_COLOR terminal shows as well as any."""
    app = TrainerApp(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("tab", "tab")
        assert app.focused is app.query_one(f"#{PRIMARY[0]}")
        label, other = (app.query_one(f"#{name}-row .field-label") for name in PRIMARY[:2])
        assert label.rich_style.reverse and label.rich_style.bold
        assert not other.rich_style.reverse
        log = app.train_pane.train_log
        assert log.styles.border_top[0] == "round"
        await focus_by_tab(pilot, log)
        assert log.styles.border_top[0] == "heavy"
        assert not label.rich_style.reverse
        await pilot.press("a")  # the activations tab: its table, the next focus after the tab bar
        table = app.query_one("#act-table")
        box = app.query_one("#act-left")
        assert box.styles.border_top[0] == "round"
        await focus_by_tab(pilot, table)
        assert box.styles.border_top[0] == "heavy"
        cursor = table.get_component_rich_style("datatable--cursor")
        assert cursor.reverse and cursor.bold


# ---------------------------------------------------------------- the log
class HomeApp(TrainerApp):
    """An app-wide Home key, as a timeline might bind it."""

    BINDINGS = [Binding("home", "mark", "first snapshot")]
    marked = False

    def action_mark(self) -> None:
        self.marked = True


async def test_the_focused_log_scrolls_by_keys_and_says_which_lines_show() -> None:
    app = HomeApp(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        log = app.train_pane.train_log
        log.write_lines(LINES)
        height = log.size.height
        assert log.border_subtitle == f"lines {41 - height}-40/40"
        await focus_by_tab(pilot, log)
        await pilot.press("pageup")
        assert log.offset_from_end == height - 1
        await pilot.press("up")
        assert log.offset_from_end == height
        assert log.border_subtitle == f"lines {41 - 2 * height}-{40 - height}/40 (end: follow)"
        assert pane_text(log).splitlines()[0].startswith(LINES[40 - 2 * height])
        await pilot.press("home")  # the focused log's Home, not the app's
        assert log.border_subtitle.startswith(f"lines 1-{height}/40") and not app.marked
        await pilot.press("pagedown", "end")
        assert log.offset_from_end == 0 and log.border_subtitle == f"lines {41 - height}-40/40"
        app.screen.set_focus(None)
        await pilot.press("home")  # elsewhere the app's Home works
        assert app.marked


# ---------------------------------------------------------------- help
class NetworkApp(TrainerApp):
    """A key added later, as another tab would add it, with a footer display of its own."""

    BINDINGS = [Binding("w", "network", "network tab", key_display="w/W")]

    def action_network(self) -> None:
        pass


async def test_question_mark_lists_every_key_of_the_tab_from_the_bindings() -> None:
    app = NetworkApp(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for description in ("help", "quit", "start/pause", "step", "slower", "faster", "reset", "test",
                            "save", "load", "loss/acc", "presets", "activations", "lab", "compare",
                            "network tab", "page up", "first line", "leave field"):
            assert description in text, description
        assert "gradient check" not in text and "history CSV" not in text  # the lab's own keys
        assert "w/W" not in text  # the key itself, not the footer's display of it
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("l", "question_mark")
        text = str(app.screen.query_one("#help-text").render())
        assert "gradient check" in text and "history CSV" in text and "presets" in text
        assert "loss/acc" not in text and "page up" not in text  # no log on the lab tab
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)


async def test_at_60x16_the_footer_still_shows_how_to_get_help_and_quit() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=(60, 16)) as pilot:
        await started(pilot)
        keys = {key.key: key for key in app.screen.query("FooterKey")}
        for key in ("question_mark", "q"):
            assert on_screen(keys[key]), key
        await pilot.press("question_mark")
        body = app.screen.query_one("#help-body")
        assert on_screen(body)
        await pilot.press("q")  # closes the help; the app still runs
        assert not isinstance(app.screen, HelpScreen) and app.is_running


# ---------------------------------------------------------------- dialogs
async def test_escape_closes_the_path_dialog_and_a_select_list_changing_nothing(tmp_path) -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, PathDialog)
        await pilot.press(*"xyz", "escape")
        assert not isinstance(app.screen, PathDialog)
        await settle(pilot)
        assert app.model_dir == "best_model" and list(tmp_path.iterdir()) == []
        select = app.query_one("#activation", Select)
        await focus_by_tab(pilot, select)
        await pilot.press("enter", "down", "down")
        assert select.expanded
        await pilot.press("escape")
        assert not select.expanded and select.value == "logistic" and app.focused is select
        await pilot.press("escape")  # a second Escape leaves the field
        assert app.focused is None


# ---------------------------------------------------------------- notifications
async def test_notices_in_a_row_keep_the_toast_on_the_top_row() -> None:
    """Each cleared toast's holder left behind pushed the next one a row lower."""
    app = TrainerApp(SMALL)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await started(pilot)
        for i in range(6):
            app.notice(f"notice number {i}")
            await pilot.pause(0.05 * (i % 3))
        await pilot.pause(0.3)
        toasts = list(app.screen.query("Toast"))
        assert [str(t.render()) for t in toasts] == ["notice number 5"]
        assert toasts[0].region.y == 0


@pytest.mark.parametrize("size", [(60, 16), (80, 24), SIZE])
async def test_a_notice_is_one_row_over_the_tab_bar_and_whole_in_the_log(size) -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=size, notifications=True) as pilot:
        await started(pilot)
        await pilot.press("p", "enter")  # a preset: "preset book: ..."
        await settle(pilot)
        missing = "no/such/long/directory/name/for/a/model"  # in the test's own directory
        await pilot.press("ctrl+o", "ctrl+u", *missing, "enter")
        await settle(pilot)
        await wait_until(lambda: any("cannot load" in str(t.render()) for t in app.screen.query("Toast")))
        await pilot.pause()
        toasts = list(app.screen.query("Toast"))
        assert len(toasts) == 1  # the newest only
        footer = app.screen.query_one("Footer")
        kept = [app.status.region, app.train_pane.train_log.region, footer.region,
                app.train_pane.boundary.region, app.train_pane.curves.region]
        toast = toasts[0].region
        assert toast.area > 0 and toast.height == 1 and toast.y == 0  # on the tab bar's free end
        assert not any(toast.overlaps(region) for region in kept), (size, toast, kept)
        assert not toast.overlaps(app.query_one("#tabs Tab.-active").region)
        lines = app.train_pane.train_log.lines
        assert any(line.startswith("[Note] preset book: ") for line in lines)
        error = [line for line in lines if missing in line]
        assert len(error) == 1 and error[0].startswith("[Error] ")
        shown = " ".join(row.strip() for row in pane_text(app.train_pane.train_log).splitlines()).strip()
        assert "…" not in shown and shown.endswith(error[0].split()[-1])  # wrapped, not cut
        if app.train_pane.train_log.size.height >= 4:
            assert error[0] in shown
        await pilot.press("ctrl+s", "ctrl+u", *"best_model", "enter")  # the session logs the save:
        # its notice is not logged again
        await settle(pilot)
        await wait_until(lambda: any("saved" in str(t.render()) for t in app.screen.query("Toast")))
        app.poll()
        saves = [line for line in app.train_pane.train_log.lines if "best_model" in line]
        assert len(saves) == 1 and saves[0].startswith("[Save]"), saves


# ---------------------------------------------------------------- 80x24
async def test_at_80x24_the_tabs_labels_log_loss_plot_legend_and_status_fit() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        for tab in app.query("#tabs Tab"):
            assert on_screen(tab)
        form = app.train_pane.form
        for label in form.query(".field-label"):
            if label.parent.id.removesuffix("-row") in PRIMARY:
                assert on_screen(label) and label.size.width >= len(str(label.render()))
        train_lines = [line for line in pane_text(app.train_pane.train_log).splitlines() if "[Train]" in line]
        assert train_lines and all("loss: 0." in line and "…" not in line for line in train_lines)
        curves = app.train_pane.curves
        assert curves.size.height >= 8
        rows = pane_text(curves).splitlines()
        assert "train" in rows[-1] and "dev" in rows[-1]  # the legend under the plot
        assert not any("train" in row or "dev" in row for row in rows[:-1])
        status = app.status.text.splitlines()
        note = app.trainer.snapshot.note
        assert note and note in status[0] and len(status[0]) <= app.status.size.width  # whole
        assert "train loss" in status[1] and "dev loss" in status[1] and len(status[1]) <= app.status.size.width
