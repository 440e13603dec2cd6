"""The lab tab: diagnostics of the weights and gradients, the results of the
current run, the gradient norms over the last epochs; and its keys, the
gradient check and the exports.

The tab draws only what the worker published: the per-epoch gradient norms,
the diagnosis of the weights (dead units, histograms), the last test with its
confusion matrices and the last gradient check all arrive in the snapshot.
Work on the model goes to the training worker as commands (``CheckGradients``,
``Export``); a refused path is a notification naming the file and why.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from textual.app import ComposeResult

from tui_mlp.app.engine import render_diagnostics, session
from tui_mlp.app.pacing import Pace
from tui_mlp.app.panes.base import Pane
from tui_mlp.app.widgets.dialogs import PathDialog
from tui_mlp.app.widgets.lab import NormsPlot, TextView
from tui_mlp.app.widgets.lines import retitle
from tui_mlp.app.widgets.palette import app_palette
from tui_mlp.app.widgets.status import StatusLine
from tui_mlp.files import WriteError, check_outputs

if TYPE_CHECKING:
    from tui_mlp.session import Command, Comparer, Snapshot, Trainer

#: What ``e`` and ``j`` export: the dialog's title and the first path offered.
EXPORTS = {
    "history": ("export the history (CSV) to", "history.csv"),
    "run": ("export the run (JSON: settings, seeds, metrics) to", "run.json"),
}


def lab_titles(snap: Snapshot) -> tuple[str, str]:
    """The titles of the diagnostics table and of the norms plot, each naming
    the weights or the epochs it describes (they are not the same)."""
    epoch = snap.weights_epoch
    weights = "the initial weights" if epoch is None else f"the weights at epoch {epoch}"
    table = f"diagnostics of {weights}: gradient norms, dead units, weights"
    if not snap.grad_norms:
        return table, "‖dL/dW‖ per layer over the last epochs (log scale)"
    first = snap.norms_end - len(snap.grad_norms) + 1
    return table, f"‖dL/dW‖ per layer, epochs {first}-{snap.norms_end} (log scale)"


class LabPane(Pane):
    """Diagnostics (one row per layer) above results (test, confusion, gradient
    check), and the gradient norms over the last epochs below."""

    TAB, TITLE = "lab-tab", "Lab"
    KEYS = frozenset({"preset", "grad_check", "export_history", "export_run"})

    _trainer: Trainer  # from ``engine_ready`` on: the app runs nothing here before

    def __init__(self, submit: Callable[[Command], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._submit = submit
        self.status = StatusLine(id="lab-status")
        self.diagnostics = TextView(id="diagnostics")
        self.results = TextView(id="results")
        self.norms = NormsPlot(id="norms")
        self._pace = Pace(0.25)  # while training, at most 4 redraws a second...
        # ...and 1 of the norms plot (plotext's cost grows with the points
        # drawn: the plot is an overview, the table is live)
        self._norms_pace = Pace(1.0)
        self._diag_key: tuple | None = None
        self._norms_key: tuple | None = None
        self._results_key: tuple | None = None
        self._snap: Snapshot | None = None
        self._export_paths = {what: path for what, (_, path) in EXPORTS.items()}

    def compose(self) -> ComposeResult:
        yield self.status
        yield self.diagnostics
        yield self.results
        yield self.norms

    def on_mount(self) -> None:
        self.diagnostics.border_subtitle = "g: gradient check"
        self.results.border_title = "results"
        self.results.border_subtitle = "t: test   e: history CSV   j: run JSON"

    def engine_ready(self, trainer: Trainer, comparer: Comparer) -> None:
        self._trainer = trainer

    # ------------------------------------------------------------ drawing
    def show(self, snap: Snapshot) -> None:
        if self._pace.due(snap.state == session.State.RUNNING):
            self.draw(snap)

    def draw(self, snap: Snapshot) -> None:
        """Redraw the parts whose data is new in ``snap``, now."""
        self._snap = snap
        self.status.show(snap)
        table, plot = lab_titles(snap)
        retitle(self.diagnostics, table)
        retitle(self.norms, plot)
        diag_key = (snap.diagnosis, snap.grad_norms[-1:], len(snap.grad_norms), self.diagnostics.size.width)
        if diag_key != self._diag_key:
            self._diag_key = diag_key
            shapes = ["x".join(map(str, layer["W"].shape)) for layer in (snap.params or {}).values()]
            text = render_diagnostics.diagnostics_text(snap.diagnosis, snap.grad_norms, shapes,
                                                       self.diagnostics.content_size.width, app_palette(self.app))
            rows = len(text.plain.splitlines())  # no_wrap: one row per line
            self.diagnostics.set_text(text, layout=rows != len(self.diagnostics.text.plain.splitlines()))
        layers = tuple(snap.params or ())
        norms_key = (snap.grad_norms[-1:], len(snap.grad_norms), snap.norms_end, layers)
        if norms_key != self._norms_key and self._norms_pace.due(snap.state == session.State.RUNNING):
            self._norms_key = norms_key
            self.norms.show(snap.grad_norms, layers, snap.norms_end)
        results_key = (snap.tested, snap.grad_check, snap.epoch if snap.grad_check else None)
        if results_key != self._results_key:
            self._results_key = results_key
            self.results.set_text(render_diagnostics.results_text(snap.tested, snap.grad_check, snap.epoch))

    def on_resize(self) -> None:
        if self._snap is not None:
            self.call_after_refresh(self.draw, self._snap)

    # ------------------------------------------------------------ keys
    def check_gradients(self) -> None:
        self._submit(session.CheckGradients())

    def export(self, what: str) -> None:
        """Ask for a file (the last one used first), then have the worker
        export ``what`` (one of ``EXPORTS``) to it."""
        title, _ = EXPORTS[what]

        def chosen(path: str | None) -> None:
            if path:
                self._export_paths[what] = path
                try:
                    check_outputs({f"the {what} export": path},
                                  {"the data file the run reads (csv)": self._trainer.snapshot.config.data_file})
                except WriteError as exc:
                    self.notice(f"{what} not exported: {exc}", "error", timeout=8)
                    return
                self._submit(session.Export(what, path))
        self.app.push_screen(PathDialog(title, self._export_paths[what], "file"), chosen)
