"""The base of the panes redrawn while training: a picture kept as Strips.

A pane computes its picture once per change and hands it to ``show_strips``;
``render_line`` only returns stored Strips. Two savings make a frame cheap:

- only the rows that differ from the last picture as the terminal shows them
  are repainted (and sent to the terminal): late in a run most of the map
  stands still, and in 256 or 16 colours most shades that change move less
  than one of the terminal's colours (``shown``);
- the strips hold RGB colours only, so Textual's per-line filter that turns
  ANSI colours and ``dim`` into RGB is skipped for them (it would cost about a
  quarter of the frame); any other filter (``NO_COLOR``'s monochrome,
  ``TEXTUAL_FILTERS=dim``) still applies. Use ``MUTED`` instead of ``dim``.

Every segment carries a style, padding included (``PAD``): the monochrome
filter that ``NO_COLOR`` turns on fails on a segment without one.
"""
from __future__ import annotations

import textwrap
from functools import lru_cache
from typing import Any, Hashable, Sequence

from rich.cells import cell_len
from rich.console import COLOR_SYSTEMS
from rich.segment import Segment
from rich.style import Style
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

#: Secondary text, in place of ``dim``.
MUTED = Style(color="#8a8a8a")
#: Blank cells: a style that says nothing, rather than none at all.
PAD = Style()


#: What a row is to the terminal: its text in runs of one look (``_look``).
Shown = tuple[tuple[str, Hashable], ...]


@lru_cache(maxsize=4096)
def _look(style: Style | None, color_system: str | None) -> Hashable:
    """What a terminal of ``color_system`` gets for ``style``: its colours as
    that terminal can show them (none without colour), and its attributes."""
    if style is None:
        return None
    system = COLOR_SYSTEMS[color_system] if color_system else None
    colours = [c.downgrade(system).get_ansi_codes(foreground) if c is not None and system is not None else None
               for c, foreground in ((style.color, True), (style.bgcolor, False))]
    return (*colours, style.without_color)


def shown(strip: Strip, color_system: str | None) -> Shown:
    """``strip`` as a terminal of ``color_system`` ("truecolor", "256",
    "standard", or None for no colour) shows it: two strips that differ only
    by colours the terminal draws alike, or by where a run of one style is
    cut, are shown alike."""
    runs: list[tuple[str, Hashable]] = []
    for text, style, _ in strip:
        look = _look(style, color_system)
        if runs and runs[-1][1] == look:
            runs[-1] = (runs[-1][0] + text, look)
        else:
            runs.append((text, look))
    return tuple(runs)


def retitle(widget: Widget, title: str | None = None, subtitle: str | None = None) -> None:
    """Set ``widget``'s border title and subtitle (None: leave it as it is)
    if they differ from the ones shown: setting either repaints, and sends
    to the terminal, the whole widget."""
    if title is not None and title != widget.border_title:
        widget.border_title = title
    if subtitle is not None and subtitle != widget.border_subtitle:
        widget.border_subtitle = subtitle


class StripPane(Widget):
    """A Line-API pane showing a list of Strips, one per content row."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._strips: list[Strip] = []
        self._shown: list[Shown] = []  # the strips as the terminal shows them
        self._message: str | None = None  # shown instead of a picture (kept for resizes)

    def show_strips(self, strips: list[Strip]) -> None:
        """Show ``strips``; repaint only the rows that changed."""
        self._message = None
        self._update(strips)

    def show_message(self, message: str) -> None:
        """Lines of muted text in the middle of the pane, in place of a picture,
        wrapped to the pane's width (again on every resize)."""
        self._message = message
        self._update(self._message_strips(message))

    def on_resize(self) -> None:
        if self._message is not None:
            self._update(self._message_strips(self._message))

    def _message_strips(self, message: str) -> list[Strip]:
        width, height = self.size
        if width < 1:
            return []
        lines = [Strip([Segment(text.center(width), MUTED)], width)
                 for line in message.splitlines() for text in textwrap.wrap(line, width) or [""]]
        return [Strip.blank(width, PAD)] * max((height - len(lines)) // 2, 0) + lines

    def _update(self, strips: list[Strip]) -> None:
        old, self._strips = self._strips, strips
        system = self.app.console.color_system
        before, self._shown = self._shown, [shown(strip, system) for strip in strips]
        width = self.size.width
        if len(old) != len(strips) or any(s.cell_length != width for s in (*old[:1], *strips[:1])):
            self.refresh()
            return
        spans = [(y, changed_span(a, b)) for y, (a, b) in enumerate(zip(before, self._shown)) if a != b]
        if spans:  # each row from its first changed cell to its last: a moving boundary changes few
            self.refresh(*(Region(x0, y, x1 - x0, 1) for y, (x0, x1) in spans))

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, PAD)

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [f for f in self.app.get_line_filters() if not isinstance(f, ANSIToTruecolor)]


def changed_span(a: Shown, b: Shown) -> tuple[int, int]:
    """From the first cell in which two different rows differ to past the
    last one (the whole row if their characters do not line up cell for cell)."""
    cells_a = [(char, look) for text, look in a for char in text]
    cells_b = [(char, look) for text, look in b for char in text]
    width = max(len(cells_a), len(cells_b))
    if len(cells_a) != len(cells_b) or any(cell_len(char) != 1 for char, _ in cells_b):
        return 0, width
    first = next((x for x, (p, q) in enumerate(zip(cells_a, cells_b)) if p != q), width)
    last = next((x for x in range(width - 1, first - 1, -1) if cells_a[x] != cells_b[x]), first)
    return first, last + 1
