"""The timeline through the session, driven synchronously as in
test_trainer.py: the cursor, replay and rewind."""
from __future__ import annotations

import time

import pytest
import torch

from tests.session.test_trainer import SMALL, log_lines, run
from tui_mlp.config import Config
from tui_mlp.experiment import build
from tui_mlp.session import (
    Configure,
    Event,
    Replay,
    Rewind,
    Seek,
    SetPace,
    Snapshot,
    State,
    Step,
    Toggle,
    Trainer,
)
from tui_mlp.session.timeline import rewind_line


@pytest.fixture
def events() -> list[Event]:
    return []


def finished(config: Config, events: list[Event]) -> Trainer:
    """A session whose run of ``config`` has finished."""
    trainer = Trainer(config, emit=events.append)
    run(trainer, Configure(config), Toggle())
    assert trainer.snapshot.state == State.FINISHED
    return trainer


@pytest.fixture
def done(events: list[Event]) -> Trainer:
    return finished(SMALL, events)


def params_close(a: dict | None, b: dict) -> bool:
    """The same layers, equal within float32 rounding (runs computed apart)."""
    return a is not None and a.keys() == b.keys() and all(
        torch.allclose(a[n][k], b[n][k], rtol=1e-5, atol=1e-6) for n in a for k in a[n])


def trained(config: Config, epochs: int) -> dict:
    """The parameters of a fresh run of ``config`` after ``epochs`` epochs."""
    exp = build(config)
    for _ in range(epochs):
        exp.step()
    return exp.runner.parameters()


def test_the_cursor_shows_the_parameters_and_metrics_of_a_past_epoch(done: Trainer) -> None:
    latest = done.snapshot
    assert latest.viewing is None
    run(done, Seek(-1))
    snap = done.snapshot
    assert snap.viewing == 28 and snap.epoch == 30 and snap.state == State.FINISHED
    assert params_close(snap.params, trained(SMALL, 29))  # epoch 28 is the 29th
    row = snap.curves.epochs.index(28)
    assert snap.metrics == (snap.curves.train_loss[row], snap.curves.train_score[row],
                            snap.curves.dev_loss[row], snap.curves.dev_score[row])
    assert snap.diagnosis is not None and snap.diagnosis is not latest.diagnosis


def test_cursor_keys_move_by_one_by_a_tenth_and_to_either_end(done: Trainer) -> None:
    run(done, Seek(-1, "tenth"))
    assert done.snapshot.viewing == 26
    run(done, Seek(-1, "run"))
    assert done.snapshot.viewing == 0
    run(done, Seek(1), Seek(1, "tenth"))
    assert done.snapshot.viewing == 4
    run(done, Seek(1, "run"))
    assert done.snapshot.viewing is None and params_close(done.snapshot.params, trained(SMALL, 30))


def test_the_timeline_waits_for_a_pause_or_the_end(events: list[Event]) -> None:
    trainer = Trainer(SMALL, emit=events.append)
    run(trainer, Configure(SMALL), Seek(-1))
    assert trainer.snapshot.viewing is None
    assert events[-1] == Event("warning", "the timeline works when paused or finished: train first (s or n)")


def test_starting_or_stepping_from_a_past_epoch_continues_from_the_latest(events: list[Event]) -> None:
    trainer = finished(SMALL, events)
    longer = SMALL.with_values(epochs=40)
    run(trainer, Configure(longer), Seek(-5))
    assert trainer.snapshot.state == State.PAUSED and trainer.snapshot.viewing == 24
    run(trainer, Step())
    snap = trainer.snapshot
    assert snap.epoch == 31 and snap.viewing is None and snap.note == "continuing from the latest epoch 29"
    run(trainer, Seek(-1, "run"), Toggle())
    assert trainer.snapshot.epoch == 40 and trainer.snapshot.viewing is None
    assert params_close(trainer.snapshot.params, trained(longer, 40))


def test_rewind_sets_the_run_back_to_the_cursor_and_training_goes_on_from_there(events: list[Event]) -> None:
    trainer = Trainer(SMALL, emit=events.append)
    trainer.live_diagnostics = True  # gradient norms recorded, to be cut back too
    run(trainer, Configure(SMALL), Toggle())
    run(trainer, Seek(-1, "run"), Seek(9), Rewind())
    snap = trainer.snapshot
    assert snap.state == State.PAUSED and snap.epoch == 10 and snap.viewing is None
    assert snap.curves.epochs == tuple(range(10)) and snap.norms_end == 9 and len(snap.grad_norms) == 10
    assert params_close(snap.params, trained(SMALL, 10))
    assert 0 <= snap.best_epoch <= 9 and snap.tested is None
    assert rewind_line(9) in log_lines(trainer)
    assert rewind_line(9) == "[Rewind] back to epoch 9; optimizer state reset"
    run(trainer, Seek(-1, "run"))
    assert trainer.snapshot.viewing == 0  # the timeline ends at the new latest epoch
    run(trainer, Toggle())
    snap = trainer.snapshot
    assert snap.state == State.FINISHED and snap.epoch == 30 and snap.curves.epochs == tuple(range(30))
    assert params_close(snap.params, trained(SMALL, 30))  # plain gradient descent has no state to lose


def test_rewind_resets_the_optimizer_state_and_uses_the_current_learning_rate(events: list[Event]) -> None:
    config = SMALL.with_values(optimizer="momentum")
    trainer = finished(config, events)
    faster = config.with_values(lr=0.5)
    run(trainer, Configure(faster), Seek(-1, "run"), Seek(4), Rewind())
    optimizer = trainer.experiment.runner.optimizer
    assert optimizer.lr == optimizer.init_lr == 0.5 and optimizer.velocity == {}
    assert trainer.snapshot.epoch == 5
    run(trainer, Step())
    fresh = build(faster)
    fresh.runner.set_parameters(trained(config, 5))
    fresh.runner.epoch = 5
    fresh.step()
    assert params_close(trainer.experiment.runner.parameters(), fresh.runner.parameters())


def test_rewind_at_the_latest_epoch_changes_nothing(done: Trainer, events: list[Event]) -> None:
    before = done.snapshot
    run(done, Rewind())
    assert done.snapshot.epoch == before.epoch and events[-1].kind == "warning"
    assert "move it back" in events[-1].text


def replayed(trainer: Trainer, monkeypatch: pytest.MonkeyPatch, *commands) -> list[Snapshot]:
    """Every snapshot published while ``commands`` run."""
    shown: list[Snapshot] = []
    real = Trainer._publish

    def publish(self: Trainer, params: bool = True) -> None:
        real(self, params)
        shown.append(self.snapshot)

    monkeypatch.setattr(Trainer, "_publish", publish)
    run(trainer, *commands)
    return shown


def test_replay_from_the_end_plays_the_run_from_the_start_then_stops(
        done: Trainer, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = replayed(done, monkeypatch, SetPace(100), Replay())  # 0.3 s, a frame each 0.04 s
    viewing = [s.viewing for s in shown if s.replaying and s.viewing is not None]
    assert viewing[0] == 0 and viewing == sorted(viewing)
    assert shown[-1].viewing is None and not shown[-1].replaying and done.snapshot.state == State.FINISHED


def test_replay_from_the_cursor_and_a_step_ends_it(events: list[Event], monkeypatch: pytest.MonkeyPatch) -> None:
    trainer = Trainer(SMALL, emit=events.append)
    run(trainer, Configure(SMALL))
    for _ in range(6):
        run(trainer, Step())
    run(trainer, Seek(-2))
    assert trainer.snapshot.viewing == 3
    shown = replayed(trainer, monkeypatch, SetPace(10), Replay(), Step())
    assert [s.viewing for s in shown if s.replaying][0] == 3
    snap = trainer.snapshot
    assert not snap.replaying and snap.viewing is None and snap.epoch == 7 and snap.state == State.PAUSED


def test_the_first_kept_params_are_a_copy_not_the_live_tensors(done: Trainer) -> None:
    run(done, Seek(-1, "run"))
    first = done.snapshot.params
    assert first is not None and not torch.equal(first["fc1"]["W"], done.experiment.model.linears[0].params["W"])


def test_a_storm_of_cursor_keys_publishes_where_it_ends(done: Trainer, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = replayed(done, monkeypatch, Seek(-1), Seek(-1), Seek(-1))
    assert [s.viewing for s in shown] == [26]


def test_a_new_pace_during_a_replay_goes_on_from_where_it_is(
        done: Trainer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never back: the new pace counts from the epoch reached, not from the start."""
    began: list[float] = []

    def slow_down_then_quit() -> bool:
        now = time.perf_counter()
        if not began:
            began.append(now)
        elif len(began) == 1 and now - began[0] > 0.15:
            began.append(now)
            done.submit(SetPace(10))
        return len(began) == 2 and now - began[1] > 0.3

    shown: list[Snapshot] = []
    real = Trainer._publish

    def publish(self: Trainer, params: bool = True) -> None:
        real(self, params)
        shown.append(self.snapshot)

    monkeypatch.setattr(Trainer, "_publish", publish)
    done.submit(SetPace(100))
    done.submit(Replay())
    done.work(slow_down_then_quit)
    replayed_epochs = [s.viewing for s in shown if s.replaying and s.viewing is not None]
    assert replayed_epochs == sorted(replayed_epochs) and replayed_epochs[-1] > 1
