"""Presets: what each one sets, their precedence, and the
accuracy claims of ``micrograd`` and ``tuned`` over several seeds."""
from __future__ import annotations

import pytest

from tui_mlp.compare import default_pair, describe
from tui_mlp.config import PAIR_L2, Config, ConfigError
from tui_mlp.presets import PRESETS, preset, preset_config

from .helpers import train

SEEDS = range(8)


def test_every_preset_builds_a_valid_config_and_book_is_the_default():
    assert list(PRESETS) == ["book", "micrograd", "tuned", "vanishing", "dead-relu",
                             "logistic-regression", "circles", "spiral3", "overfit", "lr-decay", "plane",
                             "gaussians"]
    for p in PRESETS.values():
        assert isinstance(p.config(), Config) and p.title and p.description
    assert preset_config("book") == Config()


def test_preset_contents_follow_the_book():
    m = preset_config("micrograd")
    assert (m.data.n_samples, m.data.noise, m.model.hidden, m.model.activation) == \
        (100, 0.1, (16, 16), "relu")
    assert m.train.epochs <= 300
    assert preset_config("tuned").data.noise == 0.2
    v = preset_config("vanishing")
    assert v.model.layer_sizes() == [2, 3, 3, 3, 3, 1]
    assert (v.model.activation, v.model.weight_init, v.model.weight_scale, v.model.bias_init) == \
        ("logistic", "normal", 0.01, 1.0)
    d = preset_config("dead-relu")
    assert (d.model.activation, d.model.bias_init) == ("relu", -8.0)
    assert preset_config("logistic-regression").model.hidden == ()


def test_preset_names_are_forgiving_about_dashes_and_refuse_unknown_names():
    assert preset("Dead_ReLU").name == "dead-relu"
    with pytest.raises(ConfigError, match="expected one of book, micrograd"):
        preset("nope")


@pytest.mark.parametrize("seed", SEEDS)
def test_micrograd_reaches_full_training_accuracy_within_300_epochs(seed):
    config = preset_config("micrograd").with_values(seed=seed)
    exp, records = train(config)
    assert len(records) <= 300
    first = next(r.epoch for r in records if r.train_score == 1.0)
    assert first < 300
    # and it stays there: the final weights classify every training point
    assert exp.runner.evaluate(exp.train_set)[0] == 1.0


def _test_score(name: str, seed: int) -> float:
    exp, _ = train(preset_config(name).with_values(seed=seed))
    exp.runner.restore_best()
    return exp.runner.evaluate(exp.test_set)[0]


@pytest.mark.parametrize("seed", range(5))
def test_the_plane_preset_reaches_r2_095(seed):
    assert preset_config("plane").data.task == "regression"
    assert _test_score("plane", seed) >= 0.95


@pytest.mark.parametrize("seed", range(3))
def test_the_gaussians_preset_does_well(seed):
    """R² 0.93 to 0.97 over seeds 0-4 (a network without a hidden layer stays near 0)."""
    assert _test_score("gaussians", seed) >= 0.9


def test_spiral3_reaches_095_test_accuracy_with_three_softmax_outputs():
    config = preset_config("spiral3")
    assert (config.data.dataset, config.data.classes) == ("spiral", 3)
    exp, _ = train(config)
    assert exp.model.linears[-1].params["W"].shape[1] == 3
    exp.runner.restore_best()
    assert exp.runner.evaluate(exp.test_set)[0] >= 0.95


@pytest.mark.parametrize("seed", SEEDS)
def test_tuned_reaches_096_test_accuracy(seed):
    config = preset_config("tuned").with_values(seed=seed)
    exp, _ = train(config)
    exp.runner.restore_best()
    score, _ = exp.runner.evaluate(exp.test_set)
    assert score >= 0.96, (seed, score)


# ------------------------------------------------------------------ the closing lessons
def lowest_dev(records: list) -> int:
    """The index of the epoch with the lowest dev loss."""
    return min(range(len(records)), key=lambda i: records[i].dev_loss)


def test_overfit_compares_the_same_run_without_l2_against_with_it():
    config = preset_config("overfit")
    assert (config.train.l2, config.train.pair) == (0.0, "l2")
    a, b = default_pair(config)
    assert a == config and b == config.with_values(l2=PAIR_L2)
    assert (describe(a), describe(b)) == ("MLP 2-64-64-1 relu", f"MLP 2-64-64-1 relu L2 {PAIR_L2:g}")
    # an L2 rate of the settings' own is kept on B
    assert default_pair(config.with_values(l2=0.5))[1].train.l2 == 0.5


@pytest.mark.parametrize("seed", range(5))
def test_overfit_dev_loss_turns_up_without_l2_and_not_with_it(seed):
    without, with_l2 = default_pair(preset_config("overfit").with_values(seed=seed))
    _, records = train(without)
    best = lowest_dev(records)
    assert best < len(records) // 2  # the turn comes early in the run
    assert records[-1].dev_loss >= 2 * records[best].dev_loss, (best, records[-1])
    assert records[-1].train_loss < 0.5 * records[best].train_loss  # while training still improves
    _, records = train(with_l2)
    best = lowest_dev(records)
    assert records[-1].dev_loss <= 1.25 * records[best].dev_loss, (best, records[-1])


def test_lr_decay_is_a_step_schedule_from_a_large_rate():
    config = preset_config("lr-decay")
    assert (config.train.schedule, config.train.lr, config.train.gamma) == ("step", 0.1, 0.1)
    assert config.train.epochs > 2 * config.train.step_size  # at least two decays


def test_lr_decay_beats_the_same_run_at_a_constant_rate_on_the_dev_loss():
    ratios = []
    for seed in range(6):
        config = preset_config("lr-decay").with_values(seed=seed)
        decayed = train(config)[1][-1].dev_loss
        constant = train(config.with_values(schedule="none"))[1][-1].dev_loss
        assert decayed <= 1.02 * constant, (seed, decayed, constant)
        ratios.append(decayed / constant)
    assert sum(ratios) / len(ratios) <= 0.9, ratios
