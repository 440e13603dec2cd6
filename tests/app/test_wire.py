"""Light on the wire: a pane repaints (and so sends to the terminal) only the
cells whose picture changed as the terminal shows it, and a border title set
to what it already says repaints nothing."""
from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip

from tui_mlp.app import TrainerApp
from tui_mlp.app.widgets.lines import StripPane, changed_span, retitle, shown

from .helpers import SIZE, SMALL, started

BLUE, BLUE_ONE_UP, RED = "#1e50a0", "#1f50a0", "#c03020"  # the first two: one 256-colour index


def strip(*cells: tuple[str, str]) -> Strip:
    """One segment per (text, background colour)."""
    return Strip([Segment(text, Style(color="#ffffff", bgcolor=colour)) for text, colour in cells])


def test_a_colour_change_the_terminal_cannot_show_is_no_change() -> None:
    a, b = strip(("▀▀", BLUE)), strip(("▀▀", BLUE_ONE_UP))
    assert shown(a, "256") == shown(b, "256")
    assert shown(a, "standard") == shown(b, "standard")
    assert shown(a, "truecolor") != shown(b, "truecolor")
    assert shown(a, "256") != shown(strip(("▀▀", RED)), "256")


def test_where_a_run_of_one_style_is_cut_is_no_change() -> None:
    assert shown(strip(("▀", BLUE), ("▀", BLUE_ONE_UP)), "256") == shown(strip(("▀▀", BLUE)), "256")


def test_the_changed_span_runs_from_the_first_changed_cell_to_the_last() -> None:
    old = shown(strip(("▀" * 10, BLUE)), "256")
    new = shown(strip(("▀" * 4, BLUE), ("▀▀", RED), ("▀", BLUE), ("▀", RED), ("▀▀", BLUE)), "256")
    assert changed_span(old, new) == (4, 8)
    assert changed_span(old, shown(strip(("▀" * 9, BLUE)), "256")) == (0, 10)  # cells do not line up


class SpyPane(StripPane):
    """Records the regions it is asked to repaint (None: all of it)."""

    def __init__(self) -> None:
        super().__init__()
        self.repaints: list[Region | None] = []

    def refresh(self, *regions: Region, **kwargs) -> "SpyPane":
        self.repaints += list(regions) or [None]
        return super().refresh(*regions, **kwargs)


class SpyApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SpyPane()


def picture(width: int, colour: str, changed: str | None = None) -> list[Strip]:
    """Four rows of ``colour``; row 2 has cells 3 and 4 in ``changed``."""
    rows = [strip(("▀" * width, colour)) for _ in range(4)]
    if changed is not None:
        rows[2] = strip(("▀" * 3, colour), ("▀▀", changed), ("▀" * (width - 5), colour))
    return rows


@pytest.mark.parametrize("system", ["256", "standard"])
async def test_a_picture_changed_invisibly_is_not_repainted_and_a_visible_change_only_where_it_is(
        colour_system, system) -> None:
    colour_system(system)
    app = SpyApp()
    async with app.run_test(size=(20, 6)) as pilot:
        pane = app.query_one(SpyPane)
        width = pane.size.width
        pane.show_strips(picture(width, BLUE))
        await pilot.pause()
        pane.repaints.clear()
        pane.show_strips(picture(width, BLUE_ONE_UP))  # every cell a shade the terminal cannot show
        await pilot.pause()
        assert pane.repaints == []
        pane.show_strips(picture(width, BLUE_ONE_UP, changed=RED))
        await pilot.pause()
        assert pane.repaints == [Region(3, 2, 2, 1)]


async def test_in_truecolor_every_shade_is_visible(colour_system) -> None:
    app = SpyApp()
    async with app.run_test(size=(20, 6)) as pilot:
        pane = app.query_one(SpyPane)
        pane.show_strips(picture(pane.size.width, BLUE))
        await pilot.pause()
        pane.repaints.clear()
        pane.show_strips(picture(pane.size.width, BLUE_ONE_UP))
        await pilot.pause()
        assert len(pane.repaints) == 4


async def test_a_border_title_set_to_what_it_says_repaints_nothing() -> None:
    app = SpyApp()
    async with app.run_test(size=(20, 6)) as pilot:
        pane = app.query_one(SpyPane)
        retitle(pane, "map", "x1 -1..1")
        await pilot.pause()
        pane.repaints.clear()
        retitle(pane, "map", "x1 -1..1")
        assert pane.repaints == []
        retitle(pane, subtitle="x1 -2..2")
        assert pane.repaints == [None] and (pane.border_title, pane.border_subtitle) == ("map", "x1 -2..2")


async def test_the_map_redrawn_with_the_same_weights_sends_nothing(monkeypatch) -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        boundary, snap = app.train_pane.boundary, app.trainer.snapshot
        repaints: list[tuple] = []
        real = boundary.refresh
        monkeypatch.setattr(boundary, "refresh", lambda *regions, **kw: repaints.append(regions) or real(*regions,
                                                                                                           **kw))
        boundary.show(snap.params, snap.config.model.activation)
        await pilot.pause()
        assert repaints == []
