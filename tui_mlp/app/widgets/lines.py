"""The base of the panes redrawn while training: a picture kept as Strips.

A pane computes its picture once per change and hands it to ``show_strips``;
``render_line`` only returns stored Strips. Two savings make a frame cheap:

- only the rows that differ from the last picture are repainted (and sent
  to the terminal): late in a run most of the map stands still;
- the strips hold RGB colours only, so Textual's per-line filter that turns
  ANSI colours and ``dim`` into RGB is skipped for them (it would cost about a
  quarter of the frame); any other filter (``NO_COLOR``'s monochrome,
  ``TEXTUAL_FILTERS=dim``) still applies. Use ``MUTED`` instead of ``dim``.

Every segment carries a style, padding included (``PAD``): the monochrome
filter that ``NO_COLOR`` turns on fails on a segment without one.
"""
from __future__ import annotations

import textwrap
from typing import Any, Sequence

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


class StripPane(Widget):
    """A Line-API pane showing a list of Strips, one per content row."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._strips: list[Strip] = []
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
        width = self.size.width
        if len(old) != len(strips) or any(s.cell_length != width for s in (*old[:1], *strips[:1])):
            self.refresh()
            return
        changed = [y for y, (a, b) in enumerate(zip(old, strips)) if a != b]
        if len(changed) > len(strips) // 2:  # one region is cheaper than many
            self.refresh()
        elif changed:
            self.refresh(*(Region(0, start, width, end - start) for start, end in _runs(changed)))

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, PAD)

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [f for f in self.app.get_line_filters() if not isinstance(f, ANSIToTruecolor)]


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as [start, end) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for y in rows:
        if runs and runs[-1][1] == y:
            runs[-1] = (runs[-1][0], y + 1)
        else:
            runs.append((y, y + 1))
    return runs
