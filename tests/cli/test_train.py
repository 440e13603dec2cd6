"""``tui-mlp train``: the chapter's experiment with no UI.

Most runs go through ``tui_mlp.cli.main([...])`` in this process (torch is
already imported, so each run costs only its epochs); what must be seen from a
fresh interpreter (``--help`` importing neither torch nor textual, the console
entry point) runs in a subprocess.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tui_mlp import cli
from tui_mlp.cli import main
from tui_mlp.config import Config
from tui_mlp.experiment import build, build_model
from tui_mlp.runner import float32_digits

SMALL = ["--n-samples", "200", "--train", "120", "--dev", "40", "--epochs", "30", "--log-epochs", "10"]
JSON_KEYS = {"config", "test_accuracy", "test_loss", "best_dev_accuracy", "epochs", "seconds"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["train", *argv])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_book_log_lines(capsys):
    code, out, err = run(capsys, *SMALL)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("[Evaluate] best accuracy performance has been updated: 0.00000 --> ")
    train = [line for line in lines if line.startswith("[Train]")]
    assert [line.split(", loss: ")[0] for line in train] == \
        ["[Train] epoch: 0/30", "[Train] epoch: 10/30", "[Train] epoch: 20/30"]
    assert all(float(line.split(", loss: ")[1]) > 0 for line in train)
    improved = [line for line in lines if line.startswith("[Evaluate]")]
    pairs = [re.fullmatch(r".*: (\d\.\d{5}) --> (\d\.\d{5})", line).groups() for line in improved]
    assert all(float(new) > float(old) for old, new in pairs)  # strictly better each time
    assert all(pairs[i][1] == pairs[i + 1][0] for i in range(len(pairs) - 1))
    test = [line for line in lines if line.startswith("[Test]")]
    assert len(test) == 1 and re.fullmatch(r"\[Test\] score/loss: \d\.\d{4}/\d+\.\d{4}", test[0])
    assert lines.index(test[0]) > lines.index(train[-1])  # after training
    assert err == ""


def test_json_output(capsys):
    code, out, err = run(capsys, *SMALL, "--json", "--hidden", "4,3", "--activation", "tanh")
    assert code == 0, err
    result = json.loads(out)  # one JSON object and nothing else
    assert JSON_KEYS <= set(result)
    assert result["epochs"] == 30
    assert 0 <= result["test_accuracy"] <= 1 and 0 <= result["best_dev_accuracy"] <= 1
    assert result["test_loss"] > 0 and result["seconds"] >= 0
    assert result["config"]["model"]["hidden"] == [4, 3]
    assert result["config"]["model"]["activation"] == "tanh"
    assert result["config"]["data"]["n_samples"] == 200
    assert "[Train]" not in out
    for key in ("test_accuracy", "test_loss", "best_dev_accuracy", "final_train_accuracy"):
        assert result[key] == float32_digits(result[key])  # a float32's digits, not float64 noise


def test_json_result_is_the_best_dev_model_on_the_test_set(capsys):
    code, out, _ = run(capsys, *SMALL, "--json", "--seed", "3")
    result = json.loads(out)
    config = Config().with_values(n_samples=200, train=120, dev=40, epochs=30, seed=3)
    exp = build(config)
    for _ in range(30):
        exp.step()
    assert float32_digits(exp.runner.best_score) == result["best_dev_accuracy"]
    exp.runner.restore_best()
    score, loss = exp.runner.evaluate(exp.test_set)
    assert (float32_digits(score), float32_digits(loss)) == (result["test_accuracy"], result["test_loss"])


def test_defaults_are_the_books(capsys):
    c = Config()
    assert (c.data.n_samples, c.data.train, c.data.dev) == (1000, 640, 160)
    assert (c.model.hidden, c.model.activation) == ((5,), "logistic")
    assert (c.train.lr, c.train.epochs, c.train.log_epochs, c.train.optimizer) == (0.2, 1000, 50, "gd")
    assert c.data.noise == 0.2  # the seed's choice; the book's 0.5 is --noise 0.5


@pytest.mark.parametrize("option, value, accepted", [
    ("--lr", "0", "> 0"),
    ("--lr", "abc", "> 0"),
    ("--lr", "nan", "> 0"),
    ("--lr", "1e400", "> 0"),
    ("--epochs", "0", "from 1 to"),
    ("--epochs", "1.5", "from 1 to"),
    ("--log-epochs", "-3", "from 1 to"),
    ("--hidden", "0", "from 1 to"),
    ("--hidden", "5,x", "from 1 to"),
    ("--hidden", "5,,5", "from 1 to"),
    ("--activation", "sigmoid", "logistic, tanh, relu"),
    ("--noise", "-0.1", ">= 0"),
    ("--n-samples", "5", "from 10 to"),
    ("--seed", "-1", "from 0 to"),
    ("--train", "0", "count from 1"),
    ("--dev", "1.5", "fraction between 0 and 1"),
])
def test_bad_value_exits_2_with_one_line_naming_option_and_range(capsys, option, value, accepted):
    code, out, err = run(capsys, option, value)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert option in err and repr(value) in err and accepted in err


def test_train_plus_dev_over_n_is_refused_naming_a_split_option(capsys):
    code, out, err = run(capsys, "--train", "900", "--dev", "200")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert ("--dev" in err or "--train" in err) and "1000" in err


@pytest.mark.parametrize("argv", [["--bogus", "1"], ["--epochs"]])
def test_usage_errors_exit_2_in_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_save_dir_then_load_dir_round_trip(capsys, tmp_path):
    save = tmp_path / "model"
    code, out, err = run(capsys, *SMALL, "--json", "--save-dir", str(save))
    assert code == 0, err
    first = json.loads(out)
    assert sorted(p.name for p in save.iterdir()) == ["fc1.pdparams", "fc2.pdparams"]

    # the files hold the best-dev model: the same test score as the run reported
    config = Config().with_values(n_samples=200, train=120, dev=40, epochs=30)
    exp = build(config)
    exp.runner.load_model(save)
    assert tuple(map(float32_digits, exp.runner.evaluate(exp.test_set))) == \
        (first["test_accuracy"], first["test_loss"])
    loaded = {layer.name: {k: v.clone() for k, v in layer.params.items()} for layer in exp.model.linears}
    assert any(not torch.equal(loaded[fresh.name]["W"], fresh.params["W"])
               for fresh in build_model(config).linears)  # not the fresh initial weights

    # starting from it: the first epoch's loss is the loaded model's training loss
    code, out, err = run(capsys, *SMALL, "--epochs", "1", "--load-dir", str(save))
    assert code == 0, err
    train_line = next(line for line in out.splitlines() if line.startswith("[Train]"))
    _, expected_loss = exp.runner.evaluate(exp.train_set)
    assert float(train_line.split(", loss: ")[1]) == pytest.approx(expected_loss, rel=1e-6)


def test_load_dir_of_another_architecture_fails_in_one_line(capsys, tmp_path):
    save = tmp_path / "deep"
    assert run(capsys, *SMALL, "--json", "--hidden", "4,4", "--save-dir", str(save))[0] == 0
    code, out, err = run(capsys, *SMALL, "--load-dir", str(save))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and str(save) in err and "fc3.pdparams" in err


def test_load_dir_missing_fails_in_one_line(capsys, tmp_path):
    code, out, err = run(capsys, *SMALL, "--load-dir", str(tmp_path / "nope"))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and str(tmp_path / "nope") in err


def test_divergence_is_reported_not_raised(capsys):
    code, out, err = run(capsys, *SMALL, "--lr", "100", "--epochs", "300", "--json")
    assert code == 1
    assert "diverged" in err and "Traceback" not in err
    assert "error" in json.loads(out)


# ------------------------------------------------------------------ fresh interpreters
PROBE = """
import json, sys
from tui_mlp.cli import main
try:
    main({argv!r})
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("torch", "textual") if m in sys.modules)
print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


def _python(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120, cwd=Path(__file__).parent)


def test_train_help_lists_every_setting():
    proc = _python(PROBE.format(argv=["train", "--help"]))
    for option in ("--n-samples", "--noise", "--seed", "--train", "--dev", "--hidden", "--activation",
                   "--lr", "--epochs", "--log-epochs", "--save-dir", "--load-dir", "--json"):
        assert option in proc.stdout, option
    for name in ("logistic", "hard_logistic", "gelu"):
        assert name in proc.stdout


def test_python_dash_m_runs_headless_training():
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "tui_mlp", "train", *SMALL, "--json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert JSON_KEYS <= set(json.loads(proc.stdout))


def test_the_app_takes_the_settings_of_train(monkeypatch, tmp_path, capsys):
    """``tui-mlp --preset micrograd --lr 0.5`` opens the app with those settings."""
    opened = []
    monkeypatch.setattr(cli, "run_app", lambda config: opened.append(config) or 0)
    (tmp_path / "run.toml").write_text("[train]\nepochs = 7\n")
    assert cli.main(["--preset", "micrograd", "--config", str(tmp_path / "run.toml"), "--lr", "0.5"]) == 0
    from tui_mlp.presets import preset_config

    assert opened == [preset_config("micrograd").with_values(epochs=7, lr=0.5)]


def test_a_bad_app_setting_is_one_line_before_the_screen_opens(monkeypatch, capsys):
    monkeypatch.setattr(cli, "run_app", lambda config: pytest.fail("the app opened"))
    assert cli.main(["--hidden", "5,,x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tui-mlp: --hidden: '5,,x' is not accepted") and err.count("\n") == 1


def test_the_save_line_names_the_absolute_directory(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *SMALL, "--save-dir", "models/best")
    assert code == 0, err
    line = next(line for line in out.splitlines() if line.startswith("[Save]"))
    assert line.startswith("[Save] best model (epoch ") and line.endswith(f"saved to {tmp_path}/models/best")
    assert (tmp_path / "models" / "best").is_dir()


def test_train_help_gives_every_setting_its_range_and_default(capsys):
    from tui_mlp.config import FIELDS, option_name, text_of

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps where it likes
    text = text.replace("- ", "-").replace("_ ", "_")  # "comma- separated", "hard_ logistic" where lines broke
    for name, spec in FIELDS.items():
        entry = text[text.index(f"{option_name(name)} {name.upper()} "):]  # the entry, not the usage
        accepted = f"({'|'.join(spec.choices)})" if spec.choices else spec.accepted.removeprefix("expected ")
        assert " ".join(accepted.split()) in entry[:600], name
        default = text_of(Config().get(name))
        if default:
            assert f"default {default}" in entry[:700], name
