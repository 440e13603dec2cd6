"""Faults on the command line: divergence, Ctrl-C,
an unwritable --save-dir, and where `tui-mlp serve` binds."""
from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tui_mlp import cli
from tui_mlp.config import build_config
from tui_mlp.experiment import build
from tui_mlp.runner import Stop

SMALL = ["--n-samples", "200", "--train", "120", "--dev", "40"]


@pytest.mark.parametrize("lr", ["100", "1e6"])
def test_divergence_exits_1_with_the_message(lr: str, capsys) -> None:
    assert cli.main(["train", *SMALL, "--lr", lr, "--epochs", "500"]) == 1
    out, err = capsys.readouterr()
    last = err.strip().splitlines()
    assert len(last) == 1
    assert "training diverged at epoch" in last[0] and "lower the learning rate" in last[0]
    assert "[Test] score/loss:" in out  # the best model before the blow-up is still evaluated


@pytest.mark.parametrize("lr", [100.0, 1e6])
def test_divergence_keeps_the_best_checkpoint_finite(lr: float) -> None:
    exp = build(build_config({"lr": str(lr), "n_samples": "200", "train": "120", "dev": "40"}))
    outcome = exp.runner.train(exp.train_set, exp.dev_set, 500, log=lambda line: None)
    assert outcome.stopped == Stop.DIVERGED and outcome.last is not None and outcome.last.epoch >= 0
    assert exp.runner.best_params is not None
    exp.runner.restore_best()
    score, loss = exp.runner.evaluate(exp.dev_set)
    assert math.isfinite(loss) and score == exp.runner.best_score


def test_ordinary_runs_do_not_count_as_diverged() -> None:
    for lr in ("0.2", "2", "5"):
        exp = build(build_config({"lr": lr, "epochs": "300"}))
        outcome = exp.runner.train(exp.train_set, exp.dev_set, 300, log=lambda line: None)
        assert outcome.stopped == Stop.DONE, (lr, outcome.error)


def test_unwritable_save_dir_exits_1_with_one_line(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["train", *SMALL, "--epochs", "5", "--save-dir", str(blocker / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(blocker / "out") in err[0]


def test_ctrl_c_stops_after_the_current_epoch_and_exits_130(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_mlp", "train", *SMALL, "--epochs", "10000000", "--log-epochs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        seen = 0
        while seen < 20:  # wait until training is really under way
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            seen += line.startswith("[Train]")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "[Interrupted] stopped after" in out
    assert "[Test] score/loss:" in out


def test_ctrl_c_outside_the_training_loop_is_one_line_and_130(monkeypatch, capsys) -> None:
    """A Ctrl-C while building the experiment (before the loop's handler) or
    while reporting must not print a traceback."""
    import tui_mlp.experiment

    def interrupted_build(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(tui_mlp.experiment, "build", interrupted_build)
    monkeypatch.setattr(sys, "argv", ["tui-mlp", "train", *SMALL, "--epochs", "3"])
    with pytest.raises(SystemExit) as info:
        cli.main_exit()
    assert info.value.code == 130
    assert capsys.readouterr().err.strip() == "tui-mlp: interrupted"


def test_closed_pipe_ends_quietly_with_exit_0(tmp_path: Path) -> None:
    proc = subprocess.run(
        f"{sys.executable} -m tui_mlp train {' '.join(SMALL)} --epochs 3000 --log-epochs 1 | head -2",
        shell=True, capture_output=True, text=True, cwd=tmp_path,
        executable="/bin/bash")
    assert len(proc.stdout.splitlines()) == 2
    assert "Traceback" not in proc.stderr and "Exception" not in proc.stderr
    status = subprocess.run(
        f"set -o pipefail; {sys.executable} -m tui_mlp train {' '.join(SMALL)} --epochs 3000 "
        f"--log-epochs 1 | head -2 > /dev/null", shell=True, executable="/bin/bash", cwd=tmp_path)
    assert status.returncode == 0
