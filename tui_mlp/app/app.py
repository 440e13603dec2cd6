"""TrainerApp: the tabs, the training worker, and the keys.

The worker runs ``Trainer.work`` and is the only code that touches the
model. The screen polls ``trainer.snapshot`` (a reference swap) and hands it
to the tab shown, in the frames the redraw policy (``pacing``) allows; each
tab's pane redraws only what changed. Rare events arrive as ``TrainerEvent``
messages.

Every key is bound here, so the footer lists them in one order; a key that
belongs to a tab is handed to that tab's pane, and is listed and works only
on the tabs whose pane names it (``Pane.KEYS``).

The layout and the settings form need no torch, so they are drawn first;
torch and the session load off the UI thread after that first frame
(``engine``), and the map, curves and status fill in when they arrive. The
app's keys pressed meanwhile (all but quit and help) act then, in the order
pressed, and the status says that they wait.
"""
from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from textual import events, on, work
from textual.actions import parse
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.dom import DOMNode
from textual.geometry import Size
from textual.lazy import Lazy
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState, get_current_worker

from tui_mlp.app import engine
from tui_mlp.app.adapter import KeysFooter, clear_toasts
from tui_mlp.app.engine import session
from tui_mlp.app.pacing import POLL_INTERVAL, Pacer
from tui_mlp.app.panes.activations import ActivationsPane
from tui_mlp.app.panes.base import Notice, Pane
from tui_mlp.app.panes.compare import COMPARE_GROUP, ComparePane
from tui_mlp.app.panes.lab import LabPane
from tui_mlp.app.panes.network import NetworkPane
from tui_mlp.app.panes.train import TrainPane
from tui_mlp.app.widgets.dialogs import PathDialog
from tui_mlp.app.widgets.help import HelpScreen, key_sections
from tui_mlp.app.widgets.status import StatusLine
from tui_mlp.config import Config

if TYPE_CHECKING:
    from tui_mlp.session import Command, Comparer, Event, Load, Save, Trainer

#: Below this the panes cannot be drawn usefully; a hint shows instead.
MIN_WIDTH, MIN_HEIGHT = 60, 16
DEFAULT_MODEL_DIR = "best_model"
#: The same notification again within this many seconds is not repeated.
NOTICE_REPEAT = 2.0
#: The worker group of the training worker.
TRAIN_GROUP = "train"
#: Keys listed together in the footer (one description), so all fit in 80 columns.
RUN, MODEL = Binding.Group("run"), Binding.Group("model")
TABS, EXPORTS = Binding.Group("tabs"), Binding.Group("export")
VIEW = Binding.Group("view")
#: The timeline's keys: app bindings, not priority ones, so a text field or a
#: list that has the focus keeps its own arrows, Home and End.
EPOCHS = Binding.Group("epochs")
#: The actions that move through the run's past: listed and working only when
#: the run is paused or finished.
TIMELINE_ACTIONS = frozenset({"seek", "replay", "rewind"})
#: The app's actions that work while torch loads; the others wait for it.
WHILE_LOADING = frozenset({"quit", "help"})


class TrainerEvent(Message):
    """A rare event from the worker (error, save, load, reset)."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class MainScreen(Screen[None]):
    """The app's screen, styled once before its first frame. Textual's screen
    takes its size classes at its first resize and restyles every widget
    when it first resumes, though each was styled as it mounted: this one is
    born with the size classes of the terminal it opens in, and its first
    resume restyles nothing (later ones, after a dialog, do)."""

    def __init__(self, size: Size, horizontal: list[tuple[int, str]], vertical: list[tuple[int, str]]) -> None:
        super().__init__(id="_default")
        for extent, breakpoints in ((size.width, horizontal), (size.height, vertical)):
            self.add_class(max(b for b in breakpoints if b[0] <= extent)[1], update=False)
        self._resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Runs before Screen's own handler, which restyles when asked to."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False


class TrainerApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "tui-mlp"
    ENABLE_COMMAND_PALETTE = False
    AUTO_FOCUS = None  # start with focus off the form: single-letter keys work at once
    HORIZONTAL_BREAKPOINTS = [(0, "-too-narrow"), (MIN_WIDTH, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-too-short"), (MIN_HEIGHT, "-short"), (24, "-medium"), (32, "-tall")]
    # help and quit first: the footer is cut on the right in a narrow terminal
    BINDINGS = [
        Binding("question_mark", "help", "help"),
        Binding("q", "quit", "quit"),
        Binding("s", "start_pause", "start/pause", group=RUN),
        Binding("n", "step", "step", group=RUN),
        Binding("minus", "pace(-1)", "slower", group=RUN),
        Binding("plus,equals_sign", "pace(1)", "faster", group=RUN),
        Binding("r", "reset", "reset", group=RUN),
        # the timeline: one footer entry, ←→ y b (shift+arrows, home and end are in the help)
        Binding("left", "seek(-1)", "back one kept epoch", group=EPOCHS, key_display="←→"),
        Binding("right", "seek(1)", "on one kept epoch", show=False),
        Binding("shift+left", "seek(-1, 'tenth')", "back a tenth of the run", show=False),
        Binding("shift+right", "seek(1, 'tenth')", "on a tenth of the run", show=False),
        Binding("home", "seek(-1, 'run')", "first kept epoch", show=False),
        Binding("end", "seek(1, 'run')", "the latest epoch", show=False),
        Binding("y", "replay", "replay", group=EPOCHS),
        Binding("b", "rewind", "rewind", group=EPOCHS),
        Binding("t", "test", "test"),
        Binding("ctrl+s", "save", "save", group=MODEL),
        Binding("ctrl+o", "load", "load", group=MODEL),
        Binding("c", "curves", "loss/acc", group=VIEW),
        Binding("d", "points", "map points", group=VIEW),
        Binding("p", "preset", "presets"),
        Binding("g", "grad_check", "gradcheck", tooltip="gradient check: backward against finite differences"),
        Binding("e", "export_history", "history CSV", group=EXPORTS),
        Binding("j", "export_run", "run JSON", group=EXPORTS),
        Binding("a", "activations", "activations", group=TABS),
        Binding("l", "lab", "lab", group=TABS),
        Binding("v", "compare", "compare", group=TABS),
        Binding("w", "network", "network", group=TABS),
    ]
    #: The session's training run and comparison: there once ``ready``.
    trainer: Trainer
    comparer: Comparer

    def __init__(self, config: Config | None = None) -> None:
        super().__init__()
        self.config = config or Config()
        #: torch and the session have loaded; until then the app's keys wait (``run_action``).
        self.ready = False
        self._waiting: list[str] = []  # the actions of the keys pressed while loading, in order
        self._pace: float | None = None  # the last pace asked for, ahead of the worker's snapshot
        self.model_dir = DEFAULT_MODEL_DIR
        self.pacer = Pacer()
        self.train_pane = TrainPane(self.config, self._submit, id="train-body")
        self.lab_pane = LabPane(self._submit, id="lab")
        self.compare_pane = ComparePane(id="compare")
        self.network_pane = NetworkPane(self._submit, id="network")
        self.panes: dict[str, Pane] = {pane.TAB: pane for pane in (
            self.train_pane, ActivationsPane(id="activations"), self.lab_pane, self.compare_pane,
            self.network_pane)}
        #: The keys some tab names as its own (the rest work on every tab).
        self._tab_keys = frozenset().union(*(pane.KEYS for pane in self.panes.values()))
        self.tabs = TabbedContent(id="tabs", initial=TrainPane.TAB)
        self._last_notice: str | None = None
        self._last_notice_time = 0.0
        self._torch_threads = 0  # torch's intra-op threads before the app set one
        self._past_open = False  # the timeline's keys act (and are listed) now

    @property
    def status(self) -> StatusLine:
        """The train tab's status line."""
        return self.train_pane.status

    @property
    def active_pane(self) -> Pane:
        """The pane of the tab shown (the first tab's before the tabs have set up)."""
        return self.panes[self.tabs.active or TrainPane.TAB]

    def _emit(self, event: Event) -> None:
        """The session's rare events, from the worker thread to the UI's queue."""
        self.post_message(TrainerEvent(event))

    # ------------------------------------------------------------ layout
    def get_default_screen(self) -> Screen:
        return MainScreen(self.size, self.HORIZONTAL_BREAKPOINTS, self.VERTICAL_BREAKPOINTS)

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """Restyle a node whose classes changed, if it is in the DOM: one not
        mounted yet is styled when it mounts (else each class its constructor
        sets, such as compact, would style it there and then)."""
        if node is self or node.is_attached:
            super().update_styles(node, animate)

    def compose(self) -> ComposeResult:
        with Container(id="main"):
            with self.tabs:
                for pane in self.panes.values():
                    with TabPane(pane.TITLE, id=pane.TAB):
                        # the hidden tabs' panes are mounted after the first frame, so it comes sooner
                        yield pane if pane is self.train_pane else Lazy(pane)
        yield Static(f"terminal too small: tui-mlp needs at least {MIN_WIDTH}x{MIN_HEIGHT}; q quits",
                     id="too-small")
        yield KeysFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.set_interval(POLL_INTERVAL, self.poll)
        if engine.loaded():  # torch is here already (tests): nothing to wait for
            self._engine_loaded(load_torch())
        else:
            # after the first frame: while torch's libraries load the UI thread barely runs
            self.call_after_refresh(self._load_engine)

    @work(thread=True, exit_on_error=False)
    def _load_engine(self) -> None:
        """Import torch and the session off the UI thread, then hand over to it."""
        try:
            threads = load_torch()
        except Exception as exc:  # a broken install: say so in the status, in one line
            gc.enable()  # no session to come: collect as usual
            if self.is_running:
                self.call_from_thread(self.status.show_loading, 0, f"cannot load torch: {exc}")
            return
        if self.is_running:  # else quit came first
            self.call_from_thread(self._engine_loaded, threads)

    def _engine_loaded(self, threads: int) -> None:
        """Torch is here: make the session, fill the panes in, and run the keys that waited."""
        self._torch_threads = threads
        self.trainer = session.Trainer(self.config, emit=self._emit)
        self.comparer = session.Comparer()
        self._pace = session.DEFAULT_PACE
        self.ready = True
        self._submit(session.Configure(self.config))
        for pane in self.panes.values():
            pane.engine_ready(self.trainer, self.comparer)
        self._follow_tab()
        # A quarter of a million objects (torch, textual) live as long as the
        # app: keep them out of the cyclic collector, whose full passes over
        # them otherwise cost both threads tens of milliseconds at a time
        # (the cycles start-up left, under 1 MB, stay with them); then
        # collect the rest again (``tui-mlp`` starts with it off).
        gc.freeze()
        gc.enable()
        waiting, self._waiting = self._waiting, []
        for action in waiting:
            self.call_later(self.run_action, action)

    def on_unmount(self) -> None:
        gc.unfreeze()
        if self.ready:
            import torch

            torch.set_num_threads(self._torch_threads)

    async def run_action(self, action: str | tuple, default_namespace: DOMNode | None = None,
                         namespaces: Mapping[str, DOMNode] | None = None) -> bool:
        """While torch loads, an action of the app's own keys (but ``WHILE_LOADING``)
        is kept to run once it has loaded, and the status says so."""
        if not self.ready and isinstance(action, str) and default_namespace in (None, self):
            target, name, params = parse(action)
            if not target and name not in WHILE_LOADING and f"action_{name}" in vars(TrainerApp) \
                    and self.check_action(name, params):
                self._waiting.append(action)
                self.status.show_loading(len(self._waiting))
                return True
        return await super().run_action(action, default_namespace, namespaces)

    # ------------------------------------------------------------ the worker
    def _submit(self, command: Command) -> None:
        """Queue ``command`` for the worker (only once ``ready``), starting the worker if it waits for one."""
        if self.trainer.submit(command):
            self._train()

    @work(thread=True, exclusive=True, group=TRAIN_GROUP, exit_on_error=False)
    def _train(self) -> None:
        worker = get_current_worker()
        self.trainer.work(lambda: worker.is_cancelled)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The loop catches every epoch's faults; should the worker itself die,
        say so and let the next command start a new one."""
        if event.worker.group == TRAIN_GROUP and event.state == WorkerState.ERROR:
            self.trainer.abandon()
            self.notice(f"training worker failed: {event.worker.error}", severity="error")

    def notice(self, text: str, severity: SeverityLevel = "information", timeout: float | None = None) -> None:
        """Tell the user ``text``: whole in the log, and as a toast of one row
        (cut short by app.tcss) over the tab bar's free end; the newest
        replaces the one shown, so toasts never reach down over the map."""
        self.train_pane.log_notice(text, severity)
        clear_toasts(self)
        self.notify(text, severity=severity, timeout=timeout, markup=False)

    @on(Notice)
    def _pane_notice(self, message: Notice) -> None:
        self.notice(message.text, message.severity, message.timeout)

    @on(TrainerEvent)
    def _trainer_event(self, message: TrainerEvent) -> None:
        event = message.event
        if event.field is not None:
            self.train_pane.form.refuse(event.field, event.text)
        now = time.monotonic()
        if self._last_notice == event.text and now - self._last_notice_time < NOTICE_REPEAT:
            return  # a key held down or pressed in a storm: one toast is enough
        self._last_notice, self._last_notice_time = event.text, now
        severity: SeverityLevel = "information" if event.kind == "info" else \
            "warning" if event.kind == "warning" else "error"
        self.notice(event.text, severity, 6 if event.kind == "error" else 3)

    # ------------------------------------------------------------ drawing
    def poll(self) -> None:
        """Read the latest snapshot and, if the redraw policy allows a frame
        now, hand it to the tab shown. A tick that lands while the app shuts
        down (its screens already gone, its timers not yet) does nothing."""
        if not self.is_running or not self.ready:
            return
        snap = self.trainer.snapshot
        past_open = snap.state in (session.State.PAUSED, session.State.FINISHED) and snap.epoch > 0
        if past_open != self._past_open:
            self._past_open = past_open
            self.refresh_bindings()
        if self.pacer.frame(snap.state == session.State.RUNNING):
            self.active_pane.show(snap)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self) -> None:
        self._follow_tab()
        self.refresh_bindings()  # the footer lists each tab's own keys
        self.poll()

    def _follow_tab(self) -> None:
        """The lab's per-epoch gradient norms cost the worker time: only while it shows."""
        if self.ready:
            self.trainer.live_diagnostics = self.tabs.active == LabPane.TAB

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in TIMELINE_ACTIONS:
            return self._past_open
        if action not in self._tab_keys or not self.is_mounted(self.tabs):
            return True
        return action in self.active_pane.KEYS

    # ------------------------------------------------------------ keys for every tab
    def action_start_pause(self) -> None:
        train = self.train_pane

        def start_or_pause() -> None:
            # pausing needs no valid form; starting and resuming do
            train.send(session.Toggle(), self.trainer.snapshot.state != session.State.RUNNING, "start")
        train.after_fields(start_or_pause)

    def action_pace(self, step: int) -> None:
        """``-``/``+``: the next slower or faster pace, at any time."""
        self._pace = session.next_pace(self._pace, step)
        self._submit(session.SetPace(self._pace))

    def action_seek(self, steps: int, unit: str = "kept") -> None:
        """Arrows (a kept epoch), shift+arrows (a tenth of the run), Home/End: the timeline's cursor."""
        self.train_pane.after_fields(lambda: self._submit(session.Seek(steps, unit)))

    def action_replay(self) -> None:
        """``y``: replay the run from the cursor at the pace (again: stop)."""
        self.train_pane.after_fields(lambda: self._submit(session.Replay()))

    def action_rewind(self) -> None:
        """``b``: the run goes back to the cursor's epoch."""
        self.train_pane.after_fields(lambda: self._submit(session.Rewind()))

    def action_step(self) -> None:
        self.train_pane.after_fields(lambda: self.train_pane.send(session.Step(), True, "step"))

    def action_reset(self) -> None:
        self.train_pane.after_fields(lambda: self.train_pane.send(session.Reset()))

    def action_test(self) -> None:
        self.train_pane.after_fields(lambda: self.train_pane.send(session.Test()))

    def action_save(self) -> None:
        self._ask_model_dir("save the best model to directory", session.Save)

    def action_load(self) -> None:
        self._ask_model_dir("load a model from directory", session.Load)

    def _ask_model_dir(self, title: str, command: type[Save] | type[Load]) -> None:
        """Ask for a directory (default: the last one used), then queue ``command`` with it."""
        def chosen(path: str | None) -> None:
            if path:
                self.model_dir = path
                self._submit(command(path))
        self.push_screen(PathDialog(title, self.model_dir), chosen)

    def action_activations(self) -> None:
        self._switch_tab(ActivationsPane.TAB)

    def action_lab(self) -> None:
        self._switch_tab(LabPane.TAB)

    def action_compare(self) -> None:
        """Show the compare tab (or go back); entering it compares the form's settings."""
        if self._switch_tab(ComparePane.TAB) and not self.train_pane.refuse_invalid("compare"):
            self.compare_pane.compare(self.train_pane.form.check())

    def action_network(self) -> None:
        """Show the network tab (or go back), with the focus on the network: the arrows select a unit."""
        if self._switch_tab(NetworkPane.TAB):
            self.network_pane.view.focus()
        else:
            self.set_focus(None)

    def _switch_tab(self, tab: str) -> bool:
        """Show ``tab``, or the train tab if ``tab`` is shown; True if ``tab`` is shown now."""
        self.tabs.active = TrainPane.TAB if self.tabs.active == tab else tab
        return self.tabs.active == tab

    def action_help(self) -> None:
        """``?``: the keys of the tab shown, from the bindings themselves."""
        self.push_screen(HelpScreen(self.active_pane.TITLE, key_sections(self, self.active_pane)))

    async def action_quit(self) -> None:
        """Stop the workers (they check every epoch), then leave."""
        self.leave()

    def leave(self, return_code: int = 0) -> None:
        """Quit: ``q``, or a signal (SIGTERM, or SIGHUP when the terminal closed)
        with 128 + its number."""
        self.workers.cancel_group(self, TRAIN_GROUP)
        self.workers.cancel_group(self.compare_pane, COMPARE_GROUP)
        self.exit(return_code=return_code)

    # ------------------------------------------------------------ keys of a tab, handed to its pane
    def action_curves(self) -> None:
        """Loss or accuracy: of the compare tab's plot there, else of the train tab's."""
        (self.compare_pane if self.tabs.active == ComparePane.TAB else self.train_pane).toggle_curves()

    def action_points(self) -> None:
        self.train_pane.cycle_points()

    def action_preset(self) -> None:
        self.train_pane.pick_preset()

    def action_grad_check(self) -> None:
        self.lab_pane.check_gradients()

    def action_export_history(self) -> None:
        self.lab_pane.export("history")

    def action_export_run(self) -> None:
        self.lab_pane.export("run")


def load_torch() -> int:
    """Import the torch side and give torch one intra-op thread; the number it had."""
    engine.load()
    import torch

    # The UI thread and the worker share the cores; torch's own thread team
    # per op would only oversubscribe them (the map's forward pass is 30x
    # slower with 2 teams on 2 busy cores).
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    return before

