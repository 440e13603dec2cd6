"""A plot drawn through the Line API: the figure is built once per change
into Strips (by plotext, through ``adapter.Plotter``), not re-encoded and
re-parsed on every repaint."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from tui_mlp.app.adapter import Plotter
from tui_mlp.app.widgets.lines import PAD, StripPane
from tui_mlp.render.plot import RGB, Chart, legend_corner


class StripPlot(StripPane):
    """Subclasses describe their plot in ``draw`` and call ``replot``; ``draw``
    returns lines of text instead when there is nothing to plot yet.

    The plot takes the app theme's surface for its canvas and its foreground
    for axes and labels. Lower than ``LEGEND_INSIDE_FROM`` rows, the legend
    takes the bottom row, under the plot, rather than a corner that the
    curves of so small a plot would run through; so it does whenever every
    corner of the plot holds data."""

    LEGEND_INSIDE_FROM = 16

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._plotter = Plotter()
        self._colours: tuple[str, RGB, RGB] | None = None  # app theme, canvas, text

    def draw(self, chart: Chart) -> str | None:
        raise NotImplementedError

    def figure_key(self) -> tuple:
        """Whatever ``draw`` decides the figure's settings (not data) by."""
        return ()

    def replot(self) -> None:
        width, height = self.size
        if width < 1 or height < 1:
            self.show_strips([])
            return
        chart = Chart()
        empty = self.draw(chart)
        if empty is not None:
            self.show_message(empty)
            return
        _, canvas, text = self._theme_colours()
        labelled = [s for s in chart.series if s.label and s.xs]
        below = height > 2 and bool(labelled) and (
            height < self.LEGEND_INSIDE_FROM or legend_corner(chart.series, chart.ylim)[2] > 0)
        legend = legend_strip(chart, width) if below else None
        if below:
            chart.series = [replace(s, label="") for s in chart.series]
        rows = self._plotter.rows(chart, width, height - below, (*self.figure_key(), below), canvas, text)
        strips = [Strip(row) for row in rows] + ([legend] if legend is not None else [])
        self.show_strips([s if s.cell_length == width else s.crop_extend(0, width, PAD) for s in strips])

    def _theme_colours(self) -> tuple[str, RGB, RGB]:
        theme = self.app.theme
        if self._colours is None or self._colours[0] != theme:
            variables = self.app.theme_variables
            self._colours = (theme, Color.parse(variables["surface"]).rgb, Color.parse(variables["foreground"]).rgb)
        return self._colours

    def on_resize(self) -> None:
        self.replot()


def legend_strip(chart: Chart, width: int) -> Strip:
    """One row naming each labelled series by its marker and colour ("▬ train • dev"), centred."""
    segments: list[Segment] = []
    for s in chart.series:
        if s.label:
            if segments:
                segments.append(Segment(" ", PAD))
            glyph = s.marker if len(s.marker) == 1 else "▬"  # the series' own marker, as inside the plot
            segments += [Segment(f"{glyph} ", Style(color=RichColor.from_rgb(*s.colour))), Segment(s.label, PAD)]
    strip = Strip(segments)
    left = max((width - strip.cell_length) // 2, 0)
    return Strip([Segment(" " * left, PAD), *segments]).crop_extend(0, width, PAD)
