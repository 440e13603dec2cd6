"""Every lab setting from ``tui-mlp train``: data sets and
CSV files, initialisation and its own seed, optimisers with mini-batches,
schedules, early stopping, L1/L2 — and the same seeds give a bit-identical
history."""
from __future__ import annotations

import json

import pytest
import torch

from tests.engine.helpers import SMALL, history_rows, train
from tui_mlp.cli import build_parser, config_from_args
from tui_mlp.config import WEIGHT_INITS, Config
from tui_mlp.experiment import build, build_model, load_data


def run_json(cli, *argv: str) -> dict:
    code, out, err = cli("train", *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def args_config(*argv: str) -> Config:
    return config_from_args(build_parser().parse_args(["train", *argv]))


# ---------------------------------------------------------------- data
@pytest.mark.parametrize("dataset", ["moons", "circles", "xor", "blobs", "spiral"])
def test_every_data_set_trains_from_the_cli(cli, dataset):
    result = run_json(cli, *SMALL, "--dataset", dataset)
    assert result["config"]["data"]["dataset"] == dataset
    assert 0.0 <= result["test_accuracy"] <= 1.0 and result["epochs"] == 20


def test_data_sets_differ_and_each_is_seeded():
    first = {name: load_data(Config().with_values(dataset=name, n_samples=100, train=60, dev=20))
             for name in ("moons", "circles", "xor", "blobs", "spiral")}
    again = load_data(Config().with_values(dataset="spiral", n_samples=100, train=60, dev=20))
    assert torch.equal(first["spiral"][0][0], again[0][0])
    names = list(first)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not torch.equal(first[a][0][0], first[b][0][0]), (a, b)


def test_a_csv_file_trains_and_selects_the_csv_data_set(cli, tmp_path):
    path = tmp_path / "points.csv"
    rows = ["x1,x2,label"] + [f"{i / 10},{(i % 7) / 3},{i % 2}" for i in range(60)]
    path.write_text("\n".join(rows) + "\n")
    result = run_json(cli, "--csv", str(path), "--train", "40", "--dev", "10", "--epochs", "5")
    assert result["config"]["data"]["dataset"] == "csv"
    assert sum(map(sum, result["confusion"]["test"]["matrix"])) == 10


@pytest.mark.parametrize("content, line", [
    ("x1,x2,label\n0.1,0.2,1\n0.3,oops,0\n", 3),
    ("0.1,0.2,1\n0.3,0.4,0\n\n0.5,0.6\n", 4),
    ("0.1,0.2,1\n0.3,0.4,2\n", 2),
])
def test_a_malformed_csv_exits_2_naming_the_line(cli, tmp_path, content, line):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code, out, err = cli("train", "--csv", str(path), "--epochs", "2")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"tui-mlp: --csv: {path}, line {line}: ")


def test_a_missing_csv_exits_2(cli, tmp_path):
    code, _, err = cli("train", "--csv", str(tmp_path / "none.csv"))
    assert code == 2 and "not found" in err


# ---------------------------------------------------------------- initialisation and seeds
@pytest.mark.parametrize("init", WEIGHT_INITS)
def test_every_init_from_the_cli(cli, init):
    result = run_json(cli, *SMALL, "--weight-init", init, "--bias-init", "0.5",
                      "--weight-scale", "0.5")
    assert result["config"]["model"]["weight_init"] == init


def test_inits_differ_and_weight_scale_scales():
    W = {name: build_model(Config().with_values(weight_init=name, hidden=(16,))).linears[0].params["W"]
         for name in WEIGHT_INITS}
    assert W["zeros"].abs().max() == 0
    assert W["uniform"].abs().max() <= 1.0
    assert float(W["xavier"].abs().max()) <= (6 / 18) ** 0.5
    scaled = build_model(args_config("--hidden", "16", "--weight-scale", "0.01")).linears[0].params["W"]
    assert torch.allclose(scaled, W["normal"] * 0.01)
    assert torch.equal(build_model(args_config("--hidden", "16", "--weight-scale", "1")).linears[0]
                       .params["W"], W["normal"])  # scale 1: the book's weights, bit for bit
    b = build_model(args_config("--bias-init", "-8")).linears[0].params["b"]
    assert torch.equal(b, torch.full_like(b, -8.0))


def test_init_seed_is_separate_from_the_data_seed():
    w = lambda *argv: build_model(args_config(*argv)).linears[0].params["W"]  # noqa: E731
    assert torch.equal(w("--seed", "1", "--init-seed", "7"), w("--seed", "2", "--init-seed", "7"))
    assert not torch.equal(w("--seed", "1", "--init-seed", "7"), w("--seed", "1", "--init-seed", "8"))
    assert torch.equal(w("--seed", "3"), w("--seed", "9", "--init-seed", "3"))  # default: data seed
    data = lambda *argv: load_data(args_config(*argv))[0][0]  # noqa: E731
    assert torch.equal(data("--seed", "1", "--init-seed", "7"), data("--seed", "1", "--init-seed", "8"))
    assert not torch.equal(data("--seed", "1"), data("--seed", "2"))


# ---------------------------------------------------------------- optimisers, schedules, stopping, penalties
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_optimisers_with_mini_batches(cli, optimizer):
    full = run_json(cli, *SMALL, "--optimizer", optimizer, "--lr", "0.05")
    mini = run_json(cli, *SMALL, "--optimizer", optimizer, "--lr", "0.05", "--batch-size", "16")
    assert mini["config"]["train"]["batch_size"] == 16
    assert mini["test_loss"] != full["test_loss"]


def test_mini_batches_take_more_steps_per_epoch():
    base = Config().with_values(n_samples=200, train=120, dev=40, epochs=10, lr=0.1)
    _, full = train(base)
    _, mini = train(base.with_values(batch_size=10))
    # twelve updates per epoch go further downhill than one
    assert mini[-1].train_loss < full[-1].train_loss


@pytest.mark.parametrize("argv, expected", [
    (("--schedule", "step", "--step-size", "4", "--gamma", "0.5"),
     [0.2] * 4 + [0.1] * 4 + [0.05] * 2),
    (("--schedule", "linear"), [0.2 * (1 - e / 10) for e in range(10)]),
    (("--schedule", "none"), [0.2] * 10),
])
def test_schedules_set_the_learning_rate_each_epoch(argv, expected):
    config = args_config("--n-samples", "200", "--train", "120", "--dev", "40", "--epochs", "10", *argv)
    _, records = train(config)
    assert [r.lr for r in records] == pytest.approx(expected)


def test_schedule_from_the_cli_changes_the_run(cli, tmp_path):
    plain, stepped = tmp_path / "plain.csv", tmp_path / "stepped.csv"
    assert cli("train", *SMALL, "--history-csv", str(plain))[0] == 0
    assert cli("train", *SMALL, "--schedule", "step", "--step-size", "2", "--gamma", "0.1",
               "--history-csv", str(stepped))[0] == 0
    last = lambda path: path.read_text().splitlines()[-1]  # noqa: E731
    # the first two epochs run at the same rate, then the step schedule slows down
    assert plain.read_text().splitlines()[:3] == stepped.read_text().splitlines()[:3]
    assert last(plain) != last(stepped)


def test_early_stopping_from_the_cli(cli):
    argv = ("--n-samples", "200", "--train", "120", "--dev", "40", "--epochs", "2000",
            "--patience", "5", "--lr", "0.5")
    result = run_json(cli, *argv)
    assert result["epochs"] < 2000 and result["stopped"] == "early stopping"
    assert result["epochs"] == result["best_epoch"] + 5 + 1
    code, out, _ = cli("train", *argv)
    assert code == 0 and f"[Early stop] no better dev score for 5 epochs; stopped after " \
                         f"{result['epochs']} epochs" in out


@pytest.mark.parametrize("penalty", ["--l2", "--l1"])
def test_penalties_shrink_the_weights(penalty):
    base = ("--n-samples", "200", "--train", "120", "--dev", "40", "--epochs", "60", "--hidden", "8")
    plain, _ = train(args_config(*base))
    penalised, _ = train(args_config(*base, penalty, "0.05"))
    norm = lambda exp: sum(float(l.params["W"].abs().sum()) for l in exp.model.linears)  # noqa: E731,E741
    assert norm(penalised) < 0.9 * norm(plain)


# ---------------------------------------------------------------- reproducibility
LAB = ("--n-samples", "300", "--train", "180", "--dev", "60", "--epochs", "25", "--hidden", "6,4",
       "--activation", "relu", "--weight-init", "he", "--optimizer", "adam", "--lr", "0.01",
       "--batch-size", "32", "--schedule", "step", "--step-size", "10", "--l2", "0.001",
       "--l1", "0.0001", "--seed", "4", "--init-seed", "11")


def test_same_seeds_give_a_bit_identical_history():
    first, _ = train(args_config(*LAB))
    second, _ = train(args_config(*LAB))
    assert history_rows(first) == history_rows(second)  # floats compared exactly
    for a, b in zip(first.model.linears, second.model.linears):
        assert torch.equal(a.params["W"], b.params["W"]) and torch.equal(a.params["b"], b.params["b"])
    other, _ = train(args_config(*LAB[:-2], "--init-seed", "12"))
    assert history_rows(other) != history_rows(first)


def test_same_seeds_give_the_same_history_file(cli, tmp_path):
    paths = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for path in paths:
        code, _, err = cli("train", *LAB, "--history-csv", str(path))
        assert code == 0, err
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_rebuilding_reproduces_the_initial_weights():
    config = args_config(*LAB)
    exp = build(config)
    start = exp.runner.parameters()
    for _ in range(3):
        exp.step()
    again = build(config).runner.parameters()
    assert all(torch.equal(start[n][k], again[n][k]) for n in start for k in start[n])


def test_train_help_lists_the_lab_options(cli):
    code, text, _ = cli("train", "--help")
    assert code == 0
    for option in ("--preset", "--config", "--save-config", "--history-csv", "--export-json",
                   "--diagnostics", "--weight-scale", "--init-seed", "--batch-size", "--patience",
                   "dead-relu", "logistic-regression"):
        assert option in text


def test_compare_shows_a_progress_bar_per_side_on_a_terminal(tmp_path):
    """A terminal sees both sides' bars (B waiting while A trains), then only the table."""
    from tests.app.helpers import PtyApp

    code = ("import sys\nfrom tui_mlp.cli import main_exit\n"
            "sys.argv = ['tui-mlp', 'compare', '--epochs', '4000', '--n-samples', '200', '--train', '120', "
            "'--dev', '40']\nmain_exit()\n")
    term = PtyApp(code, tmp_path, size=(100, 20))
    try:
        assert term.read_for(60, until=b"test acc"), term.output.decode(errors="replace")[-2000:]
        term.wait_exit(10)
        text = term.output.decode(errors="replace")
        assert "training A" in text and "training B" in text and "waiting" in text
        assert "A logistic regression" in text and term.proc.returncode == 0
    finally:
        term.close()


def test_cli_diagnostics(cli):
    code, out, err = cli("train", "--preset", "dead-relu", "--epochs", "3", "--diagnostics")
    assert code == 0, err
    assert "[Diagnostics] dead units on the training set: layer 1 3/3  layer 2 3/3" in out
    assert "[Gradient check] worst " in out
    code, out, err = cli("train", *SMALL, "--diagnostics", "--json")
    assert code == 0, err
    diag = json.loads(out)["diagnostics"]
    assert diag["layers"] == ["fc1", "fc2"] and len(diag["last_epoch_grad_norms"]) == 2
    assert diag["gradient_check"]["worst_relative_error"] < 1e-4
    assert sum(diag["weight_histograms"]["fc1"]["counts"]) == 10

