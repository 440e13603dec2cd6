"""The results of ``tui-mlp train``: the confusion matrices after the test
line, the JSON with its seeds, the history CSV and the run's JSON files,
and one-line errors for paths it cannot write."""
from __future__ import annotations

import csv
import json

import pytest

from tests.engine.helpers import SMALL
from tui_mlp.config import build_config, config_from_dict


def test_train_prints_confusion_after_the_test_line(cli):
    code, out, err = cli("train", *SMALL)
    assert code == 0, err
    lines = out.splitlines()
    test_at = next(i for i, line in enumerate(lines) if line.startswith("[Test] score/loss:"))
    assert lines[test_at + 1].startswith("[Confusion] dev")
    assert lines[test_at + 4].startswith("[Confusion] test")
    counts = [int(v) for line in lines[test_at + 5:test_at + 7] for v in line.split()[2:]]
    assert sum(counts) == 40  # 200 - 120 - 40 test samples



def test_train_json_has_confusion_and_seeds(cli):
    code, out, err = cli("train", *SMALL, "--init-seed", "5", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["seeds"] == {"data": 0, "init": 5, "batches": 6}
    dev, test = result["confusion"]["dev"], result["confusion"]["test"]
    assert sum(map(sum, dev["matrix"])) == 40 and sum(map(sum, test["matrix"])) == 40
    assert test["accuracy"] == pytest.approx(result["test_accuracy"])
    assert 0 <= result["best_epoch"] < result["epochs"] == 20



def test_history_csv_and_export_json_files(cli, tmp_path):
    history, run = tmp_path / "h.csv", tmp_path / "run.json"
    code, out, err = cli("train", *SMALL, "--history-csv", str(history), "--export-json", str(run),
                         "--json")
    assert code == 0, err
    printed = json.loads(out)
    exported = json.loads(run.read_text())
    assert exported == printed
    assert {"config", "seeds", "test_accuracy", "test_loss", "best_dev_accuracy",
            "confusion"} <= exported.keys()
    rows = list(csv.DictReader(history.read_text().splitlines()))
    assert [int(r["epoch"]) for r in rows] == list(range(20))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.csv", "run.json"]  # no temp files
    # the exported settings are the run's settings
    assert config_from_dict(exported["config"]) == build_config(
        dict(zip((k[2:].replace("-", "_") for k in SMALL[::2]), SMALL[1::2])))



@pytest.mark.parametrize("option", ["--history-csv", "--export-json"])
def test_unwritable_paths_exit_1_with_one_line_before_training(cli, tmp_path, option):
    missing = tmp_path / "missing" / "out"
    code, out, err = cli("train", *SMALL, option, str(missing))
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        f"tui-mlp: {option}: cannot write {missing}: no such directory {missing.parent}"]
    code, _, err = cli("train", *SMALL, option, str(tmp_path))
    assert code == 1 and err.strip() == f"tui-mlp: {option}: cannot write {tmp_path}: it is a directory"



def test_a_directory_removed_during_training_is_a_one_line_error(cli, tmp_path, monkeypatch):
    import tui_mlp.results as results

    out_dir = tmp_path / "gone"
    out_dir.mkdir()
    target = out_dir / "h.csv"
    real = results.write_text_atomic

    def vanish_then_write(path, text):
        out_dir.rmdir()
        return real(path, text)
    monkeypatch.setattr(results, "write_text_atomic", vanish_then_write)
    code, _, err = cli("train", *SMALL, "--history-csv", str(target))
    assert code == 1
    assert err.strip() == f"tui-mlp: --history-csv: cannot write {target}: no such directory {out_dir}"

