"""``--task regression`` from the command line: RMSE and R² in the log lines,
the run JSON, the history CSV, compare and sweep; a CSV's real-valued target;
refusals in one line."""
from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest

SMALL = ("--task", "regression", "--dataset", "plane", "--n-samples", "200", "--train", "120",
         "--dev", "40", "--epochs", "30", "--log-epochs", "10", "--lr", "0.1")
NUMBER = r"-?\d+\.\d{4}"


def test_the_log_lines_name_rmse_and_r2(cli):
    code, out, err = cli("train", *SMALL)
    assert code == 0, err
    assert re.search(r"^\[Evaluate\] best R² performance has been updated: -inf --> ", out, re.M)
    assert re.search(rf"^\[Final\] epoch 29: train RMSE {NUMBER} R² {NUMBER}, "
                     rf"dev RMSE {NUMBER} R² {NUMBER}$", out, re.M), out
    test = re.search(rf"^\[Test\] R²/loss: ({NUMBER})/({NUMBER}), RMSE ({NUMBER})$", out, re.M)
    assert test, out
    assert float(test.group(3)) == pytest.approx(math.sqrt(float(test.group(2))), abs=2e-4)
    assert "[Confusion]" not in out and "acc" not in out


def test_the_run_json_has_r2_and_rmse_and_no_confusion(cli):
    code, out, err = cli("train", *SMALL, "--json")
    assert code == 0, err
    record = json.loads(out)
    assert {"test_r2", "test_rmse", "test_loss", "best_dev_r2", "final_train_r2", "final_train_rmse"} <= set(record)
    assert not {"test_accuracy", "best_dev_accuracy", "confusion"} & set(record)
    assert record["config"]["data"]["task"] == "regression"
    assert record["test_rmse"] == pytest.approx(math.sqrt(record["test_loss"]), rel=1e-6)


def test_the_history_csv_has_each_sets_rmse_and_r2(cli, tmp_path: Path):
    path = tmp_path / "h.csv"
    code, _, err = cli("train", *SMALL, "--history-csv", str(path))
    assert code == 0, err
    rows = list(csv.DictReader(path.open()))
    assert list(rows[0]) == ["epoch", "train_loss", "train_rmse", "train_r2", "dev_loss", "dev_rmse", "dev_r2"]
    assert len(rows) == 30
    last = rows[-1]
    assert float(last["dev_rmse"]) == pytest.approx(math.sqrt(float(last["dev_loss"])), rel=1e-6)


def test_compare_sets_linear_regression_beside_the_mlp_in_r2_and_rmse(cli):
    code, out, err = cli("compare", *SMALL)
    assert code == 0, err
    assert re.search(r"test RMSE\s+test R²\s+test loss\s+best dev", out), out
    assert "A linear regression" in out
    code, out, err = cli("compare", *SMALL, "--json")
    run = json.loads(out)["a"]
    assert {"test_r2", "test_rmse", "best_dev_r2"} <= set(run) and "test_accuracy" not in run


def test_a_sweep_reports_mean_r2_and_rmse(cli):
    code, out, err = cli("sweep", *SMALL, "--grid", "lr=0.05,0.1", "--seeds", "0-1", "--jobs", "1")
    assert code == 0, err
    assert re.search(r"lr\s+runs\s+test R²\s+std\s+test RMSE\s+std\s+test loss\s+std", out), out
    code, out, err = cli("sweep", *SMALL, "--grid", "lr=0.05,0.1", "--seeds", "0-1", "--jobs", "1", "--json")
    setting = json.loads(out)["settings"][0]
    assert set(setting["test_r2"]) == set(setting["test_rmse"]) == {"mean", "std"}
    assert {"test_r2", "test_rmse", "best_dev_r2"} <= set(setting["results"][0])


def test_a_csv_with_a_real_valued_target_trains_with_regression(cli, tmp_path: Path):
    path = tmp_path / "r.csv"
    lines = ["x1,x2,y"] + [f"{i / 50:.3f},{(i % 7) / 7:.3f},{0.3 * i / 50 - 0.2 * (i % 7) / 7:.4f}"
                           for i in range(50)]
    path.write_text("\n".join(lines) + "\n")
    code, out, err = cli("train", "--task", "regression", "--csv", str(path), "--epochs", "5")
    assert code == 0, err
    assert "[Test] R²/loss:" in out
    code, out, err = cli("train", "--csv", str(path), "--epochs", "5")
    assert code == 2 and out == ""
    assert err.strip().endswith("r.csv, line 3: label must be a whole number from 0 to 7 (at most 8 classes), "
                                "got '-0.0226' in column 3 ('y') (a real-valued target needs task regression)")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, field", [(("--dataset", "gaussians"), "--dataset"),
                                         (("--task", "regression", "--dataset", "spiral"), "--dataset"),
                                         (("--task", "regression"), "--task")])
def test_a_data_set_of_the_other_task_is_refused(cli, argv, field):
    code, out, err = cli("train", *argv)
    assert code == 2 and out == ""
    assert err.startswith(f"tui-mlp: {field}: ") and "takes the data sets" in err
    assert len(err.strip().splitlines()) == 1


def test_help_lists_the_task_and_its_data_sets(cli):
    code, out, _ = cli("train", "--help")
    assert "--task" in out and "classification" in out and "regression" in out
    assert "plane" in out and "gaussians" in out


def test_exports_keep_real_targets_and_name_the_linear_output(cli, tmp_path: Path):
    data, weights = tmp_path / "d.csv", tmp_path / "w.json"
    code, _, err = cli("train", *SMALL, "--export-data", str(data), "--export-weights", str(weights))
    assert code == 0, err
    rows = list(csv.DictReader(data.open()))
    assert len({row["label"] for row in rows}) > 100  # values, not 0 and 1
    assert json.loads(weights.read_text())["output"] == "identity"
    code, out, err = cli("train", "--task", "regression", "--csv", str(data), "--columns", "x1,x2,label",
                         "--epochs", "3")
    assert code == 0, err  # read back as a regression's CSV


def test_the_gradient_check_passes_on_a_regression(cli):
    code, out, err = cli("train", *SMALL, "--diagnostics")
    assert code == 0, err
    worst = re.search(r"^\[Gradient check\] worst relative error: (\S+)", out, re.M)
    assert worst and float(worst.group(1)) < 1e-6, out


def test_a_regression_takes_no_classes(cli):
    code, out, err = cli("train", *SMALL, "--classes", "3")
    assert code == 2 and out == ""
    assert err.strip() == ("tui-mlp: --classes: 3 is not accepted; a regression has no classes: leave it blank "
                           "(or choose task classification)")
