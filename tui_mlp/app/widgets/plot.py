"""A textual-plotext plot drawn through the Line API: the figure is built
once per change into Strips (``render.plot``), not re-encoded and re-parsed
on every repaint."""
from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual_plotext import PlotextPlot

from tui_mlp.render.plot import matrix_rows


class StripPlot(PlotextPlot):
    """Subclasses fill ``self.plt`` in ``draw`` and call ``replot``; ``draw``
    returns lines of text instead when there is nothing to plot yet."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._strips: list[Strip] = []

    def draw(self) -> str | None:
        raise NotImplementedError

    def replot(self) -> None:
        width, height = self.size
        plt = self.plt
        plt.clear_figure()
        if width < 1 or height < 1:
            self._strips = []
            return
        empty = self.draw()
        if empty is not None:
            lines = [Strip([Segment(text.center(width)[:width], Style(dim=True))], width)
                     for text in empty.splitlines()]
            self._strips = [Strip.blank(width)] * ((height - len(lines)) // 2) + lines
            self.refresh()
            return
        plt.plotsize(width, height)
        plt._set_size(width, height)  # as PlotextPlot.render does
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        plt._set_sizes()
        plt._build_matrix()
        m = plt.monitor.matrix
        self._strips = [Strip(row).crop_extend(0, width, None)
                        for row in matrix_rows(m.marker, m.fullground, m.style, m.background)]
        self.refresh()

    def on_resize(self) -> None:
        self.replot()

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width)
