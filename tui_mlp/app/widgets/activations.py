"""The activations tab's plots: one group of functions, hand-written or torch's."""
from __future__ import annotations

from typing import Any

from tui_mlp.app.widgets.plot import StripPlot
from tui_mlp.render.activations import BY_NAME, GROUPS, curves
from tui_mlp.render.plot import Chart

COLOURS = ((230, 0, 127), (241, 158, 194))  # the book's '#e4007f' and '#f19ec2'


class FunctionPlot(StripPlot):
    """One group of functions, either hand-written or torch's."""

    def __init__(self, source: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source  # "hand-written" or "torch"
        self.group: tuple[str, ...] = GROUPS[0]

    def show(self, group: tuple[str, ...]) -> None:
        self.group = group
        self.replot()

    def draw(self, chart: Chart) -> str | None:
        samples = max(self.size.width * 2, 20)
        for name, colour in zip(self.group, COLOURS):
            z, mine, theirs = curves(name, samples)
            ref = BY_NAME[name]
            ys, label = (mine, ref.title) if self.source == "hand-written" else (theirs, ref.torch_name)
            chart.line(z, ys, label, colour)
        chart.title = self.source
        chart.xlabel = "z"
        return None
