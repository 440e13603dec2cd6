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
    "[Warning]": Style(color="#ffd08a"),
}
PLAIN = Style(color="#b0b0b0")
#: The notices: wrapped to the log's width rather than cut.
WRAPPED = ("[Error]", "[Warning]", "[Note]")
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
        self._first_shown = 1  # the number of the top line shown

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
        strips = self._visible()  # first: it finds the top line shown, which the title names
        retitle(self, subtitle=self.position())
        self.show_strips(strips)

    def position(self) -> str:
        """Which lines show, of how many ("lines 3-9/40"), and whether the end is followed."""
        total = len(self._lines)
        last = total - self.offset_from_end
        if self._first_shown == 1 and last == total:
            return f"{total} lines" if total else ""
        where = f"lines {self._first_shown}-{last}/{total}"
        return f"{where} (end: follow)" if self.offset_from_end else where

    def on_resize(self) -> None:
        self._changed()

    def _scroll_from_end(self, offset: int) -> None:
        self.offset_from_end = max(0, min(offset, self._top_offset()))
        self._changed()

    def _top_offset(self) -> int:
        """The offset from the end at which the first line shows at the top."""
        width, height = self.size
        rows = fit = 0
        for text, style in self._lines:
            rows += len(self._rows(text, style, width))
            if rows > height:
                break
            fit += 1
        return len(self._lines) - fit

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
        index = len(self._lines) - self.offset_from_end
        strips: list[Strip] = []
        while index > 0 and len(strips) < height:  # from the last line shown up
            index -= 1
            strips[:0] = self._rows(*self._lines[index], width)
        self._first_shown = index + 1 + (len(strips) > height)  # a line cut at the top: the next
        return strips[-height:] if height else []

    @staticmethod
    def _rows(text: str, style: Style, width: int) -> list[Strip]:
        """One line's rows: a notice wrapped (it is there to be read whole), any
        other line (an epoch's figures) cut to one row."""
        if len(text) <= width or width < 2:
            rows = [text]
        elif text.startswith(WRAPPED):
            rows = textwrap.wrap(text, width, subsequent_indent="  ")
        else:
            rows = [text[:width - 1] + "…"]
        return [Strip([Segment(row, style)]).extend_cell_length(width, style) for row in rows]
