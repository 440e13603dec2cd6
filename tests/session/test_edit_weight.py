"""The network tab's edits in the session: ``EditWeight`` sets or nudges one
entry of the live model when not running, the worker re-evaluates and
publishes at once, training goes on from the edited weights; and every
snapshot after an epoch carries copies of that epoch's gradients."""
from __future__ import annotations

import pytest
import torch

from tests.session.test_trainer import SMALL, events, log_lines, run, trainer  # noqa: F401 - fixtures
from tui_mlp.config import MAX_EDIT_WEIGHT
from tui_mlp.experiment import build
from tui_mlp.session import Configure, EditWeight, Event, Seek, State, Step, Toggle, Trainer


def test_a_set_value_is_in_the_model_and_in_the_snapshot_with_new_losses(
        trainer: Trainer, events: list[Event]) -> None:  # noqa: F811
    run(trainer, Step())
    before = trainer.snapshot
    run(trainer, EditWeight("fc1", "W", (1, 2), value=2.5))
    snap = trainer.snapshot
    assert snap is not before and snap.state == State.PAUSED and snap.epoch == 1
    assert float(snap.params["fc1"]["W"][1, 2]) == 2.5
    assert float(trainer.experiment.model.linears[0].params["W"][1, 2]) == 2.5
    # the published losses are those of the edited network, counted here on a copy
    exp = build(SMALL, data=(trainer.experiment.train_set, trainer.experiment.dev_set,
                             trainer.experiment.test_set))
    exp.runner.set_parameters(snap.params)
    (train_score, train_loss), (dev_score, dev_loss) = (exp.runner.evaluate(exp.train_set),
                                                        exp.runner.evaluate(exp.dev_set))
    assert snap.metrics == pytest.approx((train_loss, train_score, dev_loss, dev_score), rel=1e-6)
    assert snap.metrics != before.metrics
    assert "edited fc1.W[1,2] = 2.5" in snap.note
    assert log_lines(trainer)[-1].startswith("[Edit] fc1.W[1,2] ")
    assert not [e for e in events if e.kind != "info"]


def test_a_nudge_moves_the_entry_by_its_delta(trainer: Trainer) -> None:  # noqa: F811
    old = float(trainer.snapshot.params["fc2"]["b"][0, 0])
    run(trainer, EditWeight("fc2", "b", (0, 0), delta=0.1), EditWeight("fc2", "b", (0, 0), delta=0.1))
    assert float(trainer.snapshot.params["fc2"]["b"][0, 0]) == pytest.approx(old + 0.2, abs=1e-6)


def test_training_goes_on_from_the_edited_weights(trainer: Trainer) -> None:  # noqa: F811
    run(trainer, EditWeight("fc1", "b", (0, 1), value=-1.25))
    edited = trainer.snapshot.params
    run(trainer, Step())
    # the same epoch from the edited weights, on a separate copy of the experiment
    exp = build(SMALL, data=(trainer.experiment.train_set, trainer.experiment.dev_set,
                             trainer.experiment.test_set))
    exp.runner.set_parameters(edited)
    exp.runner.step(exp.train_set, exp.dev_set)
    for name, layer in exp.runner.parameters().items():
        for key, value in layer.items():
            torch.testing.assert_close(trainer.snapshot.params[name][key], value, rtol=1e-6, atol=1e-7)


def test_an_edit_of_a_finished_run_says_how_to_train_on_from_it(trainer: Trainer) -> None:  # noqa: F811
    """``s`` on a finished run starts a new one: more epochs keep the edit and train on from it."""
    run(trainer, Toggle())
    assert trainer.snapshot.state == State.FINISHED
    run(trainer, EditWeight("fc1", "b", (0, 0), value=3.0))
    assert trainer.snapshot.note == "edited fc1.b[0,0] = 3; raise epochs to train on from it"
    run(trainer, Configure(SMALL.with_values(epochs=SMALL.train.epochs + 1)))
    assert trainer.snapshot.state == State.PAUSED
    assert float(trainer.snapshot.params["fc1"]["b"][0, 0]) == 3.0
    run(trainer, EditWeight("fc1", "b", (0, 0), value=2.0))
    assert trainer.snapshot.note == "edited fc1.b[0,0] = 2"


def test_edits_are_refused_while_running_and_outside_the_network_or_range(
        events: list[Event]) -> None:  # noqa: F811
    t = Trainer(SMALL.with_values(epochs=3), emit=events.append)
    run(t, Toggle(), EditWeight("fc1", "W", (0, 0), value=1.0))  # queued after the start: running
    assert [e.text for e in events if e.kind == "warning"] == ["fc1.W[0,0]: pause (s) before editing weights"]
    assert not any(line.startswith("[Edit]") for line in log_lines(t))
    events.clear()
    before = t.snapshot.params
    run(t, EditWeight("fc1", "W", (0, 0), value=2 * MAX_EDIT_WEIGHT), EditWeight("fc9", "b", (0, 0), delta=0.1),
        EditWeight("fc1", "b", (0, 7), delta=0.1))
    assert [e.text for e in events] == [
        f"fc1.W[0,0]: '{2 * MAX_EDIT_WEIGHT!r}' is not accepted; expected a number >= -100 and <= 100",
        "fc9.b[0,0]: no such weight in this network",
        "fc1.b[0,7]: no such weight in this network"]
    assert all(e.kind == "error" for e in events)
    assert t.snapshot.params is before  # nothing published, nothing changed


def test_snapshots_carry_copies_of_the_last_epochs_gradients(trainer: Trainer) -> None:  # noqa: F811
    assert trainer.snapshot.grads is None  # no epoch yet
    run(trainer, Step())
    grads = trainer.snapshot.grads
    assert grads is not None
    for layer in trainer.experiment.model.linears:
        for key in ("W", "b"):
            assert grads[layer.name][key] is not layer.grads[key]
            torch.testing.assert_close(grads[layer.name][key], layer.grads[key], rtol=0, atol=0)
            assert grads[layer.name][key].shape == layer.params[key].shape


def test_edits_are_refused_while_the_timeline_shows_an_earlier_epoch(
        trainer: Trainer, events: list[Event]) -> None:  # noqa: F811
    run(trainer, Step(), Step(), Step())
    run(trainer, Seek(-1))
    assert trainer.snapshot.viewing is not None
    shown = trainer.snapshot.params
    run(trainer, EditWeight("fc1", "b", (0, 0), value=1.0))
    assert [e.text for e in events if e.kind == "warning"] == [f"fc1.b[0,0]: {EditWeight.PAST}"]
    assert trainer.snapshot.params is shown and trainer.snapshot.grads is None  # no gradients kept per epoch
    run(trainer, Seek(1, "run"), EditWeight("fc1", "b", (0, 0), value=1.0))  # at the latest: edited
    assert float(trainer.snapshot.params["fc1"]["b"][0, 0]) == 1.0
