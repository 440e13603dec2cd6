"""``--classes K`` through the CLI: train's K x K confusion matrices, the run
JSON, the exported data and weights, compare and sweep, and the refusals."""
from __future__ import annotations

import json

import pytest

K3 = ("--dataset", "spiral", "--classes", "3", "--n-samples", "120", "--train", "72", "--dev", "24",
      "--epochs", "20", "--log-epochs", "10")


def test_train_prints_k_by_k_confusion_matrices(cli):
    code, out, err = cli("train", *K3)
    assert code == 0, err
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("[Confusion] dev"))
    assert lines[at].endswith("pred 0  pred 1  pred 2")
    assert [line.split()[:2] for line in lines[at + 1:at + 4]] == [["true", "0"], ["true", "1"], ["true", "2"]]
    assert sum(int(n) for line in lines[at + 1:at + 4] for n in line.split()[2:]) == 24
    assert len({len(line) for line in lines[at:at + 4]}) == 1  # aligned
    assert lines[at + 4].startswith("[Confusion] test")


def test_the_run_json_has_the_classes_and_k_by_k_matrices(cli, tmp_path):
    path = tmp_path / "run.json"
    code, _, err = cli("train", *K3, "--export-json", str(path))
    assert code == 0, err
    record = json.loads(path.read_text())
    assert record["config"]["data"]["classes"] == 3
    for part, n in (("dev", 24), ("test", 24)):
        matrix = record["confusion"][part]["matrix"]
        assert len(matrix) == 3 and all(len(row) == 3 for row in matrix)
        assert sum(map(sum, matrix)) == n and "tp" not in record["confusion"][part]
        diagonal = sum(matrix[k][k] for k in range(3)) / n
        assert record["confusion"][part]["accuracy"] == pytest.approx(diagonal)
    assert record["test_accuracy"] == pytest.approx(record["confusion"]["test"]["accuracy"], abs=1e-6)


def test_exported_data_has_labels_0_to_k_and_reads_back(cli, tmp_path):
    data, weights = tmp_path / "data.csv", tmp_path / "weights.json"
    code, _, err = cli("train", *K3, "--export-data", str(data), "--export-weights", str(weights))
    assert code == 0, err
    labels = [line.rsplit(",", 1)[1] for line in data.read_text().splitlines()[1:]]
    assert sorted(set(labels)) == ["0", "1", "2"] and len(labels) == 120
    record = json.loads(weights.read_text())
    assert record["output"] == "softmax"
    assert [len(layer["b"]) for layer in record["layers"]] == [5, 3]
    assert len(record["layers"][-1]["W"]) == 5 and len(record["layers"][-1]["W"][0]) == 3
    # read back without --classes: three distinct labels make three classes
    code, out, err = cli("train", "--csv", str(data), "--epochs", "3", "--json")
    assert code == 0, err
    again = json.loads(out)
    assert again["config"]["data"]["classes"] == 3 and len(again["confusion"]["test"]["matrix"]) == 3


def test_compare_sets_softmax_regression_beside_the_network(cli):
    code, out, err = cli("compare", *K3)
    assert code == 0, err
    assert "A softmax regression" in out and "B MLP 2-5-3 logistic" in out


def test_sweep_runs_k_classes_and_over_classes(cli):
    code, out, err = cli("sweep", *K3, "--grid", "classes=3,4", "--jobs", "1", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert [s["values"] for s in result["settings"]] == [{"classes": 3}, {"classes": 4}]
    assert result["runs"] == 2
    code, out, err = cli("train", *K3, "--classes", "4", "--json")
    alone = json.loads(out)
    run = result["settings"][1]["results"][0]
    assert run["test_accuracy"] == pytest.approx(alone["test_accuracy"], rel=1e-6)


@pytest.mark.parametrize(("argv", "error"), [
    (("--dataset", "moons", "--classes", "3"),
     "--classes: 3 is not accepted; data set moons has 2 classes; more are accepted by blobs, spiral, csv"),
    (("--dataset", "spiral", "--classes", "9"), "--classes: '9' is not accepted; expected a whole number from 2 to 8"),
])
def test_refused_classes_are_one_line(cli, argv, error):
    code, out, err = cli("train", *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and error in err, err


def test_a_csv_label_beyond_classes_names_line_and_column(cli, tmp_path):
    path = tmp_path / "three.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{i},{i},{i % 3}\n" for i in range(20)))
    code, out, err = cli("train", "--csv", str(path), "--classes", "2")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "line 4: label must be a whole number from 0 to 1 (--classes 2), got '2' in column 3 ('label')" in err


def test_help_lists_classes_with_its_range(cli):
    text = " ".join(cli("train", "--help")[1].split())
    assert "--classes CLASSES number of classes, 2 to 8, for blobs, spiral, csv" in text


def test_compare_of_a_csv_names_the_classes_its_labels_give(cli, tmp_path):
    path = tmp_path / "three.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{i % 7},{i % 5},{i % 3}\n" for i in range(60)))
    code, out, err = cli("compare", "--csv", str(path), "--epochs", "3")
    assert code == 0, err
    assert "A softmax regression" in out and "B MLP 2-5-3 logistic" in out


def test_a_settings_file_sets_the_classes(cli, tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('[data]\ndataset = "blobs"\nclasses = 4\nn_samples = 80\ntrain = 48\ndev = 16\n'
                    '[train]\nepochs = 3\n')
    code, out, err = cli("train", "--config", str(path), "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["config"]["data"]["classes"] == 4 and len(record["confusion"]["dev"]["matrix"]) == 4
