"""The lab's work on the live model, done in the training worker (no textual).

``Trainer`` calls these between epochs, so they may read the model, but they
never leave it changed: the test evaluation swaps the best-dev weights in and
back out, and the diagnostics and the gradient check run on copies
(``tui_mlp.diagnostics``). The results are immutable and go out in snapshots.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui_mlp.diagnostics import GradCheck, check_budget, gradient_check
from tui_mlp.experiment import Experiment
from tui_mlp.results import Confusion, confusion_matrix, seeds_of


@dataclass(frozen=True)
class TestResult:
    """The best-dev model (or the current one, before any epoch) on dev and test."""

    score: float
    loss: float
    best_epoch: int | None  # None: no best model yet, the current weights were used
    dev: Confusion
    test: Confusion


def test_best(exp: Experiment) -> TestResult:
    """Evaluate the best-dev model on the test set, as the book's ``[Test]``
    does, with its confusion matrices on dev and test; the current weights
    are put back afterwards so training continues where it was."""
    runner = exp.runner
    current = runner.parameters()
    used_best = runner.restore_best()
    try:
        score, loss = runner.evaluate(exp.test_set)
        dev, test = confusion_matrix(exp.model, exp.dev_set), confusion_matrix(exp.model, exp.test_set)
    finally:
        runner.set_parameters(current)
    return TestResult(score, loss, runner.best_epoch if used_best else None, dev, test)


def check_gradients(exp: Experiment) -> GradCheck:
    """The gradient check of the current weights on (a budgeted part of) the
    training set: the same budget ``tui-mlp train --diagnostics`` uses."""
    X, y = exp.train_set
    rows, per_tensor = check_budget(exp.model, X.shape[0])
    return gradient_check(exp.model, X[:rows], y[:rows], max_per_tensor=per_tensor)


def run_record(exp: Experiment, result: TestResult) -> dict[str, Any]:
    """The run as ``tui-mlp train --export-json`` writes it: settings, seeds,
    metrics and confusion matrices of the best-dev model."""
    runner, cols = exp.runner, exp.runner.history.columns
    return {
        "config": exp.config.to_dict(), "test_accuracy": result.score, "test_loss": result.loss,
        "best_dev_accuracy": runner.best_score, "best_epoch": runner.best_epoch,
        "final_train_accuracy": cols["train_score"][-1] if cols["train_score"] else None,
        "epochs": runner.epoch, "seeds": seeds_of(exp.config),
        "confusion": {"dev": result.dev.to_dict(), "test": result.test.to_dict()},
    }
