"""``--features`` on the command line and in settings files."""
from __future__ import annotations

import json

from tests.engine.helpers import SMALL
from tui_mlp.config import FEATURES
from tui_mlp.settings_file import load_config, save_config


def test_help_names_every_feature_and_the_default(cli):
    code, text, _ = cli("train", "--help")
    assert code == 0
    help_text = " ".join(text.split())
    assert "--features FEATURES" in help_text
    assert all(name in help_text for name in FEATURES)
    assert "x1sq (x1^2)" in help_text and "default x1,x2" in help_text


def test_train_with_features_sizes_the_first_layer(cli):
    code, out, err = cli("train", *SMALL, "--features", "x1,x2,x1x2", "--hidden", "4", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["config"]["model"]["features"] == ["x1", "x2", "x1x2"]


def test_a_bad_feature_exits_2_in_one_line(cli):
    code, out, err = cli("train", *SMALL, "--features", "x1,x3")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "tui-mlp: --features: 'x1,x3' is not accepted; expected distinct comma-separated features "
        "from x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2 (e.g. x1sq,x2sq)"]


def test_a_settings_file_takes_a_list_or_a_string_and_round_trips(tmp_path):
    path = tmp_path / "f.toml"
    path.write_text("[model]\nfeatures = ['x1sq', 'x2sq']\n")
    config = load_config(path)
    assert config.model.features == ("x1sq", "x2sq")
    path.write_text("[model]\nfeatures = 'sinx1,sinx2'\n")
    assert load_config(path).model.features == ("sinx1", "sinx2")
    saved = save_config(config, tmp_path / "again.toml")
    assert "features = [" in saved.read_text() and load_config(saved) == config


def test_a_bad_feature_in_a_file_names_the_file_and_field(tmp_path, cli):
    path = tmp_path / "bad.toml"
    path.write_text("[model]\nfeatures = 'x1,x1'\n")
    code, _, err = cli("train", *SMALL, "--config", str(path))
    assert code == 2
    line, = err.strip().splitlines()
    assert "bad.toml" in line and "features" in line and "'x1,x1' is not accepted" in line
