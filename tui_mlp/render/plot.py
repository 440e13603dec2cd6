"""A plot as data (``Chart``), and a plotted picture as rows of rich Segments.

A plot widget describes what it shows in a ``Chart``: series, ticks, limits,
labels. Drawing it is plotext's job (``tui_mlp.app.adapter`` hands the chart
to the installed plotext), and what plotext draws becomes Segments here,
without going through rich's general ANSI decoder:

- ``cell_rows``: from matrices of characters, colours and styles, one entry
  per cell, with runs of equal style merged;
- ``ansi_rows``: from lines of text coloured with SGR codes, each distinct
  code decoded once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

RGB = tuple[int, int, int]
#: plotext markers, one per series of a plot in this order: quarter blocks for
#: the first, then characters, so that series differ without colour too.
MARKERS = ("hd", "•", "x", "+", "o", "*")
#: The markers of vertical marks on a plot (the timeline's epoch, the lowest
#: dev loss), apart from every series' and each other's.
MARK, LOWEST_MARK = "│", "┊"


@dataclass(frozen=True)
class Series:
    """One curve: points joined by lines, or points alone, drawn with ``marker``
    (one of ``MARKERS``)."""

    xs: Sequence[float]
    ys: Sequence[float]
    label: str
    colour: RGB
    lines: bool
    marker: str = MARKERS[0]


@dataclass
class Chart:
    """Everything one plot shows, in the order a widget declares it."""

    series: list[Series] = field(default_factory=list)
    xticks: tuple[Sequence[float], Sequence[str]] | None = None
    yticks: tuple[Sequence[float], Sequence[str]] | None = None
    ylim: tuple[float, float] | None = None
    xlabel: str = ""
    title: str = ""

    def line(self, xs: Sequence[float], ys: Sequence[float], label: str, colour: RGB,
             marker: str = MARKERS[0]) -> None:
        self.series.append(Series(xs, ys, label, colour, True, marker))

    def points(self, xs: Sequence[float], ys: Sequence[float], label: str, colour: RGB,
               marker: str = MARKERS[0]) -> None:
        self.series.append(Series(xs, ys, label, colour, False, marker))


def cell_rows(marker: Sequence[Sequence[str]], fullground: Sequence[Sequence[Any]],
              style: Sequence[Sequence[Any]], background: Sequence[Sequence[Any]],
              style_of: Callable[[Any, Any, Any], Style]) -> list[list[Segment]]:
    """Rows of Segments from per-cell matrices whose row 0 is the bottom one
    (top row first); ``style_of(fg, style, bg)`` is asked once per distinct cell look."""
    cache: dict[tuple, Style] = {}
    rows = []
    for r in reversed(range(len(marker))):
        segments: list[Segment] = []
        text: list[str] = []
        key: tuple = ()
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


_SGR = re.compile(r"\x1b\[([0-9;]*)m")
#: Styles of the SGR codes met so far (a plot uses a handful, again and again).
_SGR_STYLES: dict[tuple[str, ...], Style] = {}


def ansi_rows(text: str) -> list[list[Segment]]:
    """Rows of Segments from lines (each ended or separated by a newline)
    coloured with SGR codes (``\\x1b[...m``), where a reset (``0``) drops the
    codes before it; every segment has a style."""
    rows = []
    for line in text.removesuffix("\n").split("\n"):
        segments: list[Segment] = []
        codes: tuple[str, ...] = ()
        for i, part in enumerate(_SGR.split(line)):
            if i % 2:
                codes = () if part in ("", "0") else (*codes, part)
            elif part:
                segments.append(Segment(part, _SGR_STYLES.get(codes) or _sgr_style(codes)))
        rows.append(segments)
    return rows


def _sgr_style(codes: tuple[str, ...]) -> Style:
    """The style of a run of SGR codes, as rich reads them."""
    spans = Text.from_ansi("".join(f"\x1b[{code}m" for code in codes) + " ").spans
    style = Style.combine(span.style for span in spans if isinstance(span.style, Style)) if spans else Style()
    return _SGR_STYLES.setdefault(codes, style)


#: The share of a plot's width and height its legend covers, near enough to
#: choose the corner with the least data under it.
LEGEND_WIDTH, LEGEND_HEIGHT = 0.45, 0.4


def legend_corner(series: Sequence[Series], ylim: tuple[float, float] | None = None) -> tuple[str, str, int]:
    """(``"left"`` or ``"right"``, ``"top"`` or ``"bottom"``, points covered):
    the corner of the plot where the legend hides the fewest data points (top
    right on a tie, then bottom right, top left, bottom left)."""
    points = [(x, y) for s in series for x, y in zip(s.xs, s.ys)]
    x0, x1 = min(x for x, _ in points), max(x for x, _ in points)
    low, high = ylim if ylim is not None else (min(y for _, y in points), max(y for _, y in points))

    def covered(ha: str, va: str) -> int:
        def inside(x: float, y: float) -> bool:
            across = (x - x0) / (x1 - x0) if x1 > x0 else 0.5
            up = (y - low) / (high - low) if high > low else 0.5
            return (across >= 1 - LEGEND_WIDTH if ha == "right" else across <= LEGEND_WIDTH) and \
                (up >= 1 - LEGEND_HEIGHT if va == "top" else up <= LEGEND_HEIGHT)
        return sum(inside(x, y) for x, y in points)

    corners = [("right", "top"), ("right", "bottom"), ("left", "top"), ("left", "bottom")]
    counts = {corner: covered(*corner) for corner in corners}
    ha, va = min(corners, key=lambda corner: (counts[corner], corners.index(corner)))
    return ha, va, counts[(ha, va)]
