"""The lab tab (diagnostics and results of the current run) and the preset picker.

The tab draws only what the worker published: the per-epoch gradient norms,
the diagnosis of the weights (dead units, histograms), the last test with its
confusion matrices and the last gradient check all arrive in the snapshot;
nothing here touches the model.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

SAVE_FILE, LOAD_FILE = "save-settings", "load-settings"

from tui_mlp.app.trainer import Snapshot
from tui_mlp.app.widgets.status import StatusLine
from tui_mlp.presets import PRESETS
from tui_mlp.render.diagnostics import diagnostics_text, results_text


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


class LabPane(Vertical):
    """Diagnostics (one row per layer) above results (test, confusion, gradient check)."""

    def compose(self) -> ComposeResult:
        yield StatusLine(id="lab-status")
        yield TextView(id="diagnostics")
        yield TextView(id="results")

    def on_mount(self) -> None:
        self.status = self.query_one("#lab-status", StatusLine)
        self.diagnostics = self.query_one("#diagnostics", TextView)
        self.results = self.query_one("#results", TextView)
        self.diagnostics.border_title = "diagnostics: gradient norms, dead units, weights"
        self.diagnostics.border_subtitle = "g: gradient check"
        self.results.border_title = "results"
        self.results.border_subtitle = "t: test   e: history CSV   j: run JSON"
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
