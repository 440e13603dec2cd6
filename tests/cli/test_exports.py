"""``--export-data`` and ``--export-weights``: the data with its split as CSV,
the best-dev weights as plain JSON; both checked before training starts."""
from __future__ import annotations

import json
import math

import pytest
import torch

from tui_mlp.cli import build_parser, config_from_args
from tui_mlp.experiment import build
from tui_mlp.runner import Runner, float32_digits

QUICK = ("train", "--n-samples", "100", "--train", "60", "--dev", "20", "--epochs", "30",
         "--log-epochs", "10")


def test_export_data_writes_every_point_with_its_split(cli, tmp_path):
    path = tmp_path / "data.csv"
    code, _, err = cli(*QUICK, "--export-data", str(path))
    assert code == 0, err
    lines = path.read_text().splitlines()
    assert lines[0] == "x1,x2,split,label" and len(lines) == 101
    splits = [line.split(",")[2] for line in lines[1:]]
    assert splits == ["train"] * 60 + ["dev"] * 20 + ["test"] * 20
    exp = build(config_from_args(build_parser().parse_args(list(QUICK))))
    X = torch.tensor([[float(v) for v in line.split(",")[:2]] for line in lines[1:]])
    y = torch.tensor([float(line.split(",")[3]) for line in lines[1:]])
    assert torch.equal(X, torch.cat([exp.train_set[0], exp.dev_set[0], exp.test_set[0]]))
    assert torch.equal(y, torch.cat([exp.train_set[1], exp.dev_set[1], exp.test_set[1]]).reshape(-1))


def test_exported_data_reads_back_as_the_same_run(cli, tmp_path):
    """The label is the last column, so the default columns read it; unshuffled,
    the book's proportions give back the same split."""
    data = tmp_path / "data.csv"
    made = ("train", "--n-samples", "100", "--train", "64", "--dev", "16", "--epochs", "20")
    assert cli(*made, "--export-data", str(data))[0] == 0
    code, out, err = cli("train", "--csv", str(data), "--shuffle", "false", "--epochs", "20", "--json")
    assert code == 0, err
    again = json.loads(out)
    code, out, _ = cli(*made, "--json")
    first = json.loads(out)
    assert math.isclose(again["test_accuracy"], first["test_accuracy"], abs_tol=1e-9)
    assert math.isclose(again["test_loss"], first["test_loss"], rel_tol=1e-6)


def test_export_weights_are_the_best_dev_weights_as_plain_lists(cli, tmp_path, monkeypatch):
    path = tmp_path / "weights.json"
    best: dict = {}
    restore = Runner.restore_best

    def spy(self: Runner) -> bool:
        used = restore(self)
        best.update(self.parameters())
        return used
    monkeypatch.setattr(Runner, "restore_best", spy)
    code, _, err = cli(*QUICK, "--hidden", "4,3", "--export-weights", str(path))
    assert code == 0, err
    record = json.loads(path.read_text())
    assert record["activation"] == "logistic" and record["output"] == "logistic"
    assert record["features"] == ["x1", "x2"]  # what W's rows of fc1 stand for
    assert [layer["name"] for layer in record["layers"]] == ["fc1", "fc2", "fc3"]
    shapes = [(len(layer["W"]), len(layer["W"][0]), len(layer["b"])) for layer in record["layers"]]
    assert shapes == [(2, 4, 4), (4, 3, 3), (3, 1, 1)]
    for layer in record["layers"]:
        assert torch.equal(torch.tensor(layer["W"]), best[layer["name"]]["W"])
        assert torch.equal(torch.tensor(layer["b"]), best[layer["name"]]["b"].reshape(-1))


def test_the_weights_reproduce_the_models_output(cli, tmp_path):
    """Read with nothing but lists, the weights give the trained model's probabilities."""
    weights, data = tmp_path / "w.json", tmp_path / "d.csv"
    code, _, err = cli(*QUICK, "--export-weights", str(weights), "--export-data", str(data), "--json")
    assert code == 0, err
    layers = json.loads(weights.read_text())["layers"]
    points = [[float(v) for v in line.split(",")[:2]] for line in data.read_text().splitlines()[1:]]

    def forward(x: list[float]) -> float:
        for layer in layers:
            x = [sum(xi * w[j] for xi, w in zip(x, layer["W"])) + b for j, b in enumerate(layer["b"])]
            x = [1 / (1 + math.exp(-v)) for v in x]  # logistic, hidden and output alike here
        return x[0]
    exp = build(config_from_args(build_parser().parse_args(list(QUICK))))
    exp.runner.set_parameters({layer["name"]: {"W": torch.tensor(layer["W"]),
                                               "b": torch.tensor([layer["b"]])} for layer in layers})
    with torch.inference_mode():
        expected = exp.model(torch.tensor(points)).reshape(-1).tolist()
    assert [forward(p) for p in points] == pytest.approx(expected, abs=1e-6)


def test_the_weights_name_the_features_they_take(cli, tmp_path):
    path = tmp_path / "w.json"
    code, _, err = cli(*QUICK, "--features", "x1sq,x2sq,x1x2", "--export-weights", str(path))
    assert code == 0, err
    record = json.loads(path.read_text())
    assert record["features"] == ["x1sq", "x2sq", "x1x2"] and len(record["layers"][0]["W"]) == 3


@pytest.mark.parametrize("option", ["--export-data", "--export-weights"])
def test_an_export_is_checked_before_training(cli, tmp_path, option):
    points = tmp_path / "points.csv"
    points.write_text("\n".join(f"{i},{i % 3},{i % 2}" for i in range(50)) + "\n")
    code, out, err = cli(*QUICK, "--csv", str(points), option, str(points))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(f"tui-mlp: {option}: cannot write {points}: it is the data file the run reads")
    code, out, err = cli(*QUICK, option, str(tmp_path / "same"), "--export-json", str(tmp_path / "same"))
    assert code == 1 and out == "" and "it is the output of" in err
    code, out, err = cli(*QUICK, option, "/dev/null")
    assert code == 1 and out == "" and err.strip() == f"tui-mlp: {option}: cannot write /dev/null: it is a device"


def test_help_lists_the_exports(cli):
    text = cli("train", "--help")[1]
    assert "--export-data" in text and "--export-weights" in text


def test_exports_write_the_digits_a_float32_holds(cli, tmp_path):
    """0.35471487, not 0.35471487045288086: each number as --json writes it,
    still read back as the same float32."""
    data, weights = tmp_path / "d.csv", tmp_path / "w.json"
    code, _, err = cli(*QUICK, "--noise", "0.3", "--export-data", str(data), "--export-weights", str(weights))
    assert code == 0, err
    rows = [line.split(",") for line in data.read_text().splitlines()[1:]]
    numbers = [v for row in rows for v in row[:2]]
    layers = json.loads(weights.read_text())["layers"]
    numbers += [repr(v) for layer in layers for v in [*sum(layer["W"], []), *layer["b"]]]
    assert numbers and all(v == repr(float32_digits(float(v))) for v in numbers)
    exp = build(config_from_args(build_parser().parse_args([*QUICK, "--noise", "0.3"])))
    X = torch.tensor([[float(v) for v in row[:2]] for row in rows])
    assert torch.equal(X, torch.cat([exp.train_set[0], exp.dev_set[0], exp.test_set[0]]))
