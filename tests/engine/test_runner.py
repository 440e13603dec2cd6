"""Runner: the book's RunnerV2_1 contract on a one-epoch ``step``."""
from __future__ import annotations

import dataclasses
import math
import struct

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tui_mlp.nn import MLP, BatchGD, BinaryCrossEntropyLoss, accuracy
from tui_mlp.runner import EpochRecord, Runner, Stop, TrainingDiverged, float32_digits, train_line


def make_runner(lr=0.2, hidden=(5,), seed=0, metric=accuracy, **kwargs) -> Runner:
    model = MLP(2, list(hidden), 1, generator=torch.Generator().manual_seed(seed))
    return Runner(model, BatchGD(lr, model), metric, BinaryCrossEntropyLoss(model), **kwargs)


def params_of(runner: Runner):
    return {(layer.name, k): v.clone() for layer in runner.model.linears for k, v in layer.params.items()}


def quiet(line: str) -> None:
    pass


def train_records(runner, *data, **kwargs) -> list:
    """``runner.train`` with the records of its epochs collected by ``on_epoch``."""
    records: list = []
    runner.train(*data, on_epoch=records.append, **kwargs)
    return records


def test_book_lists_fill_once_per_epoch(moons_splits):
    runner = make_runner()
    records = train_records(runner, *moons_splits[:2], num_epochs=12, log=quiet)
    assert len(records) == 12
    for name in ("train_loss", "train_scores", "dev_loss", "dev_scores"):
        values = getattr(runner, name)
        assert len(values) == 12 and all(isinstance(v, float) for v in values), name
    assert runner.train_loss == [r.train_loss for r in records]
    assert runner.train_scores == [r.train_score for r in records]
    assert runner.dev_loss == [r.dev_loss for r in records]
    assert runner.dev_scores == [r.dev_score for r in records]


def test_evaluate_does_not_touch_the_history(moons_splits):
    train_set, dev_set, test_set = moons_splits
    runner = make_runner()
    runner.train(train_set, dev_set, num_epochs=5, log=quiet)
    lists = {n: list(getattr(runner, n)) for n in ("train_loss", "train_scores", "dev_loss", "dev_scores")}
    best = (runner.best_score, runner.best_epoch, runner.epoch)
    before = params_of(runner)
    score, loss = runner.evaluate(test_set)
    runner.evaluate(dev_set)
    assert isinstance(score, float) and isinstance(loss, float) and 0 <= score <= 1
    assert {n: list(getattr(runner, n)) for n in lists} == lists
    assert (runner.best_score, runner.best_epoch, runner.epoch) == best
    assert all(torch.equal(v, params_of(runner)[k]) for k, v in before.items())


def test_evaluate_is_score_then_loss_of_the_current_model(moons_splits):
    runner = make_runner()
    X, y = moons_splits[1]
    p = runner.model(X)
    score, loss = runner.evaluate((X, y))
    assert score == pytest.approx(accuracy(p, y).item())
    assert loss == pytest.approx(torch.nn.functional.binary_cross_entropy(p, y).item(), rel=1e-6)
    assert torch.equal(runner.predict(X), p)


def test_step_records_are_consistent_and_immutable(moons_splits):
    train_set, dev_set, _ = moons_splits
    runner = make_runner()
    best = 0.0
    for epoch in range(15):
        X, y = train_set
        pre_score, pre_loss = runner.evaluate(train_set)  # the model the epoch trains from
        record = runner.step(train_set, dev_set)
        assert isinstance(record, EpochRecord)
        assert record.epoch == epoch and runner.epoch == epoch + 1
        assert record.train_loss == pytest.approx(pre_loss, rel=1e-6)
        assert record.train_score == pytest.approx(pre_score)
        assert (record.dev_score, record.dev_loss) == runner.evaluate(dev_set)  # after the update
        assert record.improved == (record.dev_score > best)
        best = max(best, record.dev_score)
        assert record.best_score == best == runner.best_score
        assert record.lr == runner.optimizer.lr
        assert not record.stop
        for value in (record.train_loss, record.train_score, record.dev_loss, record.dev_score):
            assert type(value) is float and math.isfinite(value)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.dev_score = 1.0  # type: ignore[misc]
    hash(record)  # a value, safe to hand to another thread


def test_best_params_are_a_copy_taken_at_the_best_epoch(moons_splits):
    train_set, dev_set, _ = moons_splits
    runner = make_runner(seed=3)
    snapshots = {}
    for _ in range(40):
        record = runner.step(train_set, dev_set)
        snapshots[record.epoch] = params_of(runner)
    best = snapshots[runner.best_epoch]
    for layer in runner.model.linears:
        for key in ("W", "b"):
            assert torch.equal(runner.best_params[layer.name][key], best[(layer.name, key)])
            assert runner.best_params[layer.name][key] is not layer.params[key]
    assert runner.restore_best()
    assert all(torch.equal(v, params_of(runner)[k]) for k, v in best.items())
    # training on from the restored weights must not write into the kept copy
    runner.best_score = 1.0  # so no later epoch replaces it
    for _ in range(3):
        runner.step(train_set, dev_set)
    for layer in runner.model.linears:
        for key in ("W", "b"):
            assert torch.equal(runner.best_params[layer.name][key], best[(layer.name, key)])


def test_best_dev_checkpoint_only_on_strict_improvement(moons_splits, monkeypatch, tmp_path):
    """A metric stuck at 0.5: the first epoch improves on 0, no later one does."""
    runner = make_runner(metric=lambda p, y: torch.tensor(0.5))
    saves = []
    monkeypatch.setattr(runner, "save_model", lambda d, best=False: saves.append((runner.epoch, d)))
    lines = []
    records = train_records(runner, *moons_splits[:2], num_epochs=6, log=lines.append, save_dir=tmp_path)
    assert [r.improved for r in records] == [True] + [False] * 5
    assert saves == [(1, tmp_path)]  # saved once, right after epoch 0
    assert runner.best_epoch == 0 and runner.best_score == 0.5
    assert sum("best accuracy performance has been updated" in line for line in lines) == 1


def test_checkpoint_on_disk_is_the_best_dev_model(moons_splits, tmp_path):
    train_set, dev_set, test_set = moons_splits
    runner = make_runner(seed=2)
    records = train_records(runner, train_set, dev_set, num_epochs=60, log=quiet,
                            save_dir=tmp_path / "best")
    assert any(r.improved for r in records[1:])  # the file was rewritten at least once
    other = make_runner(seed=9)
    other.load_model(tmp_path / "best")
    runner.restore_best()
    assert torch.equal(other.predict(test_set[0]), runner.predict(test_set[0]))


def test_book_log_lines(moons_splits):
    lines = []
    make_runner().train(*moons_splits[:2], num_epochs=25, log_epochs=10, log=lines.append)
    train_lines = [line for line in lines if line.startswith("[Train]")]
    assert [line.split(",")[0] for line in train_lines] == \
        ["[Train] epoch: 0/25", "[Train] epoch: 10/25", "[Train] epoch: 20/25"]
    assert lines[0].startswith("[Evaluate] best accuracy performance has been updated: 0.00000 --> ")


def test_lr_change_takes_effect_on_the_next_step(moons_splits):
    train_set, dev_set, _ = moons_splits
    a, b, frozen = make_runner(seed=4), make_runner(seed=4), make_runner(seed=4)
    start = params_of(a)
    b.optimizer.lr = 0.6
    frozen.optimizer.lr = 0.0
    ra, rb, rf = (r.step(train_set, dev_set) for r in (a, b, frozen))
    assert (ra.lr, rb.lr, rf.lr) == (0.2, 0.6, 0.0)
    assert all(torch.equal(v, params_of(frozen)[k]) for k, v in start.items())  # lr 0: no move
    for key, v0 in start.items():  # same gradient, three times the step
        torch.testing.assert_close(params_of(b)[key] - v0, 3 * (params_of(a)[key] - v0),
                                   rtol=1e-4, atol=1e-6)


def test_lr_schedule_hook_sets_the_rate_per_epoch(moons_splits):
    runner = make_runner(lr_at=lambda epoch: 0.1 * (epoch + 1))
    records = [runner.step(*moons_splits[:2]) for _ in range(3)]
    assert [r.lr for r in records] == pytest.approx([0.1, 0.2, 0.3])


@pytest.mark.parametrize("patience", [1, 3, 7])
def test_early_stopping_after_patience_epochs_without_improvement(patience, moons_splits):
    runner = make_runner(metric=lambda p, y: torch.tensor(0.5), patience=patience)
    records = train_records(runner, *moons_splits[:2], num_epochs=50, log=quiet)
    assert len(records) == patience + 1  # epoch 0 improves, then `patience` without
    assert [r.stop for r in records] == [False] * patience + [True]
    assert runner.epoch == patience + 1
    again = runner.train(*moons_splits[:2], num_epochs=50, log=quiet)
    assert again.stopped == Stop.EARLY and again.last is not None


def test_no_early_stopping_by_default(moons_splits):
    runner = make_runner(metric=lambda p, y: torch.tensor(0.5))
    outcome = runner.train(*moons_splits[:2], num_epochs=20, log=quiet)
    assert outcome.stopped == Stop.DONE and outcome.last.epoch == 19 and runner.epoch == 20


def test_train_goes_on_to_num_epochs_in_all(moons_splits):
    """A second call continues where the first stopped, up to ``num_epochs`` in all."""
    runner = make_runner()
    calls = iter([False, False, True])
    first = runner.train(*moons_splits[:2], num_epochs=10, log=quiet, should_stop=lambda: next(calls))
    assert first.stopped == Stop.REQUESTED and runner.epoch == 2
    second = train_records(runner, *moons_splits[:2], num_epochs=10, log=quiet)
    assert [r.epoch for r in second] == list(range(2, 10)) and runner.epoch == 10


def test_should_stop_is_asked_before_each_epoch(moons_splits):
    runner = make_runner()
    outcome = runner.train(*moons_splits[:2], num_epochs=50, log=quiet,
                           should_stop=lambda: runner.epoch == 5)
    assert outcome.stopped == Stop.REQUESTED and runner.epoch == 5 and outcome.last.epoch == 4


def test_early_stop_line_is_logged(moons_splits):
    lines: list[str] = []
    make_runner(metric=lambda p, y: torch.tensor(0.5), patience=2).train(
        *moons_splits[:2], num_epochs=50, log=lines.append)
    assert lines[-1] == "[Early stop] no better dev score for 2 epochs; stopped after 3 epochs"


def test_huge_learning_rate_ends_training_as_diverged(moons_splits):
    runner = make_runner(lr=100.0)
    outcome = runner.train(*moons_splits[:2], num_epochs=200, log=quiet)
    assert outcome.stopped == Stop.DIVERGED
    assert "diverged" in outcome.error and "learning rate" in outcome.error
    assert runner.epoch < 200
    with pytest.raises(TrainingDiverged) as info:  # one epoch on its own raises
        runner.step(*moons_splits[:2])
    assert isinstance(info.value, ArithmeticError)
    # the best model so far is still there, and finite
    if runner.best_params is not None:
        assert runner.restore_best()
    assert all(torch.isfinite(v).all() for v in params_of(runner).values())


def test_non_finite_loss_raises_training_diverged(moons_splits):
    runner = make_runner()
    runner.model.linears[0].params["W"][0, 0] = float("nan")
    with pytest.raises(TrainingDiverged):
        runner.step(*moons_splits[:2])


def test_reset_history_starts_over(moons_splits):
    runner = make_runner()
    runner.train(*moons_splits[:2], num_epochs=5, log=quiet)
    runner.reset_history()
    assert runner.epoch == 0 and runner.best_params is None and runner.best_score == 0.0
    assert runner.train_loss == [] and runner.dev_scores == []
    assert runner.step(*moons_splits[:2]).improved


def test_minibatches_cover_the_training_set(moons_splits, monkeypatch):
    runner = make_runner(batch_size=32, generator=torch.Generator().manual_seed(0))
    seen = []
    original = runner._train_batch
    monkeypatch.setattr(runner, "_train_batch", lambda X, y, e: (seen.append(X), original(X, y, e))[1])
    record = runner.step(*moons_splits[:2])
    X = moons_splits[0][0]
    assert [len(b) for b in seen] == [32, 32, 32, 24]  # 120 rows
    rows = sorted(map(tuple, torch.cat(seen).tolist()))
    assert rows == sorted(map(tuple, X.tolist()))  # each row once per epoch
    assert 0 <= record.train_score <= 1 and math.isfinite(record.train_loss)


def test_diagnostics_report_one_gradient_norm_per_layer(moons_splits):
    runner = make_runner(hidden=(4, 3), diagnostics=True)
    record = runner.step(*moons_splits[:2])
    assert len(record.grad_norms) == 3 and all(n >= 0 for n in record.grad_norms)
    expected = float(torch.linalg.vector_norm(runner.model.linears[0].grads["W"]))
    assert record.grad_norms[0] == pytest.approx(expected)


def test_no_tensor_requires_grad_during_training(moons_splits):
    runner = make_runner()
    runner.step(*moons_splits[:2])
    for layer in runner.model.linears:
        assert not any(v.requires_grad for v in layer.params.values())
        assert not any(g.requires_grad for g in layer.grads.values())


@given(st.floats(width=32, allow_nan=False))
def test_float32_digits_read_back_as_the_same_float32(value: float) -> None:
    short = float32_digits(value)
    assert struct.pack("f", short) == struct.pack("f", value)
    mantissa = repr(abs(short)).split("e")[0].replace(".", "").strip("0")
    assert len(mantissa) <= 9  # never the float64 noise of a widened float32


def test_float32_digits_drop_the_noise_of_a_widened_float32() -> None:
    assert float32_digits(torch.tensor(0.98).item()) == 0.98
    assert repr(torch.tensor(0.98).item()) == "0.9800000190734863"  # a widened float32, as repr writes it
    assert float32_digits(1e39) == math.inf and float32_digits(-1e39) == -math.inf
    assert train_line(0, 10, torch.tensor(0.6931).item()) == "[Train] epoch: 0/10, loss: 0.6931"


def test_the_cli_the_session_and_compare_train_only_through_runner_train(cli, monkeypatch):
    """Every epoch the CLI, the session's worker and compare train is one of
    ``Runner.train``'s: none of them runs a loop of its own over ``step``."""
    from tui_mlp.compare import compare, default_pair
    from tui_mlp.config import Config
    from tui_mlp.session import Configure, Step, Toggle, Trainer

    inside, outside = [0], [0]
    step, train = Runner.step, Runner.train

    def counted_step(self, *args):
        (inside if self._in_train else outside)[0] += 1
        return step(self, *args)

    def counted_train(self, *args, **kwargs):
        self._in_train = True
        try:
            return train(self, *args, **kwargs)
        finally:
            self._in_train = False

    monkeypatch.setattr(Runner, "_in_train", False, raising=False)
    monkeypatch.setattr(Runner, "step", counted_step)
    monkeypatch.setattr(Runner, "train", counted_train)
    small = Config().with_values(n_samples=100, train=60, dev=20, epochs=12, log_epochs=5)
    assert cli("train", "--n-samples", "100", "--train", "60", "--dev", "20", "--epochs", "12")[0] == 0
    compare(*default_pair(small))
    trainer = Trainer(small)
    for command in (Configure(small), Step(), Toggle()):
        trainer.submit(command)
    trainer.work(lambda: False)
    assert trainer.snapshot.epoch == 12
    assert (inside[0], outside[0]) == (12 + 2 * 12 + 12, 0)
