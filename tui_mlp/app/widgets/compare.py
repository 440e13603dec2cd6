"""The compare tab: two configurations trained on the same data and seeds
(``app.comparer``), their loss curves overlaid, their decision boundaries
side by side (two ``BoundaryMap``s: the train tab's widget and drawing code),
and the table of test accuracy and loss (``Comparison.table_lines``)."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container

from tui_mlp.session import CompareState, CompareView, Curves
from tui_mlp.app.widgets.boundary import BoundaryMap
from tui_mlp.app.widgets.curves import DEV_COLOUR, FRAME, TRAIN_COLOUR, CurvesPlot, epoch_axis
from tui_mlp.app.widgets.lab import TextView
from tui_mlp.render.curves import decimate
from tui_mlp.render.plot import Chart

#: Side B (the MLP) in the train tab's colours, side A (logistic regression) in paler ones.
SIDE_COLOURS = {"A": ((240, 200, 150), (170, 210, 255)), "B": (TRAIN_COLOUR, DEV_COLOUR)}


class CompareCurves(CurvesPlot):
    """Train and dev curves of both sides in one plot (``c`` switches loss/accuracy)."""

    def __init__(self, **kwargs) -> None:
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
                    xs, ys = decimate(c.epochs, ys, width)
                    chart.line(xs, ys, f"{tag} {which}", colour)
                    self.points_plotted += len(xs)
        epochs = [e for c in self._pair for e in c.epochs[:1] + c.epochs[-1:]]
        epoch_axis(chart, min(epochs), max(epochs), self.size.width, self.size.height >= 16)
        return None


def status_text(view: CompareView) -> Text:
    """The table when done; otherwise what is happening."""
    if view.state == CompareState.IDLE:
        return Text("v trains chapter 3's logistic regression (A) and the MLP of the settings (B) "
                    "on the same data and seeds", style="dim")
    if view.state == CompareState.FAILED:
        return Text(f"comparison failed: {view.error}", style="bold #ff6060")
    if view.state == CompareState.RUNNING:
        a, b = view.epochs
        return Text(f"training... A {view.labels[0]}: epoch {a}/{view.total}   "
                    f"B {view.labels[1]}: epoch {b}/{view.total}", style="italic")
    return Text("\n".join(view.table), no_wrap=True, overflow="ellipsis")


class ComparePane(Container):
    def compose(self) -> ComposeResult:
        yield BoundaryMap(id="cmp-a")
        yield BoundaryMap(id="cmp-b")
        yield CompareCurves(id="cmp-curves")
        yield TextView(id="cmp-table")

    def on_mount(self) -> None:
        self.maps = (self.query_one("#cmp-a", BoundaryMap), self.query_one("#cmp-b", BoundaryMap))
        self.curves = self.query_one(CompareCurves)
        self.table = self.query_one("#cmp-table", TextView)
        for tag, box in zip("AB", self.maps):
            box.border_title = f"{tag}: boundary"
        self.curves.border_title = "loss: A pale, B bright (c)"
        self.table.border_title = "test accuracy and loss (best-dev models)"
        self._view: CompareView | None = None

    def show(self, view: CompareView) -> None:
        """Redraw for a new view: the curves while running, the maps when done."""
        old, self._view = self._view, view
        if old is not None and view is old:
            return
        self.table.set_text(status_text(view))
        self.curves.show_pair(view.curves)
        for tag, box, label in zip("AB", self.maps, view.labels):
            box.border_title = f"{tag}: {label}" if label else f"{tag}: boundary"
        if view.state == CompareState.DONE and (old is None or old.params is not view.params):
            for box, params, activation in zip(self.maps, view.params, view.activations):
                box.set_data(*view.data)
                box.show(params, activation)
        elif view.state != CompareState.DONE and (old is None or old.state != view.state or old.config != view.config):
            # an earlier comparison's maps would pass for this one's
            message = {CompareState.RUNNING: "training: the boundary appears when both are done",
                       CompareState.FAILED: "no boundary: the comparison failed"}.get(view.state, "")
            for box in self.maps:
                box.clear(message)

    def toggle_curves(self) -> str:
        mode = self.curves.toggle()
        self.curves.border_title = f"{mode}: A pale, B bright (c)"
        return mode
