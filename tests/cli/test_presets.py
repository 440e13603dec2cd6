"""``--preset`` on the command line: a preset, then a settings file, then the
options, and the one-line refusals that name the option to blame."""
from __future__ import annotations

import json


def test_precedence_preset_then_file_then_options(cli, tmp_path):
    settings = tmp_path / "run.toml"
    settings.write_text("[train]\nlr = 0.05\nepochs = 3\n[model]\nactivation = 'tanh'\n")
    code, out, err = cli("train", "--preset", "micrograd", "--config", str(settings),
                         "--activation", "elu", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["preset"] == "micrograd"
    c = result["config"]
    assert c["data"]["n_samples"] == 100 and c["model"]["hidden"] == [16, 16]  # preset
    assert c["train"]["lr"] == 0.05 and c["train"]["epochs"] == 3  # file over preset
    assert c["model"]["activation"] == "elu"  # option over file
    assert result["epochs"] == 3



def test_an_option_may_make_a_preset_valid_that_it_alone_is_not(cli):
    # train 200 alone would overflow micrograd's 100 samples; with --n-samples it is fine
    code, out, err = cli("train", "--preset", "micrograd", "--n-samples", "400", "--train", "200",
                         "--epochs", "2", "--json")
    assert code == 0, err
    assert json.loads(out)["config"]["data"]["train"] == 200



def test_bad_preset_exits_2_naming_the_option(cli):
    code, out, err = cli("train", "--preset", "fastest")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "tui-mlp: --preset: 'fastest' is not accepted; expected one of book, micrograd, tuned, "
        "vanishing, dead-relu, logistic-regression, circles, spiral3, overfit, lr-decay, plane, gaussians"]



def test_an_option_breaking_a_preset_is_blamed_on_the_option(cli):
    code, _, err = cli("train", "--preset", "micrograd", "--train", "200")
    assert code == 2
    assert err.startswith("tui-mlp: --train: 200 is not accepted; train + dev must leave")

