"""The compare tab's plot: the train and dev curves of both sides in one."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui_mlp.app.widgets.curves import FRAME, CurvesPlot, epoch_axis
from tui_mlp.app.widgets.palette import app_palette
from tui_mlp.render.curves import decimate
from tui_mlp.render.plot import MARKERS, Chart

if TYPE_CHECKING:
    from tui_mlp.nn import Scoring
    from tui_mlp.session import Curves


class CompareCurves(CurvesPlot):
    """Train and dev curves of both sides in one plot (``c`` switches loss/accuracy)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pair: tuple[Curves, ...] = ()  # none yet

    def show_pair(self, pair: tuple[Curves, Curves], scoring: Scoring | None = None) -> None:
        self._pair = pair
        self.scoring = scoring or self.scoring
        self.replot()

    def draw(self, chart: Chart) -> str | None:
        width = max(self.size.width - FRAME, 2)
        self.points_plotted = 0
        if not any(c.epochs for c in self._pair):
            return "no comparison yet\nv: compare"
        palette = app_palette(self.app)
        # side B (the MLP) as the train tab draws it, side A (logistic regression) paler, with markers of its own
        sides = {"A": (palette.paler, MARKERS[2:4]), "B": (palette.curves, MARKERS[:2])}
        for tag, c in zip("AB", self._pair):
            train, dev = self.series(c)
            colours, markers = sides[tag]
            for ys, which, colour, marker in zip((train, dev), ("train", "dev"), colours, markers):
                if c.epochs:
                    xs, shown = decimate(c.epochs, ys, width)
                    chart.line(xs, shown, f"{tag} {which}", colour, marker)
                    self.points_plotted += len(xs)
        epochs = [e for c in self._pair for e in c.epochs[:1] + c.epochs[-1:]]
        epoch_axis(chart, min(epochs), max(epochs), self.size.width, self.size.height >= 16)
        return None
