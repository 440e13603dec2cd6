"""The epoch log: the lines ``tui-mlp train`` prints, bounded, following the
end unless the user has scrolled up.

A Line-API widget over a bounded deque rather than textual's Log: Log
resizes its virtual area on every write, which forces a layout of the whole
screen (and starts a thread per write to measure widths); here a write only
repaints the pane.
"""
from __future__ import annotations

import textwrap
from collections import deque
from typing import Any, Iterable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.strip import Strip

from tui_mlp.app.widgets.lines import StripPane, retitle
from tui_mlp.config import LOG_LINES

STYLES = {
    "[Train]": Style(),
    "[Evaluate]": Style(color="#7fbf7f"),
    "[Test]": Style(bold=True, color="#ffd08a"),
    "[Error]": Style(bold=True, color="#ff6060"),
}
PLAIN = Style(color="#b0b0b0")
HINT = Style(color="#b0b0b0", italic=True)


def style_of(line: str) -> Style:
    return STYLES.get(line[:line.find("]") + 1], PLAIN)


#: The log's keys, listed together in the footer while it has the focus.
SCROLL = Binding.Group("scroll")


class TrainLog(StripPane, can_focus=True):
    """Newest line at the bottom; the wheel or the keys (while focused) scroll
    back, End (or scrolling to the bottom) follows the end again. The border
    says which lines show, of how many."""

    DEFAULT_CSS = "TrainLog { height: 1fr; }"
    BINDINGS = [
        Binding("up", "scroll(1)", "line up", group=SCROLL),
        Binding("down", "scroll(-1)", "line down", group=SCROLL),
        Binding("pageup", "page(1)", "page up", group=SCROLL),
        Binding("pagedown", "page(-1)", "page down", group=SCROLL),
        Binding("home", "top", "first line", group=SCROLL),
        Binding("end", "follow", "last line, then follow the end", group=SCROLL),
    ]

    def __init__(self, max_lines: int = LOG_LINES, placeholder: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.placeholder = placeholder  # shown, wrapped, while no line has been written
        self._lines: deque[tuple[str, Style]] = deque(maxlen=max_lines)
        self.offset_from_end = 0  # 0: following the end

    @property
    def lines(self) -> list[str]:
        return [text for text, _ in self._lines]

    def write_lines(self, lines: Iterable[str]) -> None:
        new = [(line, style_of(line)) for line in lines]
        self._lines.extend(new)
        if self.offset_from_end:  # held in place: the view does not move
            self._scroll_from_end(self.offset_from_end + len(new))
        else:
            self._changed()

    def set_placeholder(self, text: str) -> None:
        """Replace the text shown while no line has been written (repainted if it shows)."""
        if text != self.placeholder:
            self.placeholder = text
            if not self._lines:
                self._changed()

    def clear(self) -> None:
        self._lines.clear()
        self._scroll_from_end(0)

    def _changed(self) -> None:
        retitle(self, subtitle=self.position())
        self.show_strips(self._visible())

    def position(self) -> str:
        """Which lines show, of how many ("lines 3-9/40"), and whether the end is followed."""
        total = len(self._lines)
        if total <= self.size.height:
            return f"{total} lines" if total else ""
        last = total - self.offset_from_end
        first = max(last - self.size.height, 0) + 1
        where = f"lines {first}-{last}/{total}"
        return f"{where} (end: follow)" if self.offset_from_end else where

    def on_resize(self) -> None:
        self._changed()

    def _scroll_from_end(self, offset: int) -> None:
        top = max(len(self._lines) - self.size.height, 0)
        self.offset_from_end = max(0, min(offset, top))
        self._changed()

    def action_scroll(self, lines: int) -> None:
        self._scroll_from_end(self.offset_from_end + lines)

    def action_page(self, pages: int) -> None:
        self._scroll_from_end(self.offset_from_end + pages * max(self.size.height - 1, 1))

    def action_top(self) -> None:
        self._scroll_from_end(len(self._lines))

    def action_follow(self) -> None:
        self._scroll_from_end(0)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.action_scroll(3)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.action_scroll(-3)

    def _visible(self) -> list[Strip]:
        width, height = self.size
        if not self._lines:
            return [Strip([Segment(line, HINT)]).extend_cell_length(width, HINT)
                    for line in textwrap.wrap(self.placeholder, max(width - 1, 1))[:height]]
        start = max(len(self._lines) - height - self.offset_from_end, 0)
        strips = []
        for index in range(start, min(start + height, len(self._lines))):
            text, style = self._lines[index]
            if len(text) > width:
                text = text[:max(width - 1, 0)] + "…"
            strips.append(Strip([Segment(text, style)]).extend_cell_length(width, style))
        return strips
