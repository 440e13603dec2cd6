"""The decision-boundary map, drawn through the Line API.

The picture is computed once per new snapshot (``render.boundary.draw``: one
forward pass, one ``.tolist()``) and kept as a list of Strips;
``render_line`` only hands them out, so scrolling, tab switches and other
panes' refreshes cost nothing here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip

from tui_mlp.app.engine import nn, render_boundary
from tui_mlp.app.widgets.lines import StripPane, retitle
from tui_mlp.app.widgets.palette import app_palette
from tui_mlp.config import MAP_POINTS, PLANE

if TYPE_CHECKING:
    from tui_mlp.nn import Head
    from tui_mlp.render.boundary import Bounds, Layout, Points


class BoundaryMap(StripPane):
    """Half-block map of P(class 1) (or of a regression's predicted value)
    with the data on top; the last row is the legend, the border's subtitle the axis ranges. ``choice`` (one of
    ``MAP_POINTS``) is which points it shows; ``title`` says it, and how many
    of them when they are thinned, and so does the border's title after
    ``heading`` if one is set."""

    DEFAULT_CSS = "BoundaryMap { width: 1fr; height: 1fr; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._params: dict | None = None
        self._activation = "logistic"
        self._features = PLANE
        self._head: Head | None = None  # the book's, once torch has loaded
        self._points: Points | None = None
        self._bounds: Bounds | None = None
        self._layout: Layout | None = None  # for the current data and size
        self._drawn_size = Size(0, 0)
        self.misclassified = 0  # of the ``counted`` points the legend's count is over
        self.counted = 0
        self.point_count = 0
        self.choice = next(iter(MAP_POINTS))
        self.title = ""
        self.heading = ""

    def set_data(self, train: tuple, dev: tuple, test: tuple) -> None:
        """New data sets: the axes follow them."""
        import torch  # loaded by now: data sets come from the session

        self._points = render_boundary.Points.of(train, dev, test)  # an even sample of a big data set
        everything = torch.cat([train[0], dev[0], test[0]])
        self._bounds = b = render_boundary.Bounds.of(everything)  # the axes span all of the data
        self._layout = None
        self.point_count = int(everything.shape[0])
        self.border_subtitle = f"x1 {b.x0:.1f}..{b.x1:.1f}  x2 {b.y0:.1f}..{b.y1:.1f}"

    def show(self, params: dict, activation: str, features: tuple[str, ...] = PLANE,
             head: Head | None = None) -> None:
        """Redraw the map for these weights (copies, never the live model) of
        a network on these input features with this output ``head`` (None: the book's)."""
        head = head or nn.BOOK_HEAD
        if (features, head) != (self._features, self._head):
            self._features, self._head, self._layout = features, head, None
            if self.choice not in render_boundary.point_choices(head):
                self.choice = next(iter(MAP_POINTS))
        self._params, self._activation = params, activation
        self._redraw()

    def clear(self, message: str) -> None:
        """No map (the weights it showed are gone): ``message`` in the middle."""
        self._params = None
        self.show_message(message)

    def cycle_points(self) -> None:
        """Show the next choice of ``MAP_POINTS``."""
        choices = render_boundary.point_choices(self._head or nn.BOOK_HEAD)
        self.choice = choices[(choices.index(self.choice) + 1) % len(choices)]
        self._redraw()

    def on_resize(self) -> None:
        if self._params is not None and self.size != self._drawn_size:
            self._redraw()

    def _redraw(self) -> None:
        width, height = self.size
        if self._params is None or self._bounds is None or width < 1 or height < 2:
            return
        layout = self._layout
        if layout is None or (layout.width, layout.height) != (width, height - 1):
            self._layout = layout = render_boundary.Layout.of(self._bounds, width, height - 1, self._points,
                                                              self._features, self._head or nn.BOOK_HEAD)
        palette = app_palette(self.app)
        rows, self.misclassified = render_boundary.draw(self._params, self._activation, layout, palette, self.choice)
        self.counted = int(render_boundary.counted(self.choice, layout.points).sum()) \
            if layout.points is not None else 0
        stride = layout.stride(self.choice)
        self.title = MAP_POINTS[self.choice] + (f", 1 in {stride} shown" if stride > 1 else "")
        if self.heading:
            retitle(self, f"{self.heading}: {self.title} (d)")
        self._drawn_size = self.size
        self.show_strips([*(Strip(row, width) for row in rows), self._legend(width, layout)])

    def wrong_text(self) -> str:
        """The legend's count of misclassified points, saying of which ("wrong
        3 of 40 test"): the test set's while only test points show, else all."""
        of = " test" if self.choice == "test" else ""
        return f"wrong {self.misclassified} of {self.counted}{of}"

    def _legend(self, width: int, layout: Layout) -> Strip:
        """Which glyph is which: shape per class (with K classes each over its
        region's colour, and fill, and named), fill per set, a misclassified
        cell; for a value map, its colours from -scale to +scale and the glyphs."""
        palette = app_palette(self.app)
        text, glyph = Style(color=palette.legend), Style(color=palette.legend, bold=True)
        if layout.head.regression:
            return Strip(render_boundary.value_legend(palette, layout.scale, width)).crop_extend(0, width, text)
        glyphs = render_boundary.GLYPHS
        classes = render_boundary.classes_of(self._params) if self._params is not None else 2
        if classes == 2:
            segments = [Segment(f"{glyphs[0][0]}{glyphs[1][0]}", glyph), Segment(" class 0/1 ", text)]
        else:
            segments = [Segment("class ", text)]
            for k in range(classes):
                under = palette.region[k][-1]
                segments += [Segment(glyphs[k][0], Style(color=palette.point[k][k], bgcolor=under, bold=True)),
                             Segment(palette.fills[k] or " ", Style(color=palette.legend, bgcolor=under)),
                             Segment(f"{k} ", text)]
        fg, bg = palette.wrong  # the count before the sets: what a narrow map cuts is the sets' fills
        segments += [Segment(glyphs[0][0], Style(color=fg, bgcolor=bg, bold=True)),
                     Segment(f"{self.wrong_text()} ", text)]
        for k, kind in enumerate(render_boundary.KINDS):
            segments += [Segment(glyphs[0][k], glyph), Segment(f"{kind} ", text)]
        return Strip(segments).crop_extend(0, width, text)
