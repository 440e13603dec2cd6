"""Settings files: ``--config run.toml`` and ``--save-config``,
validated through config.py, written atomically."""
from __future__ import annotations

import json
import os

import pytest

from tests.engine.helpers import SMALL
from tui_mlp import files
from tui_mlp.config import Config, ConfigError
from tui_mlp.files import WriteError, write_text_atomic
from tui_mlp.presets import PRESETS, preset_config
from tui_mlp.settings_file import SettingsFileError, config_toml, load_config, read_settings, save_config


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_round_trips_through_a_file(tmp_path, name):
    config = preset_config(name)
    path = save_config(config, tmp_path / "run.toml")
    assert load_config(path) == config


def test_round_trip_keeps_every_kind_of_value(tmp_path):
    config = Config().with_values(hidden=(), train=0.5, dev=0.25, init_seed=7, shuffle=False,
                                  bias_init=-8.0, lr=1e-4, weight_scale=0.01, schedule="step")
    path = save_config(config, tmp_path / "x.toml")
    assert load_config(path) == config
    text = path.read_text()
    assert text.startswith("# tui-mlp settings")
    assert "[data]" in text and "[model]" in text and "[train]" in text


def test_unset_init_seed_is_left_out_and_stays_unset(tmp_path):
    path = save_config(Config(), tmp_path / "x.toml")
    assert "init_seed" not in path.read_text()
    assert load_config(path).model.init_seed is None


def test_a_partial_file_keeps_the_base_for_the_rest(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[model]\nhidden = [16, 16]\nactivation = 'relu'\n")
    config = load_config(path, base=preset_config("tuned"))
    assert config.model.hidden == (16, 16) and config.data.n_samples == 5000


def test_strings_are_parsed_like_options(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[model]\nhidden = '8,8'\n[train]\nlr = '0.5'\nepochs = 10\n")
    config = load_config(path)
    assert (config.model.hidden, config.train.lr, config.train.epochs) == ((8, 8), 0.5, 10)


@pytest.mark.parametrize("text, message", [
    ("[train]\nlr = 'abc'\n", "[train] lr: 'abc' is not accepted; expected a number > 0"),
    ("[train]\nlr = -1\n", "[train] lr: -1 is not accepted"),
    ("[train]\nepochs = 2.5\n", "[train] epochs: 2.5 is not accepted; expected a whole number"),
    ("[model]\nhidden = [0]\n", "[model] hidden: [0] is not accepted"),
    ("[model]\nhiden = [3]\n", "[model] hiden: unknown setting; [model] accepts hidden,"),
    ("[data]\nlr = 0.1\n", "[data] lr: belongs in [train]"),
    ("lr = 0.1\n", "lr: not a table of settings; put it under [train]"),
    ("[optim]\nlr = 0.1\n", "optim: not a table of settings; expected only the tables"),
    ("data = 3\n", "data: expected a table [data], got a value"),
    ("[train\nlr=1", "not valid TOML: "),
    ("[data]\nn_samples = 100\n", "[data] n_samples: 100 is not accepted; train + dev must leave"),
    ("[data]\ndataset = 'csv'\n", "[data] csv: '' is not accepted; expected a file path"),
])
def test_bad_files_name_the_file_and_the_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises((ConfigError, SettingsFileError)) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_toml_syntax_errors_give_the_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[train]\nlr = 0.1\nepochs = = 3\n")
    with pytest.raises(SettingsFileError, match=r"line 3"):
        read_settings(path)


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "not found"),
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: p.write_bytes(b"\xff\xfe[train]"), "not UTF-8"),
])
def test_unreadable_files(tmp_path, make, message):
    path = tmp_path / "run.toml"
    make(path)
    with pytest.raises(SettingsFileError, match=message):
        load_config(path)


def test_cli_config_and_save_config(cli, tmp_path):
    settings = tmp_path / "in.toml"
    settings.write_text("[model]\nhidden = [4]\n[train]\noptimizer = 'momentum'\n")
    saved = tmp_path / "out.toml"
    code, _, err = cli("train", *SMALL, "--config", str(settings), "--save-config", str(saved),
                       "--lr", "0.3")
    assert code == 0, err
    config = load_config(saved)
    assert (config.model.hidden, config.train.optimizer, config.train.lr, config.train.epochs) == \
        ((4,), "momentum", 0.3, 20)
    # the saved file reproduces the run it came from
    code2, out2, _ = cli("train", "--config", str(saved), "--json")
    code1, out1, _ = cli("train", *SMALL, "--config", str(settings), "--lr", "0.3", "--json")
    assert code1 == code2 == 0
    assert without_time(out1) == without_time(out2)


def without_time(out: str) -> dict:
    return {k: v for k, v in json.loads(out).items() if k != "seconds"}


@pytest.mark.parametrize("text, expected", [
    ("[train]\nlr = 'abc'\n", "[train] lr: 'abc' is not accepted"),
    ("[model]\nactivation = 'sigmoid'\n", "[model] activation: 'sigmoid' is not accepted; "
                                         "expected one of logistic, tanh"),
])
def test_cli_bad_config_exits_2_with_one_line(cli, tmp_path, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    code, out, err = cli("train", "--config", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err and "Traceback" not in err


def test_cli_missing_config_exits_2(cli, tmp_path):
    code, _, err = cli("train", "--config", str(tmp_path / "none.toml"))
    assert code == 2 and "none.toml: not found" in err


def test_cli_unwritable_save_config_exits_1_before_training(cli, tmp_path):
    code, out, err = cli("train", *SMALL, "--save-config", str(tmp_path / "no" / "x.toml"))
    assert code == 1 and out == ""
    assert err.strip() == f"tui-mlp: --save-config: cannot write {tmp_path / 'no' / 'x.toml'}: " \
                          f"no such directory {tmp_path / 'no'}"


# ---------------------------------------------------------------- atomic writes
def test_atomic_write_replaces_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old")
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


def test_a_failed_write_keeps_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "f.toml"
    save_config(Config(), target)
    before = target.read_text()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(WriteError, match=r"cannot write .*f\.toml: No space left on device"):
        save_config(preset_config("micrograd"), target)
    assert target.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.toml"]


def test_writes_into_a_directory_or_a_missing_one_are_refused(tmp_path):
    with pytest.raises(WriteError, match="is a directory"):
        write_text_atomic(tmp_path, "x")
    with pytest.raises(WriteError, match="no such directory"):
        write_text_atomic(tmp_path / "a" / "b.txt", "x")


def test_new_files_get_ordinary_permissions(tmp_path):
    path = write_text_atomic(tmp_path / "n.txt", "x")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_config_toml_is_plain_text():
    text = config_toml(Config())
    assert "lr = 0.2" in text and "hidden = [\n    5,\n]" in text


# ---------------------------------------------------------------- a CSV path in a settings file
def write_points(path) -> None:
    rows = [f"{i / 10},{(i % 7) / 3},{i % 2}" for i in range(60)]
    path.write_text("\n".join(rows) + "\n")


def test_a_relative_csv_path_in_a_settings_file_is_found_beside_the_file(cli, tmp_path, monkeypatch):
    (tmp_path / "runs").mkdir()
    write_points(tmp_path / "runs" / "points.csv")
    settings = tmp_path / "runs" / "run.toml"
    settings.write_text("[data]\ncsv = 'points.csv'\ntrain = 40\ndev = 10\n[train]\nepochs = 3\n")
    monkeypatch.chdir(tmp_path)  # not where the file is
    code, out, err = cli("train", "--config", str(settings), "--json")
    assert code == 0, err
    assert json.loads(out)["config"]["data"]["csv"] == str(tmp_path / "runs" / "points.csv")


def test_saving_writes_the_csv_path_relative_to_the_settings_file(tmp_path, monkeypatch):
    write_points(tmp_path / "points.csv")
    monkeypatch.chdir(tmp_path)
    config = Config().with_values(dataset="csv", csv="points.csv", train=40, dev=10)
    (tmp_path / "elsewhere").mkdir()
    path = save_config(config, tmp_path / "elsewhere" / "run.toml")
    assert "csv = \"../points.csv\"" in path.read_text()
    monkeypatch.chdir(tmp_path / "elsewhere")  # loading from anywhere finds the same file
    assert os.path.samefile(load_config(path).data.csv, tmp_path / "points.csv")


@pytest.mark.parametrize("option", ["--history-csv", "--export-json", "--save-config"])
@pytest.mark.parametrize("spelling", ["same", "link"])
def test_no_output_may_overwrite_the_csv_being_read(cli, tmp_path, option, spelling):
    data = tmp_path / "points.csv"
    write_points(data)
    before = data.read_bytes()
    target = data
    if spelling == "link":  # another name for the same file
        target = tmp_path / "link.csv"
        target.symlink_to(data)
    code, out, err = cli("train", "--csv", str(data), "--train", "40", "--dev", "10", "--epochs", "2",
                         option, str(target))
    assert code == 1 and out == ""
    assert err.strip() == (f"tui-mlp: {option}: cannot write {target}: it is the data "
                           "file the run reads (csv); choose another file")
    assert data.read_bytes() == before


def test_a_csv_path_may_start_with_the_home_directory(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    write_points(tmp_path / "points.csv")
    settings = tmp_path / "sub" / "run.toml"
    settings.parent.mkdir()
    settings.write_text("[data]\ncsv = '~/points.csv'\ntrain = 40\ndev = 10\n[train]\nepochs = 2\n")
    code, out, err = cli("train", "--config", str(settings), "--json")  # in a file
    assert code == 0, err
    code, out, err = cli("train", "--csv", "~/points.csv", "--train", "40", "--dev", "10",  # as typed in the app
                         "--epochs", "2", "--json")
    assert code == 0, err
