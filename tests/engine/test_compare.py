"""Compare: two configurations on the same data and seeds,
by default chapter 3's logistic regression against the MLP."""
from __future__ import annotations

import pytest

from tui_mlp.compare import compare, default_pair, describe
from tui_mlp.config import Config, ConfigError

from .helpers import train

QUICK = Config().with_values(n_samples=300, train=180, dev=60, epochs=40, noise=0.5)


def test_default_pair_is_logistic_regression_against_the_mlp():
    a, b = default_pair(QUICK)
    assert a.model.hidden == () and b == QUICK
    assert describe(a) == "logistic regression" and describe(b) == "MLP 2-5-1 logistic"
    # settings with no hidden layer still compare against the book's MLP
    a, b = default_pair(QUICK.with_values(hidden=()))
    assert a.model.hidden == () and b.model.hidden == (5,)


def test_each_side_equals_the_same_run_on_its_own():
    result = compare(*default_pair(QUICK))
    for run, trained, config in zip(result.runs, result.experiments, default_pair(QUICK)):
        exp, _ = train(config)
        exp.runner.restore_best()
        score, loss = exp.runner.evaluate(exp.test_set)
        assert (run.test_accuracy, run.test_loss, run.best_dev_accuracy, run.epochs) == \
            (score, loss, exp.runner.best_score, exp.runner.epoch)
        assert trained.runner.train_loss == exp.runner.train_loss
    a, b = result.experiments
    for x, y in zip(a.train_set + a.dev_set + a.test_set, b.train_set + b.dev_set + b.test_set):
        assert x is y  # one data set, built once


def test_data_settings_must_match():
    with pytest.raises(ConfigError, match="same data"):
        compare(QUICK, QUICK.with_values(noise=0.3))


def test_table_lines():
    lines = compare(*default_pair(QUICK)).table_lines()
    assert lines[0].split() == ["test", "acc", "test", "loss", "best", "dev", "epochs"]
    assert lines[1].startswith("A logistic regression") and lines[2].startswith("B MLP 2-5-1 logistic")
    assert lines[1].split()[-1] == "40"


def test_a_side_is_named_with_its_features_and_l2():
    config = QUICK.with_values(features=("x1sq", "x2sq"), l2=0.5)
    assert describe(config) == "MLP 2-5-1 logistic on x1sq,x2sq L2 0.5"
    assert describe(config.with_values(hidden=(), features=("x1", "x2", "x1x2"))) == \
        "logistic regression on x1,x2,x1x2 L2 0.5"


