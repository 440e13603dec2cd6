"""The compare tab: two configurations trained on the same data and seeds
(a ``Comparer``, in a worker of its own), their loss curves overlaid, their
decision boundaries side by side (two ``BoundaryMap``s: the train tab's
widget and drawing code), and the table of their test figures and loss."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.worker import get_current_worker

from tui_mlp.app.engine import nn, session
from tui_mlp.app.pacing import Pace
from tui_mlp.app.panes.base import Pane
from tui_mlp.app.widgets.boundary import BoundaryMap
from tui_mlp.app.widgets.compare import CompareCurves
from tui_mlp.app.widgets.lab import TextView
from tui_mlp.app.widgets.lines import retitle
from tui_mlp.config import Config

if TYPE_CHECKING:
    from tui_mlp.nn import Scoring
    from tui_mlp.session import Comparer, CompareView, Snapshot, Trainer

#: The worker group of comparisons (one at a time).
COMPARE_GROUP = "compare"


def status_text(view: CompareView) -> Text:
    """The table when done; otherwise what is happening."""
    CompareState = session.CompareState
    if view.state == CompareState.IDLE:
        return Text("v trains A and B on the same data and seeds, as the setting compare pair says: "
                    "hidden, chapter 3's logistic regression (A) and the MLP of the settings (B); "
                    "l2, the run without L2 (A) and with it (B)", style="dim")
    if view.state == CompareState.FAILED:
        return Text(f"comparison failed: {view.error}", style="bold #ff6060")
    if view.state == CompareState.RUNNING:
        a, b = view.epochs
        return Text(f"training... A {view.labels[0]}: epoch {a}/{view.total}   "
                    f"B {view.labels[1]}: epoch {b}/{view.total}", style="italic")
    return Text("\n".join(view.table), no_wrap=True, overflow="ellipsis")


def table_title(scoring: Scoring) -> str:
    """The table's title: the test figures it holds, of which models."""
    names = (["RMSE"] if scoring.with_rmse else []) + [scoring.title]
    return f"test {', '.join(names)} and loss (best-dev models)"


class ComparePane(Pane):
    TAB, TITLE = "compare-tab", "Compare"
    KEYS = frozenset({"save", "load", "curves"})

    _comparer: Comparer  # from ``engine_ready`` on: the app runs nothing here before

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.maps = (BoundaryMap(id="cmp-a"), BoundaryMap(id="cmp-b"))
        self.curves = CompareCurves(id="cmp-curves")
        self.table = TextView(id="cmp-table")
        self._pace = Pace(0.3)  # while comparing, at most 3 redraws a second (four curves)
        self._view: CompareView | None = None

    def compose(self) -> ComposeResult:
        yield from self.maps
        yield self.curves
        yield self.table

    def on_mount(self) -> None:
        for tag, box in zip("AB", self.maps):
            box.border_title = f"{tag}: boundary"
        self.curves.border_title = "loss: A pale, B bright (c)"

    def engine_ready(self, trainer: Trainer, comparer: Comparer) -> None:
        self._comparer = comparer

    # ------------------------------------------------------------ drawing
    def show(self, snap: Snapshot) -> None:
        """Redraw for the comparison's latest view (the run's snapshot is not shown here)."""
        view = self._comparer.view
        if self._pace.due(view.state == session.CompareState.RUNNING):
            self._draw(view)

    def _draw(self, view: CompareView) -> None:
        """The curves while running, the maps when done."""
        old, self._view = self._view, view
        if old is not None and view is old:
            return
        CompareState = session.CompareState
        self.table.set_text(status_text(view))
        head = nn.head_for(view.config.data) if view.config is not None else nn.BOOK_HEAD
        retitle(self.table, table_title(head.scoring))
        self.curves.show_pair(view.curves, head.scoring)
        retitle(self.curves, f"{self.curves.title}: A pale, B bright (c)")
        for tag, box, label in zip("AB", self.maps, view.labels):
            retitle(box, f"{tag}: {label}" if label else f"{tag}: boundary")
        if view.state == CompareState.DONE and view.params is not None and view.data is not None \
                and (old is None or old.params is not view.params):
            for box, params, activation, features in zip(self.maps, view.params, view.activations,
                                                         view.features):
                box.set_data(*view.data)
                box.show(params, activation, features, head)
        elif view.state != CompareState.DONE and (old is None or old.state != view.state or old.config != view.config):
            # an earlier comparison's maps would pass for this one's
            message = {CompareState.RUNNING: "training: the boundary appears when both are done",
                       CompareState.FAILED: "no boundary: the comparison failed"}.get(view.state, "")
            for box in self.maps:
                box.clear(message)

    # ------------------------------------------------------------ keys
    def toggle_curves(self) -> None:
        """Loss or accuracy."""
        self.curves.border_title = f"{self.curves.toggle()}: A pale, B bright (c)"

    def compare(self, config: Config | None) -> None:
        """Compare ``config`` (the form's, None if invalid) unless the last
        comparison was of exactly these settings."""
        view = self._comparer.view
        if config is not None and (view.config != config or view.state == session.CompareState.FAILED):
            self._run(self._comparer.begin(), config)
        elif view.state == session.CompareState.DONE:
            self.notice("these settings are compared already: change one to compare anew", timeout=3)

    @work(thread=True, exclusive=True, group=COMPARE_GROUP, exit_on_error=False)
    def _run(self, ticket: int, config: Config) -> None:
        worker = get_current_worker()
        self._comparer.run(ticket, config, lambda: worker.is_cancelled)
