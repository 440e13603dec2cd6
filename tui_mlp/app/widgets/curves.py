"""Loss (or accuracy) per epoch, train and dev, with textual-plotext.

Each series is decimated to the plot's width before plotext sees it, so the
cost of a redraw does not grow with the run. The screen decides how often
to call ``show`` (at most ~3 Hz while training).
"""
from __future__ import annotations

from tui_mlp.app.trainer import Curves
from tui_mlp.app.widgets.plot import StripPlot
from tui_mlp.render.curves import decimate

TRAIN_COLOUR = (230, 120, 40)
DEV_COLOUR = (90, 160, 255)
#: Columns plotext keeps for the y tick labels and the frame.
FRAME = 10


class CurvesPlot(StripPlot):
    """Train and dev curves of one metric; ``mode`` is "loss" or "accuracy"."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.mode = "loss"
        self._curves = Curves()
        self.points_plotted = 0

    def show(self, curves: Curves) -> None:
        self._curves = curves
        self.replot()

    def toggle(self) -> str:
        self.mode = "accuracy" if self.mode == "loss" else "loss"
        self.replot()
        return self.mode

    def figure_key(self) -> tuple:
        return (self.mode,)

    def draw(self) -> str | None:
        plt = self.plt
        c = self._curves
        train, dev = (c.train_loss, c.dev_loss) if self.mode == "loss" else (c.train_score, c.dev_score)
        width = max(self.size.width - FRAME, 2)
        self.points_plotted = 0
        if not c.epochs:
            return "no epochs yet\ns: start\nn: one epoch"
        for ys, label, colour in ((train, "train", TRAIN_COLOUR), (dev, "dev", DEV_COLOUR)):
            xs, ys = decimate(c.epochs, ys, width)
            plt.plot(xs, ys, label=label, color=colour, marker="hd")
            self.points_plotted += len(xs)
        if self.size.height >= 16:  # the border already names the metric
            plt.xlabel("epoch")
        if self.mode == "accuracy":
            plt.ylim(0, 1)
        return None
