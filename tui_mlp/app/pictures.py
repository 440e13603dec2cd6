"""Screenshots as a terminal of another colour system shows them: Textual's
SVG export is always in 24-bit colour."""
from __future__ import annotations

import re

from rich.color import Color, ColorSystem

_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def in_16_colours(svg: str) -> str:
    """``svg`` with each colour replaced by the one of the 16 a 16-colour
    terminal shows for it (rich's match)."""
    def nearest(match: re.Match[str]) -> str:
        return Color.parse(match.group()).downgrade(ColorSystem.STANDARD).get_truecolor().hex
    return _HEX.sub(nearest, svg)
