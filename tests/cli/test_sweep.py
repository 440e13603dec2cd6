"""``tui-mlp sweep``: a grid of settings x seeds, each run the run ``train``
makes, the mean and spread per setting, stopped by Ctrl-C or SIGTERM with
what finished."""
from __future__ import annotations

import json
import os
import signal
import statistics
from pathlib import Path

import pytest

from tests.app.helpers import PtyApp
from tui_mlp.config import Config
from tui_mlp.runner import float32_digits
from tui_mlp.sweep import parse_grid, parse_seeds, plan, sweep

SMALL = ("--n-samples", "120", "--train", "80", "--dev", "20", "--epochs", "40")


def sweep_json(cli, *argv: str) -> dict:
    """The sweep's JSON, in this process unless ``--jobs`` says otherwise."""
    jobs = () if "--jobs" in argv else ("--jobs", "1")
    code, out, err = cli("sweep", *SMALL, "--json", *jobs, *argv)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_sweeps_run_equals_the_same_run_by_train(cli, jobs):
    result = sweep_json(cli, "--grid", "lr=0.1,0.5", "--grid", "hidden=3;4,2", "--seeds", "1-2",
                        "--jobs", jobs)
    assert [s["values"] for s in result["settings"]] == [
        {"lr": 0.1, "hidden": [3]}, {"lr": 0.1, "hidden": [4, 2]},
        {"lr": 0.5, "hidden": [3]}, {"lr": 0.5, "hidden": [4, 2]}]
    assert result["runs"] == result["planned"] == 8 and not result["interrupted"]
    run = next(r for r in result["settings"][3]["results"] if r["seed"] == 2)
    code, out, err = cli("train", *SMALL, "--lr", "0.5", "--hidden", "4,2", "--seed", "2", "--json")
    assert code == 0, err
    alone = json.loads(out)
    for key in ("test_accuracy", "test_loss", "best_dev_accuracy", "epochs"):
        assert run[key] == pytest.approx(alone[key], rel=1e-6, abs=1e-9), key


def test_the_statistics_are_the_mean_and_sample_std_of_the_runs(cli):
    result = sweep_json(cli, "--grid", "lr=0.3", "--seeds", "0-3")
    setting = result["settings"][0]
    for key in ("test_accuracy", "test_loss"):
        values = [r[key] for r in setting["results"]]
        assert len(values) == 4
        assert setting[key]["mean"] == pytest.approx(statistics.fmean(values), rel=1e-6)
        assert setting[key]["std"] == pytest.approx(statistics.stdev(values), rel=1e-6)
        assert all(v == float32_digits(v) for v in (*values, setting[key]["mean"]))  # a float32's digits
    single = sweep_json(cli, "--grid", "lr=0.3")["settings"][0]
    assert single["runs"] == 1 and single["test_accuracy"]["std"] is None


def test_a_csv_in_the_grid_gets_a_csvs_own_defaults_as_train_gives_it(cli, tmp_path):
    files = []
    for name, shift in (("a.csv", 0.0), ("b.csv", 0.5)):
        rows = [f"{i / 60 + shift:.4f};{(i * 7 % 60) / 60:.4f};{i % 2}" for i in range(60)]
        (tmp_path / name).write_text("x;y;label\n" + "\n".join(rows) + "\n")
        files.append(str(tmp_path / name))
    code, out, err = cli("sweep", "--epochs", "20", "--grid", "csv=" + ",".join(files), "--jobs", "1", "--json")
    assert code == 0, err  # 60 rows: the 640/160 of generated data would not fit
    runs = [s["results"][0] for s in json.loads(out)["settings"]]
    for path, run in zip(files, runs):
        code, out, err = cli("train", "--epochs", "20", "--csv", path, "--json")
        assert code == 0, err
        alone = json.loads(out)
        assert (run["test_accuracy"], run["test_loss"]) == (alone["test_accuracy"], alone["test_loss"])


def test_the_table_has_a_row_per_setting(cli):
    code, out, err = cli("sweep", *SMALL, "--grid", "activation=relu,tanh", "--seeds", "0,5", "--jobs", "1")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Sweep on moons n=120 noise=0.2: 2 settings x 2 seeds, 1 job")
    assert lines[1].split() == ["activation", "runs", "test", "acc", "std", "test", "loss", "std"]
    assert [line.split()[:2] for line in lines[2:]] == [["relu", "2/2"], ["tanh", "2/2"]]


def test_the_base_settings_reach_every_run():
    base = Config().with_values(epochs=7, n_samples=300, train=100, dev=50)
    settings = plan(base, parse_grid(["lr=0.1,0.2"]), [3, 4])
    configs = [c for s in settings for c in s.configs]
    assert [(c.train.lr, c.data.seed) for c in configs] == [(0.1, 3), (0.1, 4), (0.2, 3), (0.2, 4)]
    assert {(c.train.epochs, c.data.n_samples) for c in configs} == {(7, 300)}


def test_seeds_and_grid_values():
    assert parse_seeds("0-2,7") == [0, 1, 2, 7]
    assert parse_grid(["weight-init=he,xavier", "--hidden=16,16;none"]) == {
        "weight_init": ["he", "xavier"], "hidden": [(16, 16), ()]}


@pytest.mark.parametrize(("argv", "error"), [
    (["--grid", "lr"], "--grid: 'lr' is not accepted; expected SETTING=VALUE,VALUE,..."),
    (["--grid", "speed=1"], "--grid: 'speed' is not a setting; expected one of dataset, csv,"),
    (["--grid", "lr=0.1,abc"], "--grid lr: 'abc' is not accepted; expected a number > 0"),
    (["--grid", "lr=0.1", "--grid", "lr=0.2"], "--grid lr: given twice"),
    (["--grid", "seed=1,2"], "--grid seed: the data seed is swept by --seeds"),
    (["--seeds", "4-2"], "--seeds: '4-2' is not accepted; expected seeds from 0 to 4,294,967,295 or ranges"),
    (["--seeds", "x"], "--seeds: 'x' is not accepted; expected seeds from 0 to"),
    (["--seeds", "-1"], "--seeds: '-1' is not accepted; expected seeds from 0 to"),  # the value given, whole
    (["--seeds", "0-2-3"], "--seeds: '0-2-3' is not accepted; expected seeds from 0 to"),
    (["--grid", "n_samples=50,100"], "--grid n_samples: 50 is not accepted; train + dev must leave"),
    (["--jobs", "0"], "tui-mlp: --jobs: '0' is not accepted; expected a number of worker processes from 1 to 256"),
])
def test_refused_grids_are_one_line(cli, argv, error):
    code, out, err = cli("sweep", "--epochs", "2", *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and error in err, err


def test_settings_refused_alone_are_judged_with_the_grids_values(cli):
    """--task regression alone has the default data set, moons; the grid's
    data sets make it whole. A combination still refused is named."""
    result = sweep_json(cli, "--task", "regression", "--grid", "dataset=plane,gaussians")
    assert [s["values"] for s in result["settings"]] == [{"dataset": "plane"}, {"dataset": "gaussians"}]
    assert all("test_r2" in s for s in result["settings"])
    result = sweep_json(cli, "--classes", "3", "--grid", "dataset=spiral,blobs")
    assert result["runs"] == 2
    code, out, err = cli("sweep", "--epochs", "2", "--task", "regression", "--grid", "dataset=plane,moons")
    assert code == 2 and out == "" and err.count("\n") == 1 and \
        "(in the combination dataset=moons)" in err, err
    code, out, err = cli("sweep", "--epochs", "2", "--task", "regression", "--grid", "lr=0.1,0.2")
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("tui-mlp: --task:"), err


def test_a_bad_csv_is_refused_before_any_run(cli, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x1,x2,label\n1,2,0\n1,2,5\n")
    code, out, err = cli("sweep", "--csv", str(path), "--grid", "lr=0.1,0.2")
    assert code == 2 and out == "" and \
        err.startswith(f"tui-mlp: --csv: {path}, line 3: label must be a whole number from 0 to 1")


def test_help_lists_the_sweep_options(cli):
    text = cli("sweep", "--help")[1]
    for option in ("--grid", "--seeds", "--jobs", "--json", "--lr", "--columns"):
        assert option in text
    assert "sweep" in cli("--help")[1]


def test_a_stop_request_keeps_the_runs_finished():
    """Workers stop after their epoch; runs not started are dropped."""
    settings = plan(Config().with_values(n_samples=120, train=80, dev=20),
                    parse_grid(["epochs=10000000,1", "lr=0.1"]), [0])
    done: list = []
    result = sweep(settings, jobs=2, on_done=done.append, should_stop=lambda: bool(done))
    assert result.interrupted and result.planned == 2 and result.runs == len(done) == 1
    assert [len(s.finished) for s in result.settings] == [0, 1]
    assert [len(s.runs) for s in result.settings] == [1, 1]  # the long one ran, interrupted


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_the_sweep_and_prints_what_finished(tmp_path: Path, signum: int):
    code = ("import sys\nfrom tui_mlp.cli import main_exit\n"
            "sys.argv = ['tui-mlp', 'sweep', '--n-samples', '120', '--train', '80', '--dev', '20', "
            "'--grid', 'epochs=1,10000000', '--jobs', '2']\nmain_exit()\n")
    term = PtyApp(code, tmp_path, size=(100, 20), env={"OMP_NUM_THREADS": "1"})
    try:
        assert term.read_for(120, until=b"1/2"), term.output.decode(errors="replace")[-2000:]
        if signum == signal.SIGINT:  # Ctrl-C reaches the whole process group, workers too
            os.killpg(term.proc.pid, signum)
        else:
            term.proc.send_signal(signum)
        term.wait_exit(60)
        text = term.output.decode(errors="replace")
        assert term.proc.returncode == 128 + signum, text[-2000:]
        assert "Traceback" not in text
        assert "[Interrupted] the table holds the 1 of 2 runs finished before the stop" in text
        rows = [line.split() for line in text.splitlines() if line.split()[:1] in (["1"], ["10000000"])]
        assert [row[:2] for row in rows] == [["1", "1/1"], ["10000000", "0/1"]]
    finally:
        term.close()


def test_workers_start_deaf_to_the_terminals_signals():
    """A Ctrl-C while the workers import torch must not cut them short with a
    traceback: they start with SIGINT and SIGHUP blocked, the sweep's own mask
    comes back after."""
    import subprocess
    import sys

    from tui_mlp.sweep import _signals_held

    show = "import signal; print(sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])))"
    with _signals_held():
        child = subprocess.run([sys.executable, "-c", show], capture_output=True, text=True, check=True)
    assert {int(signal.SIGINT), int(signal.SIGHUP)} <= set(json.loads(child.stdout))
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
