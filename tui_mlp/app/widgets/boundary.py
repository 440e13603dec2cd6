"""The decision-boundary map, drawn through the Line API.

The picture is computed once per new snapshot (``render.boundary.draw``: one
forward pass, one ``.tolist()``) and kept as a list of Strips;
``render_line`` only hands them out, so scrolling, tab switches and other
panes' refreshes cost nothing here.
"""
from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip

from tui_mlp.app.widgets.lines import StripPane
from tui_mlp.config import PLANE
from tui_mlp.render.boundary import GLYPHS, POINT, WRONG_BG, Bounds, Layout, Points, draw

LEGEND_STYLE = Style(color="#c0c0c0")


class BoundaryMap(StripPane):
    """Half-block map of P(class 1) with the data on top; the last row is the
    legend, the border's subtitle the axis ranges."""

    DEFAULT_CSS = "BoundaryMap { width: 1fr; height: 1fr; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._params: dict | None = None
        self._activation = "logistic"
        self._features = PLANE
        self._points: Points | None = None
        self._bounds: Bounds | None = None
        self._layout: Layout | None = None  # for the current data and size
        self._drawn_size = Size(0, 0)
        self.misclassified = 0
        self.point_count = 0

    def set_data(self, train: tuple, dev: tuple, test: tuple) -> None:
        """New data sets: the axes follow them."""
        self._points = Points.of(train, dev, test)
        self._bounds = b = Bounds.of(self._points.X)
        self._layout = None
        self.point_count = int(self._points.X.shape[0])
        self.border_subtitle = f"x1 {b.x0:.1f}..{b.x1:.1f}  x2 {b.y0:.1f}..{b.y1:.1f}"

    def show(self, params: dict, activation: str, features: tuple[str, ...] = PLANE) -> None:
        """Redraw the map for these weights (copies, never the live model) of
        a network on these input features."""
        if features != self._features:
            self._features, self._layout = features, None
        self._params, self._activation = params, activation
        self._redraw()

    def clear(self, message: str) -> None:
        """No map (the weights it showed are gone): ``message`` in the middle."""
        self._params = None
        self.show_message(message)

    def on_resize(self) -> None:
        if self._params is not None and self.size != self._drawn_size:
            self._redraw()

    def _redraw(self) -> None:
        width, height = self.size
        if self._params is None or self._bounds is None or width < 1 or height < 2:
            return
        layout = self._layout
        if layout is None or (layout.width, layout.height) != (width, height - 1):
            self._layout = layout = Layout.of(self._bounds, width, height - 1, self._points,
                                                    self._features)
        rows, self.misclassified = draw(self._params, self._activation, layout)
        self._drawn_size = self.size
        self.show_strips([*(Strip(row, width) for row in rows), self._legend(width)])

    def _legend(self, width: int) -> Strip:
        glyph = Style(color=POINT[0], bold=True)
        segments = []
        for kind in ("train", "dev", "test"):
            segments += [Segment(GLYPHS[kind], glyph), Segment(f"{kind} ", LEGEND_STYLE)]
        segments += [Segment(GLYPHS["train"], Style(color=POINT[1], bgcolor=WRONG_BG, bold=True)),
                     Segment(f"wrong {self.misclassified}", LEGEND_STYLE)]
        return Strip(segments).crop_extend(0, width, LEGEND_STYLE)
