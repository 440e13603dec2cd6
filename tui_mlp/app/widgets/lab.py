"""The lab tab (diagnostics, gradient norms over the last epochs, results of
the current run) and the preset picker.

The tab draws only what the worker published: the per-epoch gradient norms,
the diagnosis of the weights (dead units, histograms), the last test with its
confusion matrices and the last gradient check all arrive in the snapshot;
nothing here touches the model.
"""
from __future__ import annotations

import math
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui_mlp.session import Snapshot, State
from tui_mlp.app.widgets.curves import epoch_axis
from tui_mlp.app.widgets.plot import StripPlot
from tui_mlp.app.widgets.status import StatusLine
from tui_mlp.presets import PRESETS
from tui_mlp.render.curves import decimate
from tui_mlp.render.diagnostics import MAGNITUDE_FLOOR, diagnostics_text, results_text
from tui_mlp.render.plot import Chart

SAVE_FILE, LOAD_FILE = "save-settings", "load-settings"  # the picker's settings-file options
#: Seconds between redraws of the norms plot while training (plotext's cost
#: grows with the points drawn: the plot is an overview, the table is live).
NORMS_INTERVAL = 1.0
#: Points per layer in the norms plot: plotext's cost grows with them, and a
#: trend over the last epochs needs no more.
NORMS_POINTS = 48
#: One colour per layer (cycled), first layer first.
LAYER_COLOURS = ((90, 160, 255), (120, 200, 120), (240, 200, 80), (230, 120, 40), (220, 90, 160), (170, 140, 255))


class TextView(Widget):
    """A pane showing one rich Text, rebuilt by its owner only when the data changed."""

    DEFAULT_CSS = "TextView { height: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = Text()

    def set_text(self, text: Text, layout: bool = True) -> None:
        """``layout=False`` when the height cannot change (the same number of
        unwrapped lines): a layout of the screen costs more than the pane."""
        self.text = text
        self.refresh(layout=layout)

    def render(self) -> Text:
        return self.text


class NormsPlot(StripPlot):
    """Each layer's gradient norm over the last epochs, all on one log scale:
    layers orders of magnitude apart (4.4.2) are lines decades apart, and a
    layer whose gradient is zero (4.4.3) lies on the floor (1e-12, marked 0); an
    infinite norm is drawn at the top and a NaN leaves a gap."""

    #: Rows below which the plot would say nothing: a hint instead.
    MIN_HEIGHT = 8

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._norms: tuple[tuple[float, ...], ...] = ()
        self._layers: tuple[str, ...] = ()
        self._last_epoch = 0

    def show(self, norms: tuple[tuple[float, ...], ...], layers: tuple[str, ...], last_epoch: int) -> None:
        """``norms`` per epoch (per layer), the last of them at ``last_epoch``."""
        self._norms, self._layers, self._last_epoch = norms, layers, last_epoch
        self.replot()

    def draw(self, chart: Chart) -> str | None:
        if not self._norms:
            return "gradient norms per layer appear here\nwhile training with this tab open"
        if self.size.height < self.MIN_HEIGHT:
            return "a taller terminal shows each layer's norm over the last epochs here"
        floor = math.log10(MAGNITUDE_FLOOR)
        xs = list(range(self._last_epoch - len(self._norms) + 1, self._last_epoch + 1))
        layers = [[(x, math.inf if v == math.inf else max(math.log10(v), floor) if v > 0 else floor)
                   for x, v in zip(xs, series) if not math.isnan(v)] for series in zip(*self._norms)]
        finite = [y for points in layers for _, y in points if y != math.inf] or [floor]
        first = math.floor(min(finite))
        last = max(math.ceil(max(finite)), first + 1)
        for i, points in enumerate(layers):
            if not points:
                continue
            name = self._layers[i] if i < len(self._layers) else f"fc{i + 1}"
            # points, not lines (half the cost), and at most NORMS_POINTS of them
            xs_i, ys_i = decimate([x for x, _ in points], [min(y, last) for _, y in points], NORMS_POINTS)
            chart.points(xs_i, ys_i, name, LAYER_COLOURS[i % len(LAYER_COLOURS)])
        step = max(1, math.ceil((last - first) / max(self.size.height // 3, 1)))
        decades = list(range(first, last + 1, step))
        chart.ylim = (first, last)
        zero = any(v == 0 for norms in self._norms for v in norms)
        chart.yticks = (decades, ["0" if zero and d == floor else f"1e{d}" for d in decades])
        epoch_axis(chart, xs[0], xs[-1], self.size.width, self.size.height >= 12)
        return None


class LabPane(Vertical):
    """Diagnostics (one row per layer) above results (test, confusion, gradient
    check), and the gradient norms over the last epochs below."""

    def compose(self) -> ComposeResult:
        yield StatusLine(id="lab-status")
        yield TextView(id="diagnostics")
        yield TextView(id="results")
        yield NormsPlot(id="norms")

    def on_mount(self) -> None:
        self.status = self.query_one("#lab-status", StatusLine)
        self.diagnostics = self.query_one("#diagnostics", TextView)
        self.results = self.query_one("#results", TextView)
        self.diagnostics.border_title = "diagnostics: gradient norms, dead units, weights"
        self.diagnostics.border_subtitle = "g: gradient check"
        self.results.border_title = "results"
        self.results.border_subtitle = "t: test   e: history CSV   j: run JSON"
        self.norms = self.query_one("#norms", NormsPlot)
        self.norms.border_title = "‖dL/dW‖ per layer, last epochs (log scale)"
        self._norms_key: tuple | None = None
        self._norms_time = 0.0
        self._diag_key: tuple | None = None
        self._results_key: tuple | None = None
        self._snap: Snapshot | None = None

    def show(self, snap: Snapshot) -> None:
        """Redraw the panes whose data is new in this snapshot."""
        self._snap = snap
        self.status.show(snap)
        key = (snap.diagnosis, snap.grad_norms[-1:], len(snap.grad_norms), self.diagnostics.size.width)
        if key != self._diag_key:
            self._diag_key = key
            shapes = ["x".join(map(str, layer["W"].shape)) for layer in (snap.params or {}).values()]
            text = diagnostics_text(snap.diagnosis, snap.grad_norms, shapes, self.diagnostics.content_size.width)
            rows = len(text.plain.splitlines())  # no_wrap: one row per line
            self.diagnostics.set_text(text, layout=rows != len(self.diagnostics.text.plain.splitlines()))
        layers = tuple(snap.params or ())
        key = (snap.grad_norms[-1:], len(snap.grad_norms), snap.norms_end, layers)
        now = time.monotonic()
        if key != self._norms_key and (snap.state != State.RUNNING or now - self._norms_time >= NORMS_INTERVAL):
            self._norms_key, self._norms_time = key, now
            self.norms.show(snap.grad_norms, layers, snap.norms_end)
        key = (snap.tested, snap.grad_check, snap.epoch if snap.grad_check else None)
        if key != self._results_key:
            self._results_key = key
            self.results.set_text(results_text(snap.tested, snap.grad_check, snap.epoch))

    def on_resize(self) -> None:
        if self._snap is not None:
            self.call_after_refresh(self.show, self._snap)


class PresetPicker(ModalScreen[str | None]):
    """The presets with their titles and descriptions, then saving and loading
    the settings file (TOML, as ``tui-mlp train --config`` reads it); Enter
    picks, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel", priority=True)]
    AUTO_FOCUS = "#preset-list"

    def compose(self) -> ComposeResult:
        with Vertical(id="preset-dialog"):
            yield Label("a preset fills the settings and resets the run", id="preset-title")
            yield OptionList(*(Option(self._prompt(name), id=name) for name in PRESETS), None,
                             Option("save the settings to a TOML file...", id=SAVE_FILE),
                             Option("load the settings from a TOML file...", id=LOAD_FILE),
                             id="preset-list")
            yield Label("up/down: choose   enter: apply   escape: cancel", id="preset-help")

    @staticmethod
    def _prompt(name: str) -> Text:
        p = PRESETS[name]
        text = Text(no_wrap=False)
        text.append(f"{p.name}", style="bold")
        text.append(f"  {p.title}\n")
        text.append(p.description, style="dim")
        return text

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
