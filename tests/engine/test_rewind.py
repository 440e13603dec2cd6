"""Going back in a run: History.truncate and row, Runner.rewind, Experiment.rewind."""
from __future__ import annotations

import torch

from tui_mlp.config import Config
from tui_mlp.experiment import build
from tui_mlp.history import History

#: Its dev accuracy reaches new bests at epochs 0, 7, 9, 21, 23 and 24 (the last after 20).
SMALL = Config().with_values(n_samples=200, train=120, dev=40, epochs=30, lr=1.0)


def test_truncating_the_history_keeps_its_spacing() -> None:
    history = History(capacity=8)
    for epoch in range(40):  # stride 8
        history.append(epoch, float(epoch), 0.5, 2.0 * epoch, 0.25)
    history.truncate(20)
    assert history.epochs == [0, 8, 16] and history.columns["dev_loss"] == [0.0, 16.0, 32.0]
    assert history.row(16) == (16.0, 0.5, 32.0, 0.25) and history.row(17) is None and history.row(24) is None
    for epoch in range(21, 60):
        history.append(epoch, float(epoch), 0.5, 2.0 * epoch, 0.25)
    assert history.epochs == list(range(0, 60, 8))


def test_rewind_forgets_a_later_best_and_finds_the_best_through_the_epoch() -> None:
    exp = build(SMALL)
    kept = {}
    for epoch in range(30):
        exp.step()
        kept[epoch] = exp.runner.parameters()
    runner = exp.runner
    scores = runner.dev_scores
    target = 20
    assert runner.best_epoch > target
    exp.rewind(target, kept[target], kept.get)
    best = max(scores[:target + 1])
    assert runner.epoch == target + 1 and runner.history.epochs == list(range(target + 1))
    assert (runner.best_score, runner.best_epoch) == (best, scores.index(best))
    assert runner.best_params is kept[runner.best_epoch]
    assert runner.last is not None and runner.last.epoch == target and runner.last.dev_score == scores[target]
    assert all(torch.equal(layer.params[k], kept[target][layer.name][k])
               for layer in exp.model.linears for k in layer.params)


def test_rewind_keeps_an_earlier_best_and_says_when_its_parameters_are_gone() -> None:
    exp = build(SMALL)
    kept = {}
    for epoch in range(30):
        exp.step()
        kept[epoch] = exp.runner.parameters()
    runner = exp.runner
    best_epoch, best_params = runner.best_epoch, runner.best_params
    exp.rewind(29, kept[29], kept.get)
    assert (runner.best_epoch, runner.best_params) == (best_epoch, best_params)
    exp.rewind(best_epoch - 1, kept[best_epoch - 1], lambda epoch: None)  # not kept
    assert 0 <= runner.best_epoch < best_epoch and runner.best_params is None
