"""The activations tab (the seed's 4.1.2): a table of max |hand-written -
torch| per function, and the highlighted function's group plotted twice,
hand-written and torch's, side by side."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.widgets import DataTable, Label

from tui_mlp.app.widgets.plot import StripPlot
from tui_mlp.render.activations import BY_NAME, GROUPS, REFERENCES, curves, group_of, max_differences
from tui_mlp.render.plot import Chart

COLOURS = ((230, 0, 127), (241, 158, 194))  # the seed's '#e4007f' and '#f19ec2'


class FunctionPlot(StripPlot):
    """One group of functions, either hand-written or torch's."""

    def __init__(self, source: str, **kwargs) -> None:
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


class ActivationsPane(Container):
    def compose(self) -> ComposeResult:
        with Vertical(id="act-left"):
            yield Label("max |hand-written - torch| on [-10, 10], 10,000 points "
                        "(tab to the table, up/down picks the pair plotted)", id="act-caption")
            yield DataTable(id="act-table", cursor_type="row", zebra_stripes=True)
        yield FunctionPlot("hand-written", id="act-hand")
        yield FunctionPlot("torch", id="act-torch")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("function", "torch", "max |diff|")
        diffs = max_differences()
        for ref in REFERENCES:
            table.add_row(ref.title, ref.torch_name, f"{diffs[ref.name]:.2e}", key=ref.name)
        self._show(GROUPS[0])

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(group_of(event.row_key.value))

    def _show(self, group: tuple[str, ...]) -> None:
        for plot in self.query(FunctionPlot):
            plot.show(group)
