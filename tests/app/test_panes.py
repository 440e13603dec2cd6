"""The panes redrawn while training (``StripPane``): only changed rows are
repainted, and their strips never need Textual's ANSI-to-RGB filter."""
from __future__ import annotations

from collections import Counter

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.filter import ANSIToTruecolor, Monochrome
from textual.strip import Strip

from tui_mlp.app import TrainerApp
from tui_mlp.app.widgets.lines import PAD, StripPane
from tui_mlp.app.widgets.status import _strip as status_strip
from tui_mlp.app.widgets.status import state_styles
from tui_mlp.session import CompareState, State, Toggle

from .helpers import SIZE, SMALL, pane_text, settle, started, wait_until


class CountingPane(StripPane):
    """Counts which rows Textual asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: Counter[int] = Counter()

    def render_line(self, y: int) -> Strip:
        self.asked[y] += 1
        return super().render_line(y)


class PaneApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CountingPane()


def rows(texts: list[str], width: int) -> list[Strip]:
    return [Strip([Segment(text, Style(color="#ffffff"))]).extend_cell_length(width) for text in texts]


async def test_only_the_rows_that_changed_are_repainted() -> None:
    app = PaneApp()
    async with app.run_test(size=(30, 10)) as pilot:
        pane = app.query_one(CountingPane)
        width = pane.size.width
        texts = [f"row {y}" for y in range(8)]
        pane.show_strips(rows(texts, width))
        await pilot.pause()
        pane.asked.clear()
        texts[3], texts[4], texts[6] = "changed 3", "changed 4", "changed 6"
        pane.show_strips(rows(texts, width))
        await pilot.pause()
        assert set(pane.asked) == {3, 4, 6}
        assert [pane.render_line(y).text.rstrip() for y in (2, 3, 6)] == ["row 2", "changed 3", "changed 6"]
        pane.asked.clear()
        pane.show_strips(rows(texts, width))  # nothing new: nothing repainted
        await pilot.pause()
        assert not pane.asked
        pane.asked.clear()
        pane.show_strips(rows([f"new {y}" for y in range(8)], width))  # most rows: one full repaint
        await pilot.pause()
        assert set(pane.asked) >= set(range(8))


async def test_a_message_is_wrapped_again_when_the_pane_is_resized() -> None:
    app = PaneApp()
    async with app.run_test(size=(60, 10)) as pilot:
        pane = app.query_one(CountingPane)
        message = "training: the boundary appears when both are done"
        pane.show_message(message)
        await pilot.pause()
        assert pane_text(pane).split() == message.split()  # one line, centred
        await pilot.resize_terminal(20, 10)
        await pilot.pause()
        rows = pane_text(pane).splitlines()
        assert all(len(row) == 20 for row in rows if row.strip())
        assert " ".join(pane_text(pane).split()) == message  # wrapped, nothing cut


@pytest.mark.parametrize("width", [0, 1, 2, 5, 40])
def test_a_status_line_is_cut_to_its_width_with_an_ellipsis(width):
    line = [(" running ", state_styles()[State.RUNNING]), (" epoch 120/1000", PAD)]
    strip = status_strip(line, width)
    assert strip.cell_length == width
    assert all(segment.style is not None for segment in strip)  # NO_COLOR's filter needs one
    if width < 24:
        assert strip.text.endswith("…") or width == 0


def non_rgb_styles(pane: StripPane) -> set[Style]:
    """Styles in the pane's strips that the skipped filter would have changed."""
    styles = {segment.style for y in range(pane.size.height) for segment in pane.render_line(y)}
    return {style for style in styles if style is not None and (
        style.dim or (style.color is not None and style.color.triplet is None)
        or (style.bgcolor is not None and style.bgcolor.triplet is None))}


async def test_the_training_panes_hold_rgb_colours_only() -> None:
    """Dropping the ANSI-to-RGB filter is only right while every colour in
    these panes is RGB and nothing is dim: in every state they can show."""
    app = TrainerApp(SMALL.with_values(lr=1e6))  # diverges: the error state too
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        panes = [app.train_pane.boundary, app.train_pane.curves, app.train_pane.train_log, app.status]
        seen = [non_rgb_styles(pane) for pane in panes]
        app._submit(Toggle())
        await settle(pilot)
        assert app.trainer.snapshot.state == State.ERROR
        seen += [non_rgb_styles(pane) for pane in panes]
        await pilot.press("c")  # accuracy curves
        seen.append(non_rgb_styles(app.train_pane.curves))
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l", "s")  # the lab's panes while training, then every tab
        await settle(pilot)
        assert app.trainer.snapshot.state == State.FINISHED
        app.poll()
        await pilot.pause()
        panes = [pane for pane in app.query(StripPane) if pane.size.width]  # the lab tab
        for key in ("a", "v"):  # activations, then compare
            await pilot.press(key)
            await pilot.pause()
            panes += [pane for pane in app.query(StripPane) if pane.size.width]
        await wait_until(lambda: app.comparer.view.state == CompareState.DONE)
        app.poll()
        await pilot.pause()
        panes += [pane for pane in app.query(StripPane) if pane.size.width]
        assert {type(pane).__name__ for pane in panes} >= {  # the train tab's were seen above
            "StatusLine", "NormsPlot", "FunctionPlot", "CompareCurves", "BoundaryMap"}
        seen += [non_rgb_styles(pane) for pane in panes]
    assert all(not styles for styles in seen), seen


async def test_no_color_draws_every_tab_in_monochrome(monkeypatch) -> None:
    """NO_COLOR turns on Textual's monochrome filter, which fails on a segment
    without a style: every pane, in every tab, after a run, must draw."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        filters = app.train_pane.boundary.get_line_filters()
        assert any(isinstance(f, Monochrome) for f in filters)
        assert not any(isinstance(f, ANSIToTruecolor) for f in filters)
        await pilot.press("s")
        await settle(pilot)
        for key in ("c", "a", "l", "v", "a"):  # curves mode, then each tab in turn
            await pilot.press(key)
            await pilot.pause()
        assert app.trainer.snapshot.state == State.FINISHED
