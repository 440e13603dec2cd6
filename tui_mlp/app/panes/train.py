"""The train tab: the settings form, the decision boundary, the curves, the
epoch log and the status line, and what fills the form: presets and the
settings file.

The form is the one source of the settings every command is sent with, so
the app's command keys go through ``after_fields`` and ``send`` here."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Container
from textual.widgets import Input

from tui_mlp.app.engine import nn, session
from tui_mlp.app.pacing import Pace
from tui_mlp.app.panes.base import Pane
from tui_mlp.app.widgets.boundary import BoundaryMap
from tui_mlp.app.widgets.curves import CurvesPlot
from tui_mlp.app.widgets.dialogs import LOAD_FILE, SAVE_FILE, ConfirmReset, PathDialog, PresetPicker
from tui_mlp.app.widgets.lines import retitle
from tui_mlp.app.widgets.log import TrainLog
from tui_mlp.app.widgets.settings import SettingsForm
from tui_mlp.app.widgets.status import StatusLine
from tui_mlp.config import FIELDS, Config, ConfigError, text_of
from tui_mlp.files import WriteError, absolute, check_outputs
from tui_mlp.presets import PRESETS
from tui_mlp.settings_file import SettingsFileError, load_config, save_config

if TYPE_CHECKING:
    from tui_mlp.session import Command, Comparer, Curves, Snapshot, Trainer

DEFAULT_SETTINGS = "run.toml"


def first_run_hint(config: Config) -> str:
    """The log's text before the first run: what the map of this task and data
    set shows, and which preset shows what it can learn. From the settings
    alone: it shows before torch has loaded."""
    data = config.data
    classes = data.classes or 2  # a CSV's own number of labels is known once it is read
    if data.task == "regression":
        return ("Press s to train. A regression: the map shades the predicted value, the points "
                "their target; R² near 1 is a close fit (the presets plane and gaussians, p, reach 0.95).")
    if classes > 2:
        return (f"Press s to train. {classes} classes: the map gives each its own colour, "
                "shaded by the winning probability; the spiral3 preset (p) separates a 3-arm spiral.")
    if data.dataset == "moons":
        return ("Press s to train. The book's settings (learning rate 0.2, 1000 epochs) leave a "
                "nearly straight boundary between the moons; for one that bends around them, "
                "choose the micrograd preset (p).")
    return ("Press s to train. The map colours the two classes' regions, shaded by the network's "
            "confidence; the boundary is where they meet. The presets (p) show what each setting does.")

#: How a notice is marked in the log.
NOTICE_PREFIX = {"warning": "[Warning]", "error": "[Error]"}
#: A notice the session logged is among this many of the latest lines.
NOTICE_LOOKBACK = 8


class TrainPane(Pane):
    TAB, TITLE = "train-tab", "Train"
    KEYS = frozenset({"preset", "save", "load", "curves", "points"})

    def __init__(self, config: Config, submit: Callable[[Command], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._trainer: Trainer | None = None  # once torch has loaded
        self._submit = submit
        self.form = SettingsForm(config, id="settings")
        self.boundary = BoundaryMap(id="boundary")
        self.curves = CurvesPlot(id="curves")
        self.train_log = TrainLog(id="log", placeholder=first_run_hint(config))
        self._hint_config = config  # the settings the hint was written for
        self.status = StatusLine(id="status")
        self._log_count = 0
        # what the map and the curves show now (references: a new object means new data)
        self._data_version = -1
        self._map_params: dict | None = None
        self._curves_shown: tuple[Curves, int | None] | None = None  # and the epoch marked
        self._map_pace = Pace(0.2)  # while training, at most 5 maps a second...
        self._curves_pace = Pace(0.3)  # ...and 3 plots
        self._settings_path = DEFAULT_SETTINGS
        self._applied = config  # the settings last handed to the worker
        self._asking = False  # the question before a reset is open

    def compose(self) -> ComposeResult:
        # a grid (app.tcss): in a wide terminal the status sits under the log,
        # not across the screen (a repaint covers the box around everything
        # changed, and this keeps the form out of the frequent status + log
        # frames); in a narrow one it spans the screen, so it keeps its labels
        yield self.form
        with Container(id="panes"):
            yield self.boundary
            yield self.curves
            yield self.train_log
        yield self.status

    def on_mount(self) -> None:
        self.form.border_title = "settings"
        self.boundary.heading = self.boundary.border_title = "decision boundary"
        self.curves.border_title = "curves: loss (c)"
        self.train_log.border_title = "log"

    def engine_ready(self, trainer: Trainer, comparer: Comparer) -> None:
        self._trainer = trainer
        self._settings_applied()  # a field left while torch loaded

    # ------------------------------------------------------------ drawing
    def show(self, snap: Snapshot) -> None:
        if self._trainer is None:
            return
        lines, self._log_count = self._trainer.log.since(self._log_count)
        if snap.config != self._hint_config:
            self._hint_config = snap.config
            self.train_log.set_placeholder(first_run_hint(snap.config))
        if lines:
            self.train_log.write_lines(lines)
        self.status.show(snap)
        if snap.data is None:
            return
        running = snap.state == session.State.RUNNING
        if snap.params is not self._map_params and self._map_pace.due(running):
            if snap.data_version != self._data_version:
                self.boundary.set_data(*snap.data)
                self._data_version = snap.data_version
            if snap.params is not None:
                model, head = snap.config.model, nn.head_for(snap.config.data)
                self.boundary.heading = head.map_title  # the map titles itself with it
                self.boundary.show(snap.params, model.activation, model.features, head)
            self._map_params = snap.params
        shown = self._curves_shown
        if (shown is None or snap.curves is not shown[0] or snap.viewing != shown[1]) \
                and self._curves_pace.due(running):
            self.curves.show(snap.curves, snap.viewing, nn.head_for(snap.config.data).scoring)
            retitle(self.curves, f"curves: {self.curves.title} (c)")
            self._curves_shown = (snap.curves, snap.viewing)

    def log_notice(self, message: str, severity: str) -> None:
        """Put a notice in the log whole (its toast shows one row of it),
        unless the session logged it already (before the session is there, straight into the log)."""
        line = f"{NOTICE_PREFIX.get(severity, '[Note]')} {message}"
        if self._trainer is None:
            self.train_log.write_lines([line])
            return
        log = self._trainer.log
        if not any(message in old for old in log.since(0)[0][-NOTICE_LOOKBACK:]):
            log.append(line)

    def cycle_points(self) -> None:
        """The next choice of which points the map shows."""
        self.boundary.cycle_points()

    def toggle_curves(self) -> None:
        """Loss or accuracy."""
        self.curves.border_title = f"curves: {self.curves.toggle()} (c)"

    # ------------------------------------------------------------ the form and commands
    @on(SettingsForm.Applied)
    def _settings_applied(self) -> None:
        if self._discards(self.form.unsent()):
            if not isinstance(self.screen.focused, Input):  # a choice or a box: the change is whole
                self._ask()
            return  # a value being typed: asked about once the field is left
        self._send_pending()

    def on_descendant_blur(self) -> None:
        if self._discards(self.form.unsent()):
            self._ask()

    def _send_pending(self) -> None:
        """The form's new settings to the worker (once there is one: until then they wait in the form)."""
        pending = self.form.take_pending() if self._trainer is not None else None
        if pending is not None:
            self._configure(pending)

    def _configure(self, config: Config) -> None:
        self._applied = config
        self._submit(session.Configure(config))

    def _discards(self, config: Config | None) -> bool:
        """Whether sending ``config`` would reset a run that has trained: a new
        data set or model (training settings are applied to the run as it is)."""
        applied = self._applied
        return config is not None and self._trainer is not None and self._trainer.snapshot.epoch > 0 and \
            (config.data, config.model) != (applied.data, applied.model)

    def _ask(self, then: Callable[[], None] | None = None) -> None:
        """Ask before the form's settings reset the trained run: apply them, or
        keep the run and give the fields back their values; then run ``then``."""
        config = self.form.unsent()
        if self._asking or config is None:
            return
        self._asking = True

        def answered(apply: bool | None) -> None:
            self._asking = False
            if apply:
                self._send_pending()
            else:
                self.form.set_config(self._applied)
            if then is not None:
                then()
        self.app.push_screen(ConfirmReset(self._question(config)), answered)

    def _question(self, config: Config) -> str:
        applied = self._applied
        changed = [f"{FIELDS[name].label} {text_of(applied.get(name))} → {text_of(config.get(name))}"
                   for name in FIELDS if FIELDS[name].group in ("data", "model")
                   and config.get(name) != applied.get(name)]
        what = "new data" if config.data != applied.data else "a new model"
        epochs = self._trainer.snapshot.epoch if self._trainer is not None else 0
        return f"{'; '.join(changed)} is {what}: it resets the run and loses its {epochs} trained epochs."

    def after_fields(self, then: Callable[[], None]) -> None:
        """Run ``then`` once every settings field has handled the keys already
        sent to it. textual handles an app key before a field has seen the
        keys typed just ahead of it, so without this "30, enter, s" typed in
        one burst could start the run before the 30 is in the form. Every
        command key goes through here, so they keep their order too."""
        fields = list(self.form.query(Input))
        pending = len(fields)

        def one_done() -> None:
            nonlocal pending
            pending -= 1
            if pending == 0:
                then()

        for field in fields:
            field.call_later(one_done)

    def send(self, command: Command, needs_valid_form: bool = False, verb: str = "") -> None:
        """Send the form's settings if they changed, then ``command``; refuse
        (naming the field) if the command needs a valid form and it is not."""
        if self._discards(self.form.unsent()):  # the command waits for the answer
            self._ask(lambda: self.send(command, needs_valid_form, verb))
            return
        self._send_pending()
        if needs_valid_form and self.refuse_invalid(verb):
            return
        self._submit(command)

    def refuse_invalid(self, action: str) -> bool:
        """True (and a notification naming the field) if the form is invalid."""
        error = self.form.first_error()
        if error is None:
            return False
        name, text = error
        label = FIELDS[name].label
        named = text if text.startswith(label) else f"{label}: {text}"
        self.notice(f"cannot {action}: {named}", "error")
        return True

    # ------------------------------------------------------------ presets and the settings file
    def pick_preset(self) -> None:
        """The picker: a preset fills the form and resets the run; its last
        two entries save or load the settings file."""
        def chosen(name: str | None) -> None:
            if name == SAVE_FILE:
                self._save_settings()
            elif name == LOAD_FILE:
                self._load_settings()
            elif name:
                preset = PRESETS[name]
                self._use_settings(preset.config())
                self._submit(session.Reset())
                self.notice(f"preset {name}: {preset.title}", timeout=3)
        self.app.push_screen(PresetPicker(), chosen)

    def _use_settings(self, config: Config) -> None:
        """Show ``config`` in the form and hand it to the worker."""
        self.form.set_config(config)
        self._configure(config)

    def _save_settings(self) -> None:
        if self.refuse_invalid("save the settings"):
            return
        config = self.form.check()
        running = self._trainer.snapshot.config.data_file if self._trainer is not None else None

        def chosen(path: str | None) -> None:
            if not path or config is None:
                return
            self._settings_path = path
            try:
                check_outputs({"the settings file": path},  # the form's CSV and the running one's
                              {"the data file of the settings (csv)": config.data_file,
                               "the data file the run reads (csv)": running})
                save_config(config, path)
            except WriteError as exc:
                self.notice(f"settings not saved: {exc}", "error", timeout=8)
                return
            self.notice(f"settings saved to {absolute(path)}", timeout=3)
        self.app.push_screen(PathDialog("save the settings to a TOML file", self._settings_path, "file"), chosen)

    def _load_settings(self) -> None:
        def chosen(path: str | None) -> None:
            if not path:
                return
            self._settings_path = path
            try:  # over the defaults, as `tui-mlp train --config` reads it
                config = load_config(path)
            except (SettingsFileError, ConfigError) as exc:
                self.notice(f"settings not loaded: {exc}", "error", timeout=10)
                return
            self._use_settings(config)
            self.notice(f"settings loaded from {path}", timeout=3)
        self.app.push_screen(PathDialog("load the settings from a TOML file", self._settings_path, "file"), chosen)
