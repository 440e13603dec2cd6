"""The activations tab's plots: one group of functions, hand-written or torch's."""
from __future__ import annotations

from typing import Any

from tui_mlp.app.engine import render_activations
from tui_mlp.app.widgets.palette import app_palette
from tui_mlp.app.widgets.plot import StripPlot
from tui_mlp.render.plot import MARKERS, Chart


class FunctionPlot(StripPlot):
    """One group of functions, either hand-written or torch's."""

    def __init__(self, source: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source  # "hand-written" or "torch"
        self.group: tuple[str, ...] = ()  # none until torch has loaded

    def show(self, group: tuple[str, ...]) -> None:
        self.group = group
        self.replot()

    def draw(self, chart: Chart) -> str | None:
        if not self.group:
            return "loading torch…"
        samples = max(self.size.width * 2, 20)
        for name, colour, marker in zip(self.group, app_palette(self.app).functions, MARKERS):
            z, mine, theirs = render_activations.curves(name, samples)
            ref = render_activations.BY_NAME[name]
            ys, label = (mine, ref.title) if self.source == "hand-written" else (theirs, ref.torch_name)
            chart.line(z, ys, label, colour, marker)
        chart.title = self.source
        chart.xlabel = "z"
        return None
