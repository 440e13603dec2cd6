"""The compare tab's plot: the train and dev curves of both sides in one."""
from __future__ import annotations

from typing import Any

from tui_mlp.app.widgets.curves import DEV_COLOUR, FRAME, TRAIN_COLOUR, CurvesPlot, epoch_axis
from tui_mlp.render.curves import decimate
from tui_mlp.render.plot import Chart
from tui_mlp.session import Curves

#: Side B (the MLP) in the train tab's colours, side A (logistic regression) in paler ones.
SIDE_COLOURS = {"A": ((240, 200, 150), (170, 210, 255)), "B": (TRAIN_COLOUR, DEV_COLOUR)}


class CompareCurves(CurvesPlot):
    """Train and dev curves of both sides in one plot (``c`` switches loss/accuracy)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pair: tuple[Curves, Curves] = (Curves(), Curves())

    def show_pair(self, pair: tuple[Curves, Curves]) -> None:
        self._pair = pair
        self.replot()

    def draw(self, chart: Chart) -> str | None:
        width = max(self.size.width - FRAME, 2)
        self.points_plotted = 0
        if not any(c.epochs for c in self._pair):
            return "no comparison yet\nv: compare"
        for tag, c in zip("AB", self._pair):
            train, dev = (c.train_loss, c.dev_loss) if self.mode == "loss" else (c.train_score, c.dev_score)
            for ys, which, colour in zip((train, dev), ("train", "dev"), SIDE_COLOURS[tag]):
                if c.epochs:
                    xs, shown = decimate(c.epochs, ys, width)
                    chart.line(xs, shown, f"{tag} {which}", colour)
                    self.points_plotted += len(xs)
        epochs = [e for c in self._pair for e in c.epochs[:1] + c.epochs[-1:]]
        epoch_axis(chart, min(epochs), max(epochs), self.size.width, self.size.height >= 16)
        return None
