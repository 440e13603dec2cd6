"""A built plotext figure -> rows of rich Segments, without the detour
through an ANSI string.

plotext draws into matrices (character, foreground, style, background per
cell) and then encodes them as ANSI text, which a widget would decode again:
for a small plot that round trip costs more than the drawing itself. Here
the matrices become Segments directly, runs of equal colours merged.
"""
from __future__ import annotations

from typing import Any, Sequence

from plotext._dict import color_codes, no_color
from rich.color import Color
from rich.segment import Segment
from rich.style import Style

_STYLES = {"bold": "bold", "dim": "dim", "italic": "italic", "underline": "underline",
           "double-underline": "underline2", "strike": "strike", "inverted": "reverse",
           "flash": "blink"}


def colour(value: Any) -> Color | None:
    """plotext's colour (a name, a 256-colour code or an RGB triple) as rich's."""
    if value is None or value == no_color:
        return None
    if isinstance(value, str):
        code = color_codes.get(value.strip())
        return None if code is None else Color.from_ansi(code)
    if isinstance(value, int):
        return Color.from_ansi(value)
    if isinstance(value, (tuple, list)) and len(value) == 3:
        return Color.from_rgb(*value)
    return None


def style_of(fg: Any, text_style: Any, bg: Any) -> Style:
    words = str(text_style).split() if text_style and text_style != no_color else []
    return Style.combine([Style(color=colour(fg), bgcolor=colour(bg)),
                          *(Style.parse(_STYLES[w]) for w in words if w in _STYLES)])


def matrix_rows(marker: Sequence[Sequence[str]], fullground: Sequence[Sequence[Any]],
                style: Sequence[Sequence[Any]], background: Sequence[Sequence[Any]]
                ) -> list[list[Segment]]:
    """Rows of Segments, top row first (plotext's row 0 is the bottom)."""
    cache: dict[tuple, Style] = {}
    rows = []
    for r in reversed(range(len(marker))):
        segments: list[Segment] = []
        text: list[str] = []
        key = None
        for char, fg, st, bg in zip(marker[r], fullground[r], style[r], background[r]):
            new = (fg if fg.__class__ is not list else tuple(fg), st,
                   bg if bg.__class__ is not list else tuple(bg))
            if new != key and text:
                segments.append(Segment("".join(text), cache.get(key) or cache.setdefault(key, style_of(*key))))
                text = []
            key = new
            text.append(char)
        if text:
            segments.append(Segment("".join(text), cache.get(key) or cache.setdefault(key, style_of(*key))))
        rows.append(segments)
    return rows
