"""TrainerApp: settings, epoch log, loss curves and the decision boundary,
driven by one thread worker (see ../shared/DESIGN.md, "Threads").

The worker runs ``Trainer.work`` and is the only code that touches the
model. The screen polls ``trainer.snapshot`` (a reference swap) and the
bounded log 10 times a second and redraws only what changed; while training
the map is redrawn at most 5 and the curves at most 3 times a second, and the
UI thread keeps to a small share of the clock (see ``poll``). Rare events
arrive as ``TrainerEvent`` messages.
"""
from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Callable

import torch
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState, get_current_worker

from tui_mlp.session import Command, Comparer, Configure, Event, Load, Reset, Save, State, Step, Test, Toggle, Trainer
from tui_mlp.app.lab_actions import LabActions
from tui_mlp.app.widgets.activations import ActivationsPane
from tui_mlp.app.widgets.boundary import BoundaryMap
from tui_mlp.app.widgets.compare import ComparePane
from tui_mlp.app.widgets.curves import CurvesPlot
from tui_mlp.app.widgets.dialogs import PathDialog
from tui_mlp.app.widgets.lab import LabPane
from tui_mlp.app.widgets.log import TrainLog
from tui_mlp.app.widgets.settings import SettingsForm
from tui_mlp.app.widgets.status import StatusLine
from tui_mlp.config import FIELDS, Config

POLL_INTERVAL = 1 / 10
#: Minimum seconds between redraws while training: status and log, map, curves.
TEXT_INTERVAL = 0.09
MAP_INTERVAL = 0.2
PLOT_INTERVAL = 0.3
#: While training, the UI thread may use this share of the wall clock...
UI_SHARE = 0.05
#: ...and owe at most this many seconds of it (one slow frame cannot stall drawing for long).
MAX_DEBT = 0.05
#: Below this the panes cannot be drawn usefully; a hint shows instead.
MIN_WIDTH, MIN_HEIGHT = 60, 16
DEFAULT_MODEL_DIR = "best_model"
#: The same notification again within this many seconds is not repeated.
NOTICE_REPEAT = 2.0
#: Keys listed together in the footer (one description), so all fit in 80 columns.
RUN, MODEL = Binding.Group("run/step"), Binding.Group("model")
TABS, EXPORTS = Binding.Group("tabs"), Binding.Group("export")


class TrainerEvent(Message):
    """A rare event from the worker (error, save, load, reset)."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class TrainerApp(LabActions, App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "tui-mlp"
    ENABLE_COMMAND_PALETTE = False
    AUTO_FOCUS = None  # start with focus off the form: single-letter keys work at once
    HORIZONTAL_BREAKPOINTS = [(0, "-too-narrow"), (MIN_WIDTH, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-too-short"), (MIN_HEIGHT, "-short"), (32, "-tall")]
    BINDINGS = [
        Binding("s", "toggle", "start/pause", group=RUN),
        Binding("n", "step", "step", group=RUN),
        Binding("r", "reset", "reset"),
        Binding("t", "test", "test"),
        Binding("ctrl+s", "save", "save", group=MODEL),
        Binding("ctrl+o", "load", "load", group=MODEL),
        Binding("c", "curves", "loss/acc"),
        Binding("p", "preset", "presets"),
        Binding("g", "grad_check", "grad check"),
        Binding("e", "export_history", "history CSV", group=EXPORTS),
        Binding("j", "export_run", "run JSON", group=EXPORTS),
        Binding("a", "activations", "activations", group=TABS),
        Binding("l", "lab", "lab", group=TABS),
        Binding("v", "compare", "compare", group=TABS),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, config: Config | None = None) -> None:
        super().__init__()
        self.config = config or Config()
        self.trainer = Trainer(self.config, emit=lambda event: self.post_message(TrainerEvent(event)))
        self.model_dir = DEFAULT_MODEL_DIR
        self.comparer = Comparer()
        self._log_count = 0
        # what each pane shows now (references: a new object means new data)
        self._data_version = -1
        self._map_params: dict | None = None
        self._plot_key: object = None
        self._text_time = self._map_time = self._plot_time = 0.0
        self._cpu_mark, self._wall_mark, self._ui_debt = time.thread_time(), time.perf_counter(), 0.0
        self._last_notice: str | None = None
        self._last_notice_time = 0.0
        self._torch_threads = torch.get_num_threads()

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Container(id="main"):
            with TabbedContent(id="tabs", initial="train-tab"):
                with TabPane("Train", id="train-tab"):
                    with Horizontal(id="train-body"):
                        yield SettingsForm(self.config, id="settings")
                        # the status sits under the log, not across the screen: a
                        # repaint covers the box around everything changed, and
                        # this keeps the form out of that box and makes the
                        # frequent status + log frames small
                        with Vertical(id="right"):
                            with Container(id="panes"):
                                yield BoundaryMap(id="boundary")
                                yield CurvesPlot(id="curves")
                                yield TrainLog(id="log")
                            yield StatusLine(id="status")
                with TabPane("Activations", id="activations-tab"):
                    yield ActivationsPane(id="activations")
                with TabPane("Lab", id="lab-tab"):
                    yield LabPane(id="lab")
                with TabPane("Compare", id="compare-tab"):
                    yield ComparePane(id="compare")
        yield Static(f"terminal too small: tui-mlp needs at least {MIN_WIDTH}x{MIN_HEIGHT}; q quits",
                     id="too-small")
        yield Footer(compact=True, show_command_palette=False)

    def on_load(self) -> None:
        # The UI thread and the worker share the cores; torch's own thread
        # team per op would only oversubscribe them (the map's forward pass
        # is 30x slower with 2 teams on 2 busy cores).
        torch.set_num_threads(1)

    def on_mount(self) -> None:
        self.form = self.query_one(SettingsForm)
        self.boundary = self.query_one("#boundary", BoundaryMap)
        self.curves = self.query_one("#curves", CurvesPlot)
        self.log_pane = self.query_one(TrainLog)
        self.status = self.query_one("#status", StatusLine)
        self.tabs = self.query_one(TabbedContent)
        self.form.border_title = "settings"
        self.boundary.border_title = "decision boundary"
        self.curves.border_title = "curves: loss (c)"
        self.log_pane.border_title = "log"
        self.set_interval(POLL_INTERVAL, self.poll)
        self._submit(Configure(self.config))
        # A quarter of a million objects (torch, textual) live as long as the
        # app: keep them out of the cyclic collector, whose full passes over
        # them otherwise cost both threads tens of milliseconds at a time.
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()
        torch.set_num_threads(self._torch_threads)

    # ------------------------------------------------------------ the worker
    def _submit(self, command: Command) -> None:
        if self.trainer.submit(command):
            self._train()

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _train(self) -> None:
        worker = get_current_worker()
        self.trainer.work(lambda: worker.is_cancelled)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The loop catches every epoch's faults; should the worker itself die,
        say so and let the next command start a new one."""
        if event.worker.group == "train" and event.state == WorkerState.ERROR:
            self.trainer.abandon()
            self.notify(f"training worker failed: {event.worker.error}", severity="error")

    @on(TrainerEvent)
    def _trainer_event(self, message: TrainerEvent) -> None:
        event = message.event
        if event.field is not None:
            self.form.refuse(event.field, event.text)
        now = time.monotonic()
        if self._last_notice == event.text and now - self._last_notice_time < NOTICE_REPEAT:
            return  # a key held down or pressed in a storm: one toast is enough
        self._last_notice, self._last_notice_time = event.text, now
        severity = {"info": "information"}.get(event.kind, event.kind)
        self.notify(event.text, severity=severity, timeout=6 if event.kind == "error" else 3)

    # ------------------------------------------------------------ drawing
    def poll(self) -> None:
        """Pick up the latest snapshot and log lines; redraw what changed.

        While training, the UI thread's time is taken from training (the
        GIL), so drawing is rationed: each pane has a minimum interval, and
        all of them wait while the thread has used more than UI_SHARE of the
        wall clock (a token bucket charged with its measured CPU time, which
        includes Textual's compositing of the frames it caused)."""
        snap = self.trainer.snapshot
        now, cpu = time.perf_counter(), time.thread_time()
        running = snap.state == State.RUNNING
        if running:
            spent, elapsed = cpu - self._cpu_mark, now - self._wall_mark
            self._ui_debt = min(max(self._ui_debt + spent - UI_SHARE * elapsed, 0.0), MAX_DEBT)
        else:
            self._ui_debt = 0.0
        self._cpu_mark, self._wall_mark = cpu, now
        if running and (self._ui_debt > 0 or now - self._text_time < TEXT_INTERVAL):
            return
        self._text_time = now
        lines, self._log_count = self.trainer.log.since(self._log_count)
        if lines:
            self.log_pane.write_lines(lines)
        self.status.show(snap)
        if self.tabs.active != "train-tab":
            self.poll_lab()
            return
        if snap.data is None:
            return
        if snap.params is not self._map_params and (not running or now - self._map_time >= MAP_INTERVAL):
            if snap.data_version != self._data_version:
                self.boundary.set_data(*snap.data)
                self._data_version = snap.data_version
            self.boundary.show(snap.params, snap.config.model.activation)
            self._map_params, self._map_time = snap.params, now
        if snap.curves is not self._plot_key and (not running or now - self._plot_time >= PLOT_INTERVAL):
            self.curves.show(snap.curves)
            self._plot_key, self._plot_time = snap.curves, now

    @on(TabbedContent.TabActivated)
    def _tab_activated(self) -> None:
        self.trainer.live_diagnostics = self.tabs.active == "lab-tab"
        self.refresh_bindings()  # the lab's keys are listed on their tabs only
        self.poll()

    # ------------------------------------------------------------ settings
    @on(SettingsForm.Applied)
    def _settings_applied(self) -> None:
        pending = self.form.take_pending()
        if pending is not None:
            self._submit(Configure(pending))

    def _refuse_invalid(self, action: str) -> bool:
        """True (and a notification naming the field) if the form is invalid."""
        error = self.form.first_error()
        if error is None:
            return False
        name, text = error
        label = FIELDS[name].label
        named = text if text.startswith(label) else f"{label}: {text}"
        self.notify(f"cannot {action}: {named}", severity="error")
        return True

    # ------------------------------------------------------------ actions
    def _after_fields(self, then: Callable[[], None]) -> None:
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

    def _command(self, command: Command, needs_valid_form: bool = False, verb: str = "") -> None:
        """Send the form's settings if they changed, then ``command``; refuse
        (naming the field) if the command needs a valid form and it is not."""
        pending = self.form.take_pending()
        if pending is not None:
            self._submit(Configure(pending))
        if needs_valid_form and self._refuse_invalid(verb):
            return
        self._submit(command)

    def action_toggle(self) -> None:
        def toggle() -> None:
            # pausing needs no valid form; starting and resuming do
            self._command(Toggle(), self.trainer.snapshot.state != State.RUNNING, "start")
        self._after_fields(toggle)

    def action_step(self) -> None:
        self._after_fields(lambda: self._command(Step(), True, "step"))

    def action_reset(self) -> None:
        self._after_fields(lambda: self._command(Reset()))

    def action_test(self) -> None:
        self._after_fields(lambda: self._command(Test()))

    def action_save(self) -> None:
        self._ask_model_dir("save the best model to directory", Save)

    def action_load(self) -> None:
        self._ask_model_dir("load a model from directory", Load)

    def _ask_model_dir(self, title: str, command: type[Save] | type[Load]) -> None:
        """Ask for a directory (default: the last one used), then queue ``command`` with it."""
        def chosen(path: str | None) -> None:
            if path:
                self.model_dir = path
                self._submit(command(path))
        self.push_screen(PathDialog(title, self.model_dir), chosen)

    def action_curves(self) -> None:
        if self.tabs.active == "compare-tab":
            self.compare_pane.toggle_curves()
            return
        mode = self.curves.toggle()
        self.curves.border_title = f"curves: {mode} (c)"

    def action_activations(self) -> None:
        tabs = self.tabs
        tabs.active = "train-tab" if tabs.active == "activations-tab" else "activations-tab"

    def run(self, *args, **kwargs):  # type: ignore[override]
        """Run the app; after a real (not headless) session the process is about
        to end, so spare the interpreter a final collection of torch's objects
        (0.5 s of the 1 s a quit may take)."""
        result = super().run(*args, **kwargs)
        if not kwargs.get("headless"):
            gc.freeze()  # again: on_unmount let everything go back to the collector
        return result

    async def action_quit(self) -> None:
        """Stop the worker (it checks every epoch), then leave."""
        self.workers.cancel_group(self, "train")
        self.workers.cancel_group(self, "compare")
        self.exit()
