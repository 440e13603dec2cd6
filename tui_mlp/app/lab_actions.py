"""The lab's keys, mixed into ``TrainerApp``: presets and the settings file
(one dialog), the gradient check, the exports, the lab and compare tabs.

Work on the model goes to the training worker as commands (``CheckGradients``,
``Export``); a comparison runs in a worker of its own (``Comparer``); the
settings file is read and written here (small, atomic). Every refusal is a
notification naming the file or field, the value and what is accepted.
"""
from __future__ import annotations

import time
from functools import cached_property
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from tui_mlp.session import CheckGradients, CompareState, Configure, Export, Reset
from tui_mlp.app.widgets.compare import ComparePane
from tui_mlp.app.widgets.dialogs import PathDialog
from tui_mlp.app.widgets.lab import LOAD_FILE, SAVE_FILE, LabPane, PresetPicker
from tui_mlp.config import Config, ConfigError
from tui_mlp.files import WriteError, check_outputs
from tui_mlp.presets import PRESETS
from tui_mlp.settings_file import SettingsFileError, load_config, save_config

if TYPE_CHECKING:
    from tui_mlp.app.app import TrainerApp

DEFAULT_SETTINGS, DEFAULT_HISTORY, DEFAULT_RUN = "run.toml", "history.csv", "run.json"
#: Minimum seconds between redraws of the compare tab (its plot has four curves)
#: and, while training, of the lab tab (the UI thread's time is taken from training).
COMPARE_INTERVAL = 0.3
LAB_INTERVAL = 0.25
#: Where these keys work (and are listed in the footer, which must fit in 80
#: columns); the others work on every tab.
SHOWN_ON = {
    "preset": ("train-tab", "lab-tab"),
    "grad_check": ("lab-tab",),
    "export_history": ("lab-tab",),
    "export_run": ("lab-tab",),
    "save": ("train-tab", "activations-tab", "compare-tab"),
    "load": ("train-tab", "activations-tab", "compare-tab"),
    "curves": ("train-tab", "activations-tab", "compare-tab"),
}


class LabActions:
    """Needs the app's ``trainer``, ``form``, ``tabs``, ``_submit`` and
    ``_refuse_invalid`` (see ``TrainerApp``)."""

    settings_path = DEFAULT_SETTINGS
    history_path = DEFAULT_HISTORY
    run_path = DEFAULT_RUN
    _compare_time = _lab_time = 0.0

    # ------------------------------------------------------------ footer
    def check_action(self: TrainerApp, action: str, parameters: tuple[object, ...]) -> bool | None:
        tabs = SHOWN_ON.get(action)
        if tabs is None or not self.is_mounted:
            return True
        return self.query_one("#tabs").active in tabs

    # ------------------------------------------------------------ presets
    def action_preset(self: TrainerApp) -> None:
        """The picker: a preset fills the form and resets the run; its last
        two entries save or load the settings file."""
        def chosen(name: str | None) -> None:
            if name == SAVE_FILE:
                self.save_settings()
            elif name == LOAD_FILE:
                self.load_settings()
            elif name:
                preset = PRESETS[name]
                self._use_settings(preset.config())
                self._submit(Reset())
                self.notify(f"preset {name}: {preset.title}", timeout=3)
        self.push_screen(PresetPicker(), chosen)

    def _use_settings(self: TrainerApp, config: Config) -> None:
        """Show ``config`` in the form and hand it to the worker."""
        self.form.set_config(config)
        self._submit(Configure(config))

    # ------------------------------------------------------------ the settings file
    def save_settings(self: TrainerApp) -> None:
        if self._refuse_invalid("save the settings"):
            return
        config = self.form.check()

        def chosen(path: str | None) -> None:
            if not path:
                return
            self.settings_path = path
            try:
                check_outputs({"the settings file": path},  # the form's CSV and the running one's
                              {"the data file of the settings (csv)": config.data_file,
                               "the data file the run reads (csv)": self.trainer.snapshot.config.data_file})
                save_config(config, path)
            except WriteError as exc:
                self.notify(f"settings not saved: {exc}", severity="error", timeout=8)
                return
            self.notify(f"settings saved to {path}", timeout=3)
        self.push_screen(PathDialog("save the settings to a TOML file", self.settings_path, "file"), chosen)

    def load_settings(self: TrainerApp) -> None:
        def chosen(path: str | None) -> None:
            if not path:
                return
            self.settings_path = path
            try:  # over the defaults, as `tui-mlp train --config` reads it
                config = load_config(path)
            except (SettingsFileError, ConfigError) as exc:
                self.notify(f"settings not loaded: {exc}", severity="error", timeout=10)
                return
            self._use_settings(config)
            self.notify(f"settings loaded from {path}", timeout=3)
        self.push_screen(PathDialog("load the settings from a TOML file", self.settings_path, "file"), chosen)

    # ------------------------------------------------------------ the lab tab
    def action_lab(self: TrainerApp) -> None:
        self.tabs.active = "train-tab" if self.tabs.active == "lab-tab" else "lab-tab"

    def action_grad_check(self: TrainerApp) -> None:
        self._submit(CheckGradients())

    def action_export_history(self: TrainerApp) -> None:
        self._export("history", "history", "export the history (CSV) to")

    def action_export_run(self: TrainerApp) -> None:
        self._export("run", "run", "export the run (JSON: settings, seeds, metrics) to")

    def _export(self: TrainerApp, what: str, attr: str, title: str) -> None:
        def chosen(path: str | None) -> None:
            if path:
                setattr(self, f"{attr}_path", path)
                try:
                    check_outputs({f"the {what} export": path}, {"the data file the run reads (csv)":
                                                  self.trainer.snapshot.config.data_file})
                except WriteError as exc:
                    self.notify(f"{what} not exported: {exc}", severity="error", timeout=8)
                    return
                self._submit(Export(what, path))
        self.push_screen(PathDialog(title, getattr(self, f"{attr}_path"), "file"), chosen)

    # ------------------------------------------------------------ the compare tab
    def action_compare(self: TrainerApp) -> None:
        """Show the compare tab (or go back); entering it compares the current
        settings unless the last comparison was of exactly these."""
        if self.tabs.active == "compare-tab":
            self.tabs.active = "train-tab"
            return
        self.tabs.active = "compare-tab"
        if self._refuse_invalid("compare"):
            return
        config = self.form.check()
        view = self.comparer.view
        if config is not None and (view.config != config or view.state == CompareState.FAILED):
            self._compare(self.comparer.begin(), config)
        elif view.state == CompareState.DONE:
            self.notify("these settings are compared already: change one to compare anew", timeout=3)

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _compare(self: TrainerApp, ticket: int, config: Config) -> None:
        worker = get_current_worker()
        self.comparer.run(ticket, config, lambda: worker.is_cancelled)

    # ------------------------------------------------------------ drawing
    def poll_lab(self: TrainerApp) -> None:
        """Redraw the lab or compare tab, whichever is shown (called from ``poll``)."""
        active, now = self.tabs.active, time.perf_counter()
        if active == "lab-tab":
            snap = self.trainer.snapshot
            if snap.state != "running" or now - self._lab_time >= LAB_INTERVAL:
                self.lab_pane.show(snap)
                self._lab_time = now
        elif active == "compare-tab":
            view = self.comparer.view
            if view.state != "running" or now - self._compare_time >= COMPARE_INTERVAL:
                self.compare_pane.show(view)
                self._compare_time = now

    @cached_property
    def lab_pane(self: TrainerApp) -> LabPane:
        """Found once (as the train tab's panes are): at shutdown the timer may
        still fire after the tabs have been taken down."""
        return self.tabs.query_one(LabPane)

    @cached_property
    def compare_pane(self: TrainerApp) -> ComparePane:
        return self.tabs.query_one(ComparePane)

