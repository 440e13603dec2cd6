"""The activations tab (the book's section 4.1.2): a table of max
|hand-written - torch| per function, and the highlighted function's group
plotted twice, hand-written and torch's, side by side."""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from tui_mlp.app.engine import render_activations
from tui_mlp.app.panes.base import Pane
from tui_mlp.app.widgets.activations import FunctionPlot

if TYPE_CHECKING:
    from tui_mlp.session import Comparer, Trainer


class ActivationsPane(Pane):
    TAB, TITLE = "activations-tab", "Activations"
    KEYS = frozenset({"save", "load", "curves"})

    def compose(self) -> ComposeResult:
        with Vertical(id="act-left"):
            yield Label("max |hand-written - torch| on [-10, 10], 10,000 points "
                        "(tab to the table, up/down picks the pair plotted)", id="act-caption")
            yield DataTable(id="act-table", cursor_type="row", zebra_stripes=True)
        yield FunctionPlot("hand-written", id="act-hand")
        yield FunctionPlot("torch", id="act-torch")

    _torch = False  # loaded (``engine_ready``)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("function", "torch", "max |diff|")
        if self._torch:
            self._fill()

    def engine_ready(self, trainer: Trainer, comparer: Comparer) -> None:
        self._torch = True
        if self.is_mounted:  # else on mounting: the pane mounts after the first frame
            self._fill()

    def _fill(self) -> None:
        """The table and the plots compare with torch: drawn once it has loaded."""
        diffs = render_activations.max_differences()
        table = self.query_one(DataTable)
        for ref in render_activations.REFERENCES:
            table.add_row(ref.title, ref.torch_name, f"{diffs[ref.name]:.2e}", key=ref.name)
        self._plot(render_activations.GROUPS[0])

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._plot(render_activations.group_of(event.row_key.value))

    def _plot(self, group: tuple[str, ...]) -> None:
        for plot in self.query(FunctionPlot):
            plot.show(group)
