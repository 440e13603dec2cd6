"""The lab tab's widgets: a pane of rich Text, and the gradient norms per
layer over the last epochs."""
from __future__ import annotations

import math
from typing import Any

from rich.text import Text
from textual.widget import Widget

from tui_mlp.app.engine import render_diagnostics
from tui_mlp.app.widgets.curves import epoch_axis
from tui_mlp.app.widgets.palette import app_palette
from tui_mlp.app.widgets.plot import StripPlot
from tui_mlp.render.curves import decimate
from tui_mlp.render.plot import MARKERS, Chart

#: Points per layer in the norms plot: plotext's cost grows with them, and a
#: trend over the last epochs needs no more.
NORMS_POINTS = 48


class TextView(Widget):
    """A pane showing one rich Text, rebuilt by its owner only when the data changed."""

    DEFAULT_CSS = "TextView { height: 1fr; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text = Text()

    def set_text(self, text: Text, layout: bool = True) -> None:
        """``layout=False`` when the height cannot change (the same number of
        unwrapped lines): a layout of the screen costs more than the pane."""
        self.text = text
        self.refresh(layout=layout)

    def render(self) -> Text:
        return self.text


class NormsPlot(StripPlot):
    """Each layer's gradient norm over the last epochs, all on one log scale:
    layers orders of magnitude apart (4.4.2) are lines decades apart, and a
    layer whose gradient is zero (4.4.3) lies on the floor (1e-12, marked 0); an
    infinite norm is drawn at the top and a NaN leaves a gap."""

    #: Rows below which the plot would say nothing: a hint instead.
    MIN_HEIGHT = 8

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._norms: tuple[tuple[float, ...], ...] = ()
        self._layers: tuple[str, ...] = ()
        self._last_epoch = 0

    def show(self, norms: tuple[tuple[float, ...], ...], layers: tuple[str, ...], last_epoch: int) -> None:
        """``norms`` per epoch (per layer), the last of them at ``last_epoch``."""
        self._norms, self._layers, self._last_epoch = norms, layers, last_epoch
        self.replot()

    def draw(self, chart: Chart) -> str | None:
        if not self._norms:
            return "gradient norms per layer appear here\nwhile training with this tab open"
        if self.size.height < self.MIN_HEIGHT:
            return "a taller terminal shows each layer's norm over the last epochs here"
        floor = math.log10(render_diagnostics.MAGNITUDE_FLOOR)
        xs = list(range(self._last_epoch - len(self._norms) + 1, self._last_epoch + 1))
        layers = [[(x, math.inf if v == math.inf else max(math.log10(v), floor) if v > 0 else floor)
                   for x, v in zip(xs, series) if not math.isnan(v)] for series in zip(*self._norms)]
        finite = [y for points in layers for _, y in points if y != math.inf] or [floor]
        first = math.floor(min(finite))
        last = max(math.ceil(max(finite)), first + 1)
        colours = app_palette(self.app).layers
        for i, points in enumerate(layers):
            if not points:
                continue
            name = self._layers[i] if i < len(self._layers) else f"fc{i + 1}"
            # points, not lines (half the cost), and at most NORMS_POINTS of them
            xs_i, ys_i = decimate([x for x, _ in points], [min(y, last) for _, y in points], NORMS_POINTS)
            # a marker and a colour per layer: the pair tells each of the first 12 apart in any colour system
            chart.points(xs_i, ys_i, name, colours[i % len(colours)], MARKERS[i % len(MARKERS)])
        step = max(1, math.ceil((last - first) / max(self.size.height // 3, 1)))
        decades = list(range(first, last + 1, step))
        chart.ylim = (first, last)
        zero = any(v == 0 for norms in self._norms for v in norms)
        chart.yticks = (decades, ["0" if zero and d == floor else f"1e{d}" for d in decades])
        epoch_axis(chart, xs[0], xs[-1], self.size.width, self.size.height >= 12)
        return None
