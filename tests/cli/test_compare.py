"""``tui-mlp compare``: the table and the JSON of the two sides, the side
options and the pair setting, and its one-line refusals."""
from __future__ import annotations

import json

import pytest

from tui_mlp.config import PAIR_L2
from tui_mlp.runner import float32_digits


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

