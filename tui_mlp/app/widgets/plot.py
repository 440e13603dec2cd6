"""A textual-plotext plot drawn through the Line API: the figure is built
once per change into Strips (``render.plot``), not re-encoded and re-parsed
on every repaint."""
from __future__ import annotations

from textual.strip import Strip
from textual_plotext import PlotextPlot

from tui_mlp.app.widgets.lines import PAD, StripPane
from tui_mlp.render.plot import matrix_rows


class StripPlot(StripPane, PlotextPlot):
    """Subclasses fill ``self.plt`` in ``draw`` and call ``replot``; ``draw``
    returns lines of text instead when there is nothing to plot yet.

    A new figure (axes, labels, limits) is set up only when its size or
    ``figure_key`` changed; otherwise only the data is replaced,
    which spares plotext rebuilding the whole figure on every redraw."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._figure: tuple | None = None

    def draw(self) -> str | None:
        raise NotImplementedError

    def figure_key(self) -> tuple:
        """Whatever ``draw`` decides the figure's settings (not data) by."""
        return ()

    def replot(self) -> None:
        width, height = self.size
        plt = self.plt
        figure = (width, height, self.figure_key())
        if figure == self._figure:
            plt.clear_data()
        else:
            plt.clear_figure()
            self._figure = figure
        if width < 1 or height < 1:
            self.show_strips([])
            return
        empty = self.draw()
        if empty is not None:
            self.show_message(empty)
            return
        plt.plotsize(width, height)
        plt._set_size(width, height)  # as PlotextPlot.render does
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        plt._set_sizes()
        plt._build_matrix()
        m = plt.monitor.matrix
        strips = [Strip(row) for row in matrix_rows(m.marker, m.fullground, m.style, m.background)]
        self.show_strips([s if s.cell_length == width else s.crop_extend(0, width, PAD) for s in strips])

    def on_resize(self) -> None:
        self.replot()
