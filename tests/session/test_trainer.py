"""The session's state machine, driven synchronously: commands are
submitted, ``Trainer.work`` runs in this thread until it would go idle, and
the published snapshots and log are checked. No textual, no threads."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
import torch

from tui_mlp.config import Config
from tui_mlp.session import (
    CheckGradients,
    Command,
    Configure,
    Event,
    Export,
    Load,
    Reset,
    Save,
    SetPace,
    State,
    Step,
    Test,
    Toggle,
    Trainer,
)

SMALL = Config().with_values(n_samples=200, train=120, dev=40, epochs=30, log_epochs=10)


def never() -> bool:
    return False


def run(trainer: Trainer, *commands: Command, cancelled: Callable[[], bool] = never) -> None:
    """Queue ``commands`` and drive the worker until it exits."""
    for command in commands:
        trainer.submit(command)
    trainer.work(cancelled)
    assert not trainer.busy


@pytest.fixture
def events() -> list[Event]:
    return []


@pytest.fixture
def trainer(events: list[Event]) -> Trainer:
    t = Trainer(SMALL, emit=events.append)
    run(t, Configure(SMALL))
    return t


def log_lines(trainer: Trainer) -> list[str]:
    return trainer.log.since(0)[0]


def params_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[n][k], b[n][k]) for n in a for k in a[n])


def test_configure_builds_the_experiment_and_publishes_an_idle_snapshot(trainer: Trainer) -> None:
    snap = trainer.snapshot
    assert snap.state == State.IDLE and snap.epoch == 0 and snap.run == 1
    assert snap.data is not None and [s[0].shape[0] for s in snap.data] == [120, 40, 40]
    assert snap.params is not None and set(snap.params) == {"fc1", "fc2"}
    assert snap.metrics is not None and all(0 <= m for m in snap.metrics)


def test_start_runs_to_the_end_then_tests_the_best_model(trainer: Trainer) -> None:
    run(trainer, Toggle())
    snap = trainer.snapshot
    assert snap.state == State.FINISHED and snap.epoch == SMALL.train.epochs
    assert snap.curves.epochs == tuple(range(SMALL.train.epochs))
    assert snap.tested is not None and 0.0 <= snap.tested.score <= 1.0
    lines = log_lines(trainer)
    assert [line.split(",")[0] for line in lines if line.startswith("[Train]")] == \
        ["[Train] epoch: 0/30", "[Train] epoch: 10/30", "[Train] epoch: 20/30"]
    assert lines[-1].startswith("[Test] score/loss: ")
    assert lines[-2].startswith(f"[Final] epoch {SMALL.train.epochs - 1}: train loss ")  # as the CLI


def test_the_session_trains_exactly_as_the_runner_alone(trainer: Trainer) -> None:
    from tui_mlp.experiment import build

    run(trainer, Toggle())
    exp = build(SMALL)
    exp.runner.train(exp.train_set, exp.dev_set, SMALL.train.epochs, log=lambda line: None)
    assert trainer.snapshot.curves.train_loss == tuple(exp.runner.train_loss)


def test_steps_run_one_epoch_each_then_pause(trainer: Trainer) -> None:
    run(trainer, Step(), Step(), Step())
    assert (trainer.snapshot.state, trainer.snapshot.epoch) == (State.PAUSED, 3)


def test_a_command_queued_mid_run_stops_the_loop_between_epochs(trainer: Trainer) -> None:
    paused: list[int] = []

    def pause_at_five() -> bool:
        exp = trainer._exp
        if exp is not None and exp.runner.epoch == 5 and not paused:
            paused.append(exp.runner.epoch)
            trainer.submit(Toggle())
        return False

    run(trainer, Toggle(), cancelled=pause_at_five)
    assert (trainer.snapshot.state, trainer.snapshot.epoch) == (State.PAUSED, 5)
    run(trainer, Toggle())  # resume: on to the end
    assert (trainer.snapshot.state, trainer.snapshot.epoch) == (State.FINISHED, SMALL.train.epochs)


def test_commands_apply_in_the_order_queued(trainer: Trainer) -> None:
    run(trainer, Toggle(), Toggle())  # start then pause, before any epoch
    assert (trainer.snapshot.state, trainer.snapshot.epoch) == (State.PAUSED, 0)
    run(trainer, Step(), Reset(), Step())
    assert (trainer.snapshot.state, trainer.snapshot.epoch) == (State.PAUSED, 1)


def test_cancelled_stops_the_worker_before_the_next_epoch(trainer: Trainer) -> None:
    run(trainer, Toggle(), cancelled=lambda: trainer.experiment.runner.epoch >= 4)
    assert trainer.snapshot.epoch <= 4 and trainer.submit(Test())  # a new worker is needed


def test_submit_asks_for_a_worker_only_when_none_is_running() -> None:
    t = Trainer(SMALL)
    assert t.submit(Configure(SMALL)) is True and t.busy
    assert t.submit(Step()) is False  # the running (here: pending) worker takes it
    t.work(never)
    assert not t.busy and t.snapshot.epoch == 1
    assert t.submit(Test()) is True


def test_reset_draws_the_same_weights_again(trainer: Trainer) -> None:
    start = trainer.snapshot.params
    run(trainer, Step(), Step())
    assert not params_equal(trainer.snapshot.params, start)
    run(trainer, Reset())
    snap = trainer.snapshot
    assert (snap.state, snap.epoch, snap.run) == (State.IDLE, 0, 2)
    assert params_equal(snap.params, start)


def test_training_settings_keep_the_weights_model_settings_reset(trainer: Trainer, events) -> None:
    run(trainer, Step(), Step())
    run(trainer, Configure(SMALL.with_values(lr=0.5)))
    assert trainer.snapshot.epoch == 2 and trainer.snapshot.note == "training settings applied, weights kept"
    run(trainer, Configure(SMALL.with_values(lr=0.5, hidden=(3,))))
    assert trainer.snapshot.epoch == 0 and trainer.snapshot.params["fc1"]["W"].shape == (2, 3)
    assert events[-1].kind == "warning" and "model settings changed" in events[-1].text


def test_more_epochs_after_finishing_resume_the_run(trainer: Trainer) -> None:
    run(trainer, Toggle())
    run(trainer, Configure(SMALL.with_values(epochs=40)))
    assert trainer.snapshot.state == State.PAUSED
    run(trainer, Toggle())
    assert (trainer.snapshot.state, trainer.snapshot.epoch) == (State.FINISHED, 40)


def test_divergence_is_an_error_state_and_start_begins_a_new_run(events) -> None:
    wild = SMALL.with_values(lr=100.0)
    t = Trainer(wild, emit=events.append)
    run(t, Configure(wild), Toggle())
    assert t.snapshot.state == State.ERROR and "diverged" in (t.snapshot.error or "")
    assert any(line.startswith("[Error] training diverged") for line in log_lines(t))
    assert events[-1].kind == "error"
    run(t, Configure(SMALL), Toggle())
    assert t.snapshot.state == State.FINISHED and t.snapshot.error is None


def test_early_stopping_finishes_with_its_line() -> None:
    config = SMALL.with_values(epochs=500, patience=3)
    t = Trainer(config)
    run(t, Configure(config), Toggle())
    assert t.snapshot.state == State.FINISHED and t.snapshot.epoch < 500
    assert any(line.startswith("[Early stop] no better dev score for 3 epochs") for line in log_lines(t))


def test_save_then_load_restores_the_best_model(trainer: Trainer, tmp_path: Path, events,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run(trainer, Toggle())
    run(trainer, Save("best"))  # relative: the messages name it absolutely
    assert events[-1].kind == "info" and events[-1].text.startswith("best model (epoch ")
    assert events[-1].text.endswith(f"saved to {tmp_path / 'best'}")
    assert log_lines(trainer)[-1] == f"[Save] {events[-1].text}"
    run(trainer, Reset(), Load(str(tmp_path / "best")))
    assert events[-1].kind == "info" and "loaded" in events[-1].text
    assert any(line.startswith("[Load] model loaded from") for line in log_lines(trainer))


def test_a_refused_load_leaves_the_model_as_it_was(trainer: Trainer, tmp_path: Path, events) -> None:
    run(trainer, Step())
    before = trainer.snapshot
    run(trainer, Load(str(tmp_path / "missing")))
    assert events[-1].kind == "error" and trainer.snapshot.run == before.run
    assert params_equal(trainer.snapshot.params, before.params)


def test_export_writes_the_run_record_the_cli_writes(trainer: Trainer, tmp_path: Path, cli) -> None:
    import json

    run(trainer, Toggle())
    run(trainer, Export("run", str(tmp_path / "run.json")), Export("history", str(tmp_path / "h.csv")))
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["epochs"] == SMALL.train.epochs and record["config"] == SMALL.to_dict()
    assert set(record["confusion"]) == {"dev", "test"}
    assert (tmp_path / "h.csv").read_text().count("\n") == SMALL.train.epochs + 1
    code, _, err = cli("train", "--n-samples", "200", "--train", "120", "--dev", "40", "--epochs", "30",
                       "--log-epochs", "10", "--export-json", str(tmp_path / "cli.json"))
    assert code == 0, err
    from_cli = json.loads((tmp_path / "cli.json").read_text())
    assert from_cli.pop("seconds") >= 0 and from_cli == record  # the same builder, the same run


def test_gradient_check_is_published(trainer: Trainer) -> None:
    run(trainer, Step())
    run(trainer, CheckGradients())
    epoch, check = trainer.snapshot.grad_check
    assert epoch == 1 and check.worst < 1e-4


def test_live_diagnostics_record_gradient_norms(trainer: Trainer) -> None:
    trainer.live_diagnostics = True
    run(trainer, Step(), Step(), Step())
    assert len(trainer.snapshot.grad_norms) == 3 and trainer.snapshot.norms_end == 2
    assert all(len(norms) == 2 for norms in trainer.snapshot.grad_norms)


def test_a_fault_in_an_epoch_is_an_error_not_a_crash(trainer: Trainer, monkeypatch) -> None:
    from tui_mlp.runner import Runner

    def broken(self, train_set, dev_set):
        raise RuntimeError("injected")

    monkeypatch.setattr(Runner, "step", broken)
    run(trainer, Toggle())
    assert trainer.snapshot.state == State.ERROR
    assert "[Error] epoch 0: RuntimeError: injected" in log_lines(trainer)


# ---------------------------------------------------------------- pace
def test_paces_step_through_the_list_and_stop_at_the_ends() -> None:
    from tui_mlp import config
    from tui_mlp.session import DEFAULT_PACE, PACES, next_pace, pace_text

    assert (PACES, DEFAULT_PACE) == (config.PACES, config.DEFAULT_PACE)  # the limits' one place
    assert DEFAULT_PACE in PACES and PACES[-1] is None
    assert next_pace(PACES[0], -1) == PACES[0] and next_pace(None, +1) is None
    assert next_pace(DEFAULT_PACE, +1) == PACES[PACES.index(DEFAULT_PACE) + 1]
    assert (pace_text(200), pace_text(None)) == ("200/s", "max")


def test_a_paced_run_sleeps_to_its_pace(trainer: Trainer) -> None:
    import time

    run(trainer, SetPace(100))
    assert trainer.snapshot.pace == 100
    start = time.perf_counter()
    run(trainer, Toggle())  # 30 epochs at 100/s: about 0.3 s however fast the machine
    elapsed = time.perf_counter() - start
    assert trainer.snapshot.epoch == SMALL.train.epochs
    assert elapsed >= 0.28


def test_steps_are_not_delayed_by_the_pace(trainer: Trainer, monkeypatch) -> None:
    sleeps: list[float | None] = []
    monkeypatch.setattr(trainer._wake, "wait", lambda timeout=None: sleeps.append(timeout))
    run(trainer, SetPace(10))
    run(trainer, Step(), Step(), Step())
    assert trainer.snapshot.epoch == 3 and sleeps == []


def test_a_command_wakes_a_slowly_paced_worker(trainer: Trainer) -> None:
    """At one epoch every 2 s a pause lands at once, not at the next epoch."""
    import threading
    import time

    run(trainer, SetPace(0.5))
    trainer.submit(Toggle())
    worker = threading.Thread(target=trainer.work, args=(never,))
    worker.start()
    time.sleep(0.35)
    asked = time.perf_counter()
    trainer.submit(Toggle())
    worker.join(timeout=5)
    assert not worker.is_alive() and trainer.snapshot.state == State.PAUSED
    assert time.perf_counter() - asked < 1.0
    assert trainer.snapshot.epoch == 1


def test_quit_lands_within_a_slice_however_slow_the_pace(trainer: Trainer) -> None:
    import threading
    import time

    run(trainer, SetPace(0.5))
    trainer.submit(Toggle())
    stop = threading.Event()
    worker = threading.Thread(target=trainer.work, args=(stop.is_set,))
    worker.start()
    time.sleep(0.25)
    asked = time.perf_counter()
    stop.set()
    worker.join(timeout=5)
    assert not worker.is_alive() and time.perf_counter() - asked < 1.0  # the period is 2 s


def test_a_save_left_by_quit_is_named_not_lost(trainer: Trainer, tmp_path: Path) -> None:
    """Quit before a queued save: it stays queued, and the session names it."""
    trainer.submit(Step())
    trainer.submit(Save(str(tmp_path / "best")))
    trainer.submit(Export("run", str(tmp_path / "run.json")))
    trainer.work(lambda: True)  # cancelled at once
    assert trainer.unfinished_writes() == [f"save to {tmp_path / 'best'}",
                                           f"export of the run to {tmp_path / 'run.json'}"]
    assert not (tmp_path / "best").exists()
    run(trainer)  # a later worker still does them, in order
    assert trainer.unfinished_writes() == [] and (tmp_path / "run.json").exists()


def test_nothing_unfinished_after_a_normal_run(trainer: Trainer, tmp_path: Path) -> None:
    run(trainer, Step(), Save(str(tmp_path / "best")))
    assert trainer.unfinished_writes() == [] and (tmp_path / "best" / "fc1.pdparams").exists()


def test_runs_are_numbered_only_when_they_train(trainer: Trainer) -> None:
    """Resets and new settings before anything trains start no new number:
    the next run that trains says what changed since the last one."""
    run(trainer, Toggle())
    assert log_lines(trainer)[0] == f"[Run 1] {SMALL.summary()}"
    other = SMALL.with_values(seed=7)
    run(trainer, Reset(), Reset(), Configure(other), Reset())
    assert sum(line.startswith("[Run") for line in log_lines(trainer)) == 1
    run(trainer, Toggle())
    runs = [line for line in log_lines(trainer) if line.startswith("[Run")]
    assert runs[1] == f"[Run 2] reset: fresh weights from the seed; new data; {other.summary()}"
    for _ in range(2):
        run(trainer, Reset(), Toggle())
    assert [line.split("]")[0] for line in log_lines(trainer) if line.startswith("[Run")] == \
        ["[Run 1", "[Run 2", "[Run 3", "[Run 4"]


def test_a_split_that_does_not_fit_a_csv_is_the_dev_fields_error_a_bad_file_the_csvs(
        trainer: Trainer, events, tmp_path: Path) -> None:
    data = tmp_path / "small.csv"
    data.write_text("x1,x2,label\n" + "".join(f"{i / 10},{-i / 10},{i % 2}\n" for i in range(30)))
    run(trainer, Configure(SMALL.with_values(dataset="csv", csv=str(data), train=25, dev=10)))
    assert events[-1].kind == "error" and events[-1].field == "dev" and "split 25/10/-5" in events[-1].text
    run(trainer, Configure(SMALL.with_values(dataset="csv", csv=str(tmp_path / "none.csv"))))
    assert events[-1].kind == "error" and events[-1].field == "csv"
