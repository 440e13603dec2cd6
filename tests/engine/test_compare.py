"""Compare: two configurations on the same data and seeds,
by default chapter 3's logistic regression against the MLP."""
from __future__ import annotations

import json

import pytest

from tui_mlp.compare import compare, default_pair, describe
from tui_mlp.config import PAIR_L2, Config, ConfigError
from tui_mlp.runner import float32_digits

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


def test_cli_compare_table_and_json(cli):
    args = ("compare", "--n-samples", "300", "--train", "180", "--dev", "60", "--epochs", "30",
            "--noise", "0.5")
    code, out, err = cli(*args)
    assert code == 0, err
    assert "A logistic regression" in out and "B MLP 2-5-1 logistic" in out
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["a"]["label"] == "logistic regression"
    assert result["a"]["config"]["model"]["hidden"] == [] and result["b"]["config"]["model"]["hidden"] == [5]
    assert result["a"]["config"]["data"] == result["b"]["config"]["data"]
    assert {"test_accuracy", "test_loss", "best_dev_accuracy", "epochs"} <= result["b"].keys()
    for key in ("test_accuracy", "test_loss", "best_dev_accuracy"):  # a float32's digits, not float64 noise
        assert [result[side][key] for side in "ab"] == [float32_digits(result[side][key]) for side in "ab"]


def test_cli_compare_side_options(cli):
    code, out, err = cli("compare", "--n-samples", "200", "--train", "120", "--dev", "40",
                         "--epochs", "10", "--b", "hidden=8,8", "--b", "activation=relu",
                         "--a", "lr=0.5", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["b"]["label"] == "MLP 2-8-8-1 relu"
    assert result["a"]["config"]["train"]["lr"] == 0.5 and result["b"]["config"]["train"]["lr"] == 0.2


@pytest.mark.parametrize("argv, message", [
    (["--b", "noise=0.3"], "--b noise: data settings are shared by both sides of a comparison; "
                           "set it with --noise"),
    (["--a", "hidden"], "--a: 'hidden' is not accepted; expected SETTING=VALUE"),
    (["--a", "depth=3"], "--a: 'depth' is not a setting"),
    (["--b", "lr=fast"], "--b lr: 'fast' is not accepted; expected a number"),
    (["--preset", "nope"], "--preset: 'nope' is not accepted"),
])
def test_cli_compare_errors_exit_2_with_one_line(cli, argv, message):
    code, out, err = cli("compare", "--epochs", "2", *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_a_side_is_named_with_its_features_and_l2():
    config = QUICK.with_values(features=("x1sq", "x2sq"), l2=0.5)
    assert describe(config) == "MLP 2-5-1 logistic on x1sq,x2sq L2 0.5"
    assert describe(config.with_values(hidden=(), features=("x1", "x2", "x1x2"))) == \
        "logistic regression on x1,x2,x1x2 L2 0.5"


def test_cli_compare_pair_l2_trains_the_run_without_and_with_l2(cli):
    args = ("compare", "--n-samples", "200", "--train", "120", "--dev", "40", "--epochs", "10",
            "--pair", "l2", "--json")
    code, out, err = cli(*args)
    assert code == 0, err
    result = json.loads(out)
    assert (result["a"]["label"], result["b"]["label"]) == \
        ("MLP 2-5-1 logistic", f"MLP 2-5-1 logistic L2 {PAIR_L2:g}")
    assert [result[s]["config"]["train"]["l2"] for s in "ab"] == [0.0, PAIR_L2]
    assert result["a"]["config"]["model"] == result["b"]["config"]["model"]
    code, out, err = cli(*args, "--l2", "0.1")
    assert code == 0, err
    assert [json.loads(out)[s]["config"]["train"]["l2"] for s in "ab"] == [0.0, 0.1]


def test_the_pair_setting_refuses_other_names_in_one_line(cli):
    code, out, err = cli("compare", "--epochs", "2", "--pair", "depth")
    assert code == 2 and out == ""
    assert err.strip() == "tui-mlp: --pair: 'depth' is not accepted; expected one of hidden, l2"
