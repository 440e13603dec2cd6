"""The training session: the one object that owns the Experiment.

No textual here. The app runs ``Trainer.work`` in a single thread worker and
talks to it only through ``submit`` (an ordered command queue the worker
drains between epochs) and by reading ``snapshot`` (an immutable object
swapped in by reference) and ``log`` (a bounded, lock-protected buffer).
Rare events (errors, saves, loads, resets) go out through ``emit``.

Commands are queued rather than set as flags so that a storm of key presses
is applied in the order pressed: the final state always matches the last
key, and only one loop ever touches the model. The worker exits when it is
neither running nor holding commands; ``submit`` tells the caller when a new
worker is needed, under the same lock the worker uses to decide to exit, so
a command can never be left behind with no worker to run it.
"""
from __future__ import annotations

import copy
import threading
import time
from collections import deque
from typing import Callable

import torch

from tui_mlp.config import TIMELINE_BYTES, Config, ConfigError, parse_weight
from tui_mlp.data import DataError, Dataset
from tui_mlp.diagnostics import Diagnosis, GradCheck, budgeted_gradient_check, diagnose
from tui_mlp.experiment import Experiment, SplitError, TooBig, build, load_data
from tui_mlp.files import WriteError, absolute
from tui_mlp.nn import MLP
from tui_mlp.results import TestResult, evaluate_best, run_record, write_history_csv, write_run_json
from tui_mlp.runner import EpochRecord, Stop, final_line, run_line, saved_line, test_line
from tui_mlp.session.commands import (
    CheckGradients,
    Command,
    Configure,
    EditWeight,
    Export,
    Load,
    Replay,
    Reset,
    Rewind,
    Save,
    Seek,
    SetPace,
    Step,
    Test,
    Toggle,
)
from tui_mlp.session.snapshot import DEFAULT_PACE, Curves, Event, LogBuffer, Snapshot, State, curves_of
from tui_mlp.session.timeline import Params, Timeline, View, replay_rate, replay_stop, rewind_line, seek

#: Seconds between published snapshots while running (plus one at every state change).
PUBLISH_INTERVAL = 0.04
#: Seconds between diagnoses of the weights (dead units, histograms) while running.
DIAGNOSE_INTERVAL = 0.25
#: The longest a paced worker sleeps at once: commands and quit act within it.
PACE_SLICE = 0.05
#: Epochs of per-layer gradient norms kept for the lab's sparklines.
NORM_EPOCHS = 120


class Trainer:
    def __init__(self, config: Config, emit: Callable[[Event], None] = lambda event: None) -> None:
        self.emit = emit
        self.log = LogBuffer()
        self.snapshot = Snapshot(0, 0, State.IDLE, 0, config, None, None)
        self._config = config
        self._exp: Experiment | None = None
        self._state = State.IDLE
        self._steps = 0  # epochs still to run before pausing (the `n` key)
        self._run = 0  # a new number for every experiment adopted (what redraws key on)
        self._runs_trained = 0  # runs that trained an epoch: the numbers the log shows
        self._changes: list[str] = []  # what changed since the last run that trained
        self._begun = False  # the adopted experiment has been trained
        self._data_version = 0
        self._commands: deque[Command] = deque()
        self._doing: Command | None = None  # the command being handled, if any
        self._lock = threading.Lock()
        self._active = False  # a worker is running `work` (or about to)
        self._last_publish = 0.0
        self._shown_params: dict | None = None
        self._shown_grads: dict | None = None
        self._metrics: tuple[float, float, float, float] | None = None
        self._speed = 0.0
        self._pace: float | None = DEFAULT_PACE
        self._due = 0.0  # when a paced run may start its next epoch (perf_counter)
        self._wake = threading.Event()  # set by submit: a sleeping worker looks at its queue
        self._error: str | None = None
        self._note = ""
        self._segment_start = (0.0, 0)  # (time, epoch) when running last began, for epochs/s
        self._norms: deque[tuple[float, ...]] = deque(maxlen=NORM_EPOCHS)
        self._norms_end = -1
        self._diagnosis: Diagnosis | None = None
        self._diagnosis_time = 0.0
        self._tested: TestResult | None = None
        self._grad_check: tuple[int, GradCheck] | None = None
        self._timeline: Timeline | None = None  # of the run in ``_exp``
        self._view: View | None = None  # the timeline's cursor, when not at the latest epoch
        self._replay: tuple[float, int] | None = None  # (perf_counter, epoch) when a replay began
        self._continued = ""  # the note of a step that left the cursor, kept once it is done
        #: Set by the UI while the Lab tab shows: per-epoch gradient norms and the
        #: rationed diagnose() cost the training thread time, so they run only then.
        self.live_diagnostics = False

    @property
    def experiment(self) -> Experiment:
        """The worker's experiment: built by the first command, so every
        handler after ``_handle`` has one. Only the worker may touch it."""
        if self._exp is None:
            raise RuntimeError("the session has no experiment before its first command")
        return self._exp

    # ------------------------------------------------------------ UI side
    def submit(self, command: Command) -> bool:
        """Queue a command; True when the caller must start a worker."""
        with self._lock:
            self._commands.append(command)
            self._wake.set()
            if self._active:
                return False
            self._active = True
            return True

    @property
    def busy(self) -> bool:
        """A worker is alive or about to be."""
        return self._active

    def unfinished_writes(self) -> list[str]:
        """What the user asked to write that is not written: saves and exports
        still queued, or in progress, when the worker was cancelled."""
        with self._lock:
            commands = [c for c in (self._doing, *self._commands) if isinstance(c, (Save, Export))]
        return [f"save to {c.directory}" if isinstance(c, Save) else f"export of the {c.what} to {c.path}"
                for c in commands]

    def abandon(self) -> None:
        """The worker died outside the guarded code: let the next command start another."""
        with self._lock:
            self._active = False

    # ------------------------------------------------------------ worker side
    def work(self, cancelled: Callable[[], bool]) -> None:
        """The worker's body: drain commands, run epochs, exit when idle.

        Cancellation (quit) is checked before every command and every epoch;
        the commands it leaves stay queued, so ``unfinished_writes`` can name them."""
        idle_exit = False
        try:
            while not cancelled():
                with self._lock:
                    if not self._commands and not self._wants_epoch() and self._replay is None:
                        idle_exit, self._active = True, False
                        return
                while not cancelled():
                    with self._lock:
                        if not self._commands:
                            break
                        self._doing = self._commands.popleft()
                    self._guarded(self._handle, self._doing)
                    self._doing = None
                if self._wants_epoch() and not cancelled():
                    self._guarded(self._train, cancelled)
                elif self._replay is not None and not cancelled():
                    self._guarded(self._replay_frame, cancelled)
        finally:
            with self._lock:
                if not idle_exit:  # cancelled or crashed: no worker is left
                    self._active = False

    def _wants_epoch(self) -> bool:
        return self._exp is not None and (self._state == State.RUNNING or self._steps > 0)

    def _commands_waiting(self) -> bool:
        with self._lock:
            return bool(self._commands)

    def _guarded(self, fn: Callable, *args: object) -> None:
        """Run one command or a stretch of training; any exception becomes state ``error``."""
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 - a fault in an epoch must not kill the app
            where = f"epoch {self._exp.runner.epoch}" if self._exp is not None else "setup"
            self._fail(f"{where}: {type(exc).__name__}: {exc}")

    def _fail(self, message: str) -> None:
        self._state, self._steps, self._error = State.ERROR, 0, message
        self.log.append(f"[Error] {message}")
        self.emit(Event("error", message))
        self._publish(params=False)

    # ------------------------------------------------------------ commands
    def _handle(self, command: Command) -> None:
        if isinstance(command, Configure):
            self._configure(command.config)
        elif self._exp is None:
            self._rebuild(self._config, new_data=True)
            self._handle(command)
        elif isinstance(command, (Seek, Replay, Rewind)):
            self._timeline_command(command)
        elif isinstance(command, Toggle):
            self._replay = None
            self._toggle()
        elif isinstance(command, Step):
            self._replay = None
            self._step()
        elif isinstance(command, Reset):
            self._reset("reset: fresh weights from the seed")
        elif isinstance(command, Test):
            self._test()
        elif isinstance(command, Save):
            self._save(command.directory)
        elif isinstance(command, Load):
            self._load(command.directory)
        elif isinstance(command, CheckGradients):
            self._check_gradients()
        elif isinstance(command, Export):
            self._export(command.what, command.path)
        elif isinstance(command, SetPace):
            self._set_pace(command.epochs_per_second)
        elif isinstance(command, EditWeight):
            self._edit(command)

    def _toggle(self) -> None:
        if self._state == State.RUNNING:
            self._set_state(State.PAUSED)
            return
        if self._state in (State.FINISHED, State.ERROR):
            self._reset("new run")
        if self.experiment.runner.epoch >= self._config.train.epochs:
            self.emit(Event("warning", f"already at epoch {self.experiment.runner.epoch}: raise epochs or reset"))
            return
        self._segment_start = (time.perf_counter(), self.experiment.runner.epoch)
        self._steps = 0
        self._set_state(State.RUNNING, self._leave_view())

    def _step(self) -> None:
        if self._state in (State.IDLE, State.PAUSED) and self.experiment.runner.epoch < self._config.train.epochs:
            self._segment_start = (time.perf_counter(), self.experiment.runner.epoch)
            self._steps += 1
            self._note = self._leave_view() or self._note
        elif self._state == State.RUNNING:
            self.emit(Event("warning", "one epoch (n) works when idle or paused: pause with s first"))
        else:
            self.emit(Event("warning", f"the run is {self._state}: reset (r) or start anew (s)"))

    def _set_pace(self, pace: float | None) -> None:
        self._pace = pace
        if self._replay is not None and self._view is not None:  # the new pace from here on
            self._replay = (time.perf_counter(), self._view.epoch)
        self._segment_start = (time.perf_counter(), self.experiment.runner.epoch)  # a new epochs/s
        self._publish(params=False)

    def _reset(self, note: str) -> None:
        self._rebuild(self._config, new_data=False, note=note)

    def _test(self) -> None:
        result = self._tested = evaluate_best(self.experiment)
        # the confusion matrices: lab tab
        self.log.append(test_line(result.score, result.loss, self.experiment.runner.scoring))
        self._note = result.note()
        self._publish()

    def _check_gradients(self) -> None:
        result = budgeted_gradient_check(self.experiment.model, *self.experiment.train_set)
        self._grad_check = (self.experiment.runner.epoch, result)
        self.log.append(result.line())
        self.emit(Event("info", f"gradient check: worst error {result.worst:.3g} "
                                f"({result.checked} entries)"))
        self._publish(params=False)

    def _export(self, what: str, path: str) -> None:
        """Write the history or the run; a refused path is a notification naming it."""
        exp = self.experiment
        try:
            if what == "history":
                write_history_csv(path, exp.runner.history, exp.runner.scoring)
                text = f"history ({len(exp.runner.history)} epochs) written to {absolute(path)}"
            else:
                write_run_json(path, run_record(exp, evaluate_best(exp)))
                text = f"run (settings, seeds, metrics, confusion matrices) written to {absolute(path)}"
        except WriteError as exc:
            self.emit(Event("error", f"export {what}: {exc}"))
            return
        self.log.append(f"[Export] {text}")
        self.emit(Event("info", text))

    def _save(self, directory: str) -> None:
        from tui_mlp.checkpoint import CheckpointError

        runner = self.experiment.runner
        try:
            runner.save_model(directory, best=True)
        except CheckpointError as exc:
            self.emit(Event("error", str(exc)))
            return
        line = saved_line(runner, directory)
        self.log.append(line)
        self.emit(Event("info", line.removeprefix("[Save] ")))

    def _load(self, directory: str) -> None:
        from tui_mlp.checkpoint import CheckpointError

        fresh = build(self._config, data=self._data(), diagnostics=True)
        try:
            fresh.runner.load_model(directory)
        except CheckpointError as exc:
            self.emit(Event("error", str(exc)))
            return
        self._adopt(fresh, f"loaded {directory}")
        score, loss = fresh.runner.evaluate(fresh.dev_set)
        line = f"[Load] model loaded from {directory}; dev score/loss: {score:.4f}/{loss:.4f}"
        self.log.append(line)
        self.emit(Event("info", line.removeprefix("[Load] ")))
        self._publish()

    def _edit(self, edit: EditWeight) -> None:
        """Set or nudge one weight or bias of the live model (not while
        running), then evaluate and publish at once: the maps and the losses
        show the edited network, and training goes on from it."""
        if self._state == State.RUNNING or self._view is not None:
            why = EditWeight.REFUSED if self._state == State.RUNNING else EditWeight.PAST
            self.emit(Event("warning", f"{edit.name}: {why}"))
            return
        layers = {layer.name: layer for layer in self.experiment.model.linears}
        layer = layers.get(edit.layer)
        param = None if layer is None else layer.params.get(edit.key)
        row, col = edit.index
        if param is None or not (0 <= row < param.shape[0] and 0 <= col < param.shape[1]):
            self.emit(Event("error", f"{edit.name}: no such weight in this network"))
            return
        old = float(param[row, col])
        value = edit.value if edit.value is not None else old + edit.delta
        try:
            value = parse_weight(edit.name, repr(value))
        except ConfigError as exc:
            self.emit(Event("error", str(exc)))
            return
        with torch.inference_mode():  # as the optimiser updates it
            param[row, col] = value
        exp = self.experiment
        train_score, train_loss = exp.runner.evaluate(exp.train_set)
        dev_score, dev_loss = exp.runner.evaluate(exp.dev_set)
        self._metrics = (train_loss, train_score, dev_loss, dev_score)
        new = float(param[row, col])
        self.log.append(f"[Edit] {edit.name} {old:.4g} -> {new:.4g}; train loss {train_loss:.4f}, "
                        f"dev loss {dev_loss:.4f}")
        self._note = f"edited {edit.name} = {new:.4g}"
        if self._state == State.FINISHED:  # s would start afresh and drop the edit
            self._note += "; raise epochs to train on from it"
        self._publish()

    def _configure(self, config: Config) -> None:
        old = self._config
        if self._exp is not None and config == old:
            return
        if self._exp is not None and (config.data, config.model) == (old.data, old.model):
            self.experiment.retune(config.train)
            self._config = config
            more = self.experiment.runner.epoch < config.train.epochs
            if self._state == State.FINISHED and more:
                self._set_state(State.PAUSED)  # s goes on to the new number of epochs
            elif self._state == State.PAUSED and not more:
                self._set_state(State.FINISHED)  # nothing left to resume: s starts a new run
            self._note = "training settings applied, weights kept"
            self._publish()
            return
        first = self._exp is None
        was_training = not first and self.experiment.runner.epoch > 0
        new_data = first or config.data != old.data
        note = "" if first else ("new data" if new_data else "new model") + (": run reset" if was_training else "")
        try:
            self._rebuild(config, new_data=new_data, note=note)
        except DataError as exc:  # a split that does not fit the rows: the dev field's to fix
            self.emit(Event("error", str(exc), field="dev" if isinstance(exc, SplitError) else "csv"))
            return
        except TooBig as exc:
            self.emit(Event("error", str(exc)))
            return
        if was_training:
            what = "data" if new_data else "model"
            self.emit(Event("warning", f"{what} settings changed: the run was reset (training settings "
                                       f"alone keep the weights)"))

    # ------------------------------------------------------------ building
    def _data(self) -> tuple[Dataset, Dataset, Dataset]:
        exp = self.experiment
        return exp.train_set, exp.dev_set, exp.test_set

    def _rebuild(self, config: Config, new_data: bool, note: str = "") -> None:
        """A fresh experiment (new weights from the init seed); DataError leaves
        everything as it was."""
        data = load_data(config) if new_data or self._exp is None else self._data()
        exp = build(config, data=data, diagnostics=True)
        if new_data:
            self._data_version += 1
        self._config = config
        self._adopt(exp, note)

    def _adopt(self, exp: Experiment, note: str) -> None:
        if self._begun:
            self._changes, self._begun = [], False
        if note and note not in self._changes:  # for the [Run] line of the next run that trains
            self._changes.append(note)
        self._exp = exp
        self._run += 1
        self._state, self._steps, self._error = State.IDLE, 0, None
        self._speed = 0.0
        self._note = note
        self._norms.clear()
        self._diagnosis = self._tested = self._grad_check = None
        self._timeline = Timeline(_live(exp), exp.runner.history.capacity)
        self._view = self._replay = None
        train_score, train_loss = exp.runner.evaluate(exp.train_set)
        dev_score, dev_loss = exp.runner.evaluate(exp.dev_set)
        self._metrics = (train_loss, train_score, dev_loss, dev_score)
        self._publish()

    # ------------------------------------------------------------ training
    def _train(self, cancelled: Callable[[], bool]) -> None:
        """Epochs through the one training loop, ``Runner.train``, until a
        command waits, a step is done, the run ends or the app quits."""
        exp, train = self.experiment, self._config.train
        if not self._begun:  # where a run's lines begin
            self._begun, self._runs_trained = True, self._runs_trained + 1
            self.log.append(run_line(self._runs_trained, self._changes, self._config))
        self._use_live_diagnostics()
        self._due = time.perf_counter()

        def should_stop() -> bool:
            self._wait_for_pace(cancelled)
            return cancelled() or self._commands_waiting() or not self._wants_epoch()

        outcome = exp.runner.train(exp.train_set, exp.dev_set, train.epochs, train.log_epochs,
                                   log=self.log.append, on_epoch=self._after_epoch, should_stop=should_stop)
        if outcome.error is not None:
            self._fail(outcome.error)
        elif outcome.stopped in (Stop.DONE, Stop.EARLY):
            if outcome.last is not None:  # the CLI's closing line, before the test's
                self.log.append(final_line(outcome.last, exp.runner.scoring))
            self._set_state(State.FINISHED)
            self._test()
        elif self._steps == 0 and self._state != State.RUNNING:
            self._set_state(State.PAUSED, self._continued)

    def _wait_for_pace(self, cancelled: Callable[[], bool]) -> None:
        """While running at a pace, sleep until the next epoch is due, in
        slices, waking at once for a command; steps are never delayed."""
        if self._pace is None or self._state != State.RUNNING:
            return
        while not cancelled() and not self._commands_waiting():
            left = self._due - time.perf_counter()
            if left <= 0:
                break
            self._wake.clear()
            if not self._commands_waiting():
                self._wake.wait(min(left, PACE_SLICE))
        # the next epoch is due one period after this one was; a late epoch
        # does not earn a burst of catching up
        self._due = max(self._due, time.perf_counter() - 1 / self._pace) + 1 / self._pace

    def _use_live_diagnostics(self) -> None:
        """Per-epoch gradient norms only while the UI asks for them; the norms
        kept are always the latest epochs in a row."""
        runner = self.experiment.runner
        live = self.live_diagnostics  # set by the UI thread: read once
        if live and not runner.diagnostics:
            self._norms.clear()
        runner.diagnostics = live

    def _after_epoch(self, record: EpochRecord) -> None:
        runner = self.experiment.runner
        if self._timeline is not None:
            self._timeline.record(record.epoch, _live(self.experiment))
        if record.grad_norms is not None:
            self._norms.append(record.grad_norms)
            self._norms_end = record.epoch
        self._metrics = (record.train_loss, record.train_score, record.dev_loss, record.dev_score)
        if self._steps:
            self._steps -= 1
        start, start_epoch = self._segment_start
        elapsed = time.perf_counter() - start
        if elapsed > 0:
            self._speed = (runner.epoch - start_epoch) / elapsed
        self._use_live_diagnostics()
        if time.perf_counter() - self._last_publish >= PUBLISH_INTERVAL:
            self._publish()

    def _set_state(self, state: State, note: str = "") -> None:
        self._state = state
        if state != State.RUNNING:
            self._steps = 0
        self._note, self._continued = note, ""
        self._publish()

    def _gradients(self) -> dict | None:
        """Copies of every linear layer's dL/dW and dL/db from the last epoch
        (with mini-batches, its last batch's; None before the first epoch)."""
        layers = self.experiment.model.linears
        if any(not layer.grads for layer in layers):
            return None
        return {layer.name: {k: v.clone() for k, v in layer.grads.items()} for layer in layers}

    def _publish(self, params: bool = True) -> None:
        """Swap in a new snapshot. ``params=False`` keeps the last drawn weights
        (after a divergence they may not be finite)."""
        exp = self._exp
        epoch, best, best_epoch, curves, data = 0, 0.0, -1, Curves(), None
        metrics, view = self._metrics, self._view
        if exp is not None:
            runner = exp.runner
            if view is not None:
                params = params and view.params is not self._shown_params
                self._shown_params, metrics = view.params, view.metrics
                self._shown_grads = None  # the timeline keeps no gradients
            elif params or self._shown_params is None:
                self._shown_params = runner.parameters()
                self._shown_grads = self._gradients()
            now = time.perf_counter()
            moving = self._state == State.RUNNING or self._replay is not None
            if params and (not moving or (
                    self.live_diagnostics and now - self._diagnosis_time >= DIAGNOSE_INTERVAL)):
                # on copies (tui_mlp.diagnostics); rationed: it costs a forward and a backward
                self._diagnosis, self._diagnosis_time = diagnose(self._shown_model(), *exp.train_set), now
            curves = curves_of(runner.history)
            epoch, best, best_epoch, data = runner.epoch, runner.best_score, runner.best_epoch, self._data()
        self.snapshot = Snapshot(
            run=self._run, data_version=self._data_version, state=self._state,
            epoch=epoch, config=self._config, data=data, params=self._shown_params,
            metrics=metrics, best_score=best, best_epoch=best_epoch,
            curves=curves, speed=self._speed, pace=self._pace, error=self._error, note=self._note,
            grad_norms=tuple(self._norms), norms_end=self._norms_end, diagnosis=self._diagnosis,
            tested=self._tested, grad_check=self._grad_check, grads=self._shown_grads,
            viewing=None if view is None else view.epoch, replaying=self._replay is not None)
        self._last_publish = time.perf_counter()

    def _shown_model(self) -> MLP:
        """The model with the parameters the snapshot shows: the live one, or
        for the cursor's epoch a copy holding that epoch's parameters."""
        model = self.experiment.model
        if self._view is None:
            return model
        model = copy.deepcopy(model)
        for layer in model.linears:
            layer.params.update({k: v.clone() for k, v in self._view.params[layer.name].items()})
        return model

    # ------------------------------------------------------------ the timeline
    def _timeline_command(self, command: Seek | Replay | Rewind) -> None:
        """Cursor keys, ``y`` and ``b``: only when paused or finished with epochs kept."""
        if isinstance(command, Replay) and self._replay is not None:
            self._replay = None  # y again: stop where it is
            self._publish()
            return
        self._replay = None
        timeline, latest = self._timeline, self.experiment.runner.epoch - 1
        if self._state not in (State.PAUSED, State.FINISHED):
            why = "pause with s first" if self._state == State.RUNNING else "train first (s or n)"
            self.emit(Event("warning", f"the timeline works when paused or finished: {why}"))
            return
        if timeline is None or not timeline.capacity:
            self.emit(Event("warning", f"no timeline: one epoch of this network's parameters takes more "
                                       f"than half of the {TIMELINE_BYTES // 2**20} MB kept"))
            return
        stops, at = timeline.stops(latest), latest if self._view is None else self._view.epoch
        if isinstance(command, Seek):
            self._look_at(seek(stops, at, command.steps, command.unit))
            if self._commands_waiting():
                return  # a storm of cursor keys: only where it ends is drawn (and diagnosed)
        elif isinstance(command, Replay):
            self._look_at(stops[0] if at == latest else at)
            self._replay = (time.perf_counter(), stops[0] if at == latest else at)
        else:
            self._rewind()
            return
        self._publish()

    def _look_at(self, epoch: int) -> None:
        """Put the cursor on a stop of the timeline."""
        runner = self.experiment.runner
        if epoch == runner.epoch - 1:
            self._view = None
        elif self._view is None or self._view.epoch != epoch:
            assert self._timeline is not None
            self._view = View(epoch, self._timeline.params(epoch), runner.history.row(epoch))

    def _leave_view(self) -> str:
        """Back to the latest epoch to train on; the note saying so, if the cursor was elsewhere."""
        if self._view is None:
            return ""
        self._view = None
        self._continued = f"continuing from the latest epoch {self.experiment.runner.epoch - 1}"
        return self._continued

    def _replay_frame(self, cancelled: Callable[[], bool]) -> None:
        """One frame of a replay: wait a publish interval (waking for a
        command), then move the cursor as far as the pace has got."""
        due = self._last_publish + PUBLISH_INTERVAL
        while not cancelled() and not self._commands_waiting() and time.perf_counter() < due:
            self._wake.clear()
            if not self._commands_waiting():
                self._wake.wait(min(due - time.perf_counter(), PACE_SLICE))
        if self._replay is None or self._commands_waiting() or cancelled():
            return
        assert self._timeline is not None
        began, start = self._replay
        latest = self.experiment.runner.epoch - 1
        elapsed = time.perf_counter() - began
        self._look_at(replay_stop(self._timeline.stops(latest), start, replay_rate(self._pace, latest) * elapsed))
        if self._view is None:
            self._replay = None  # at the end: the replay stops there
        self._publish()

    def _rewind(self) -> None:
        """The cursor's epoch becomes the run's latest: its weights, the
        history and gradient norms through it, the epoch counter after it, a
        fresh optimiser (its state of that epoch is not kept)."""
        timeline, exp = self._timeline, self.experiment
        if self._view is None or timeline is None:
            self.emit(Event("warning", "the cursor is at the latest epoch: move it back (left, home) to rewind"))
            return
        epoch = self._view.epoch
        exp.rewind(epoch, self._view.params, lambda e: timeline.params(e) if e in timeline.epochs else None)
        timeline.truncate(epoch)
        while self._norms and self._norms_end > epoch:
            self._norms.pop()
            self._norms_end -= 1
        self._metrics, self._tested, self._grad_check = self._view.metrics, None, None
        self._view = None
        self.log.append(rewind_line(epoch))
        more = exp.runner.epoch < self._config.train.epochs
        self._set_state(State.PAUSED if more else State.FINISHED, f"rewound to epoch {epoch}: s goes on from it")


def _live(exp: Experiment) -> Params:
    """The model's own parameter tensors by layer (no copies: read them only)."""
    return {layer.name: layer.params for layer in exp.model.linears}
