"""Loss (or accuracy) per epoch, train and dev (a regression's RMSE or R²); vertical marks at the past
epoch the timeline's cursor shows and, on the loss plot, at the epoch of the
lowest dev loss once the dev loss has turned up.

Each series is decimated to the plot's width before plotext sees it, so the
cost of a redraw does not grow with the run. The pane decides how often to
call ``show``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui_mlp.app.engine import nn
from tui_mlp.app.widgets.palette import app_palette
from tui_mlp.app.widgets.plot import StripPlot
from tui_mlp.render.curves import decimate, turned_up_at, whole_ticks
from tui_mlp.render.plot import LOWEST_MARK, MARK, MARKERS, Chart

if TYPE_CHECKING:
    from tui_mlp.nn import Scoring
    from tui_mlp.session import Curves

#: Columns plotext keeps for the y tick labels and the frame.
FRAME = 10


class CurvesPlot(StripPlot):
    """Train and dev curves of one metric; ``mode`` is "loss" or "accuracy"
    (the score), which ``scoring`` names (``title``) and, for a regression,
    turns into RMSE and R²."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mode = "loss"
        self._scoring: Scoring | None = None
        self._curves: Curves | None = None
        self._viewing: int | None = None
        self.points_plotted = 0

    def show(self, curves: Curves, viewing: int | None = None, scoring: Scoring | None = None) -> None:
        """Draw ``curves``, marking epoch ``viewing`` (None: no marker), scored by ``scoring``."""
        self._curves, self._viewing = curves, viewing
        self.scoring = scoring or self.scoring
        self.replot()

    @property
    def scoring(self) -> Scoring:
        """What the curves score: a classification's until ``show`` names another
        (read once torch has loaded)."""
        return self._scoring or nn.SCORINGS["classification"]

    @scoring.setter
    def scoring(self, scoring: Scoring) -> None:
        self._scoring = scoring

    @property
    def title(self) -> str:
        """What the plot shows now: "loss" or "accuracy", a regression's "RMSE" or "R²"."""
        return self.scoring.loss_title if self.mode == "loss" else self.scoring.title

    def toggle(self) -> str:
        """Switch to the other metric; returns its ``title``."""
        self.mode = "accuracy" if self.mode == "loss" else "loss"
        self.replot()
        return self.title

    def figure_key(self) -> tuple:
        return (self.mode, self.scoring)

    def series(self, c: Curves) -> tuple[list[float], list[float]]:
        """The train and dev values the plot shows of ``c`` (``title`` says what)."""
        if self.mode == "loss":
            return [self.scoring.shown_loss(v) for v in c.train_loss], [self.scoring.shown_loss(v) for v in c.dev_loss]
        return list(c.train_score), list(c.dev_score)

    def draw(self, chart: Chart) -> str | None:
        c = self._curves
        self.points_plotted = 0
        if c is None or not c.epochs:
            return "no epochs yet\ns: start\nn: one epoch"
        train, dev = self.series(c)
        width = max(self.size.width - FRAME, 2)
        for ys, label, colour, marker in zip((train, dev), ("train", "dev"), app_palette(self.app).curves, MARKERS):
            xs, shown = decimate(c.epochs, ys, width)
            chart.line(xs, shown, label, colour, marker)
            self.points_plotted += len(xs)
        palette, low, high = app_palette(self.app), min(min(train), min(dev)), max(max(train), max(dev))
        lowest = turned_up_at(c.epochs, dev) if self.mode == "loss" else None
        if lowest is not None:
            chart.line([lowest] * 2, [high, low], f"lowest dev @{lowest:g}", palette.paler[1], LOWEST_MARK)
        if self._viewing is not None:
            chart.line([self._viewing] * 2, [low, high], f"epoch {self._viewing}", palette.mark, MARK)
        epoch_axis(chart, c.epochs[0], c.epochs[-1], self.size.width, self.size.height >= 16)
        return None


def epoch_axis(chart: Chart, first: float, last: float, width: int, label: bool) -> None:
    """Whole epochs on the x axis, as many as fit in ``width`` columns without
    touching (plotext would drop colliding labels, and which ones depends on
    the process's hash seed), and the axis title when there is room (the
    border already names the metric). The y axis fits the data, accuracy too:
    a 0-1 axis would press every accuracy curve against the top."""
    ticks = whole_ticks(first, last, max(2, (width - FRAME) // (len(str(round(last))) + 3)))
    chart.xticks = (ticks, [str(t) for t in ticks])
    if label:
        chart.xlabel = "epoch"
