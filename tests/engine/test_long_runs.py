"""A long headless run keeps bounded history."""
from __future__ import annotations

from tui_mlp.config import build_config
from tui_mlp.experiment import build
from tui_mlp.history import History


def test_a_million_epochs_of_history_stay_bounded_and_evenly_spaced() -> None:
    history = History(capacity=1024)
    for epoch in range(1_000_000):
        history.append(epoch, float(epoch), 0.5, 2.0 * epoch, 0.25)
    assert 512 <= len(history) <= 1024
    epochs = history.epochs
    assert epochs[0] == 0
    steps = {b - a for a, b in zip(epochs, epochs[1:])}
    assert steps == {history.stride}
    assert epochs[-1] > 1_000_000 - 2 * history.stride
    assert history.columns["train_loss"] == [float(e) for e in epochs]
    assert history.columns["dev_loss"] == [2.0 * e for e in epochs]


def test_history_is_exact_until_capacity() -> None:
    history = History(capacity=8)
    for epoch in range(8):
        history.append(epoch, epoch, 0, 0, 0)
    assert history.epochs == list(range(8)) and history.stride == 1
    history.append(8, 8, 0, 0, 0)
    assert history.epochs == [0, 2, 4, 6, 8] and history.stride == 2


def test_runner_history_is_bounded_over_a_long_run() -> None:
    exp = build(build_config({"n_samples": "40", "train": "20", "dev": "10", "hidden": "2"}))
    exp.runner.history = History(capacity=64)
    exp.runner.train(exp.train_set, exp.dev_set, 5000, log_epochs=0, log=lambda line: None)
    assert len(exp.runner.train_loss) <= 64
    assert exp.runner.history.epochs[-1] >= 5000 - 2 * exp.runner.history.stride
    assert exp.runner.epoch == 5000
