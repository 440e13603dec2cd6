"""Diagnostics and the book's 4.4 findings: zeros init keeps
hidden units identical (4.4.1), a deep Logistic network's first-layer gradients
vanish and ReLU narrows the gap (4.4.2), bias -8 kills ReLUs but not LeakyReLUs
(4.4.3). torch.autograd appears here only as the oracle."""
from __future__ import annotations

import pytest
import torch

from tui_mlp import diagnostics as D
from tui_mlp.config import ACTIVATIONS, Config
from tui_mlp.data import make_moons
from tui_mlp.experiment import build, build_model
from tui_mlp.nn import MLP
from tui_mlp.nn.activation import Logistic
from tui_mlp.presets import preset_config
from tui_mlp.render.diagnostics import histogram_bars

from .helpers import train

SEEDS = range(4)


def small_data(n=60, seed=3):
    X, y = make_moons(n, noise=0.2, seed=seed)
    return X, y.reshape(-1, 1)


def snapshot(model: MLP) -> list[torch.Tensor]:
    return [t.clone() for layer in model.linears for t in (*layer.params.values(), *layer.grads.values())]


# ---------------------------------------------------------------- gradient check
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_check_passes_for_every_activation(activation):
    model = MLP(2, [4, 3], 1, activation=activation, generator=torch.Generator().manual_seed(1))
    X, y = small_data()
    check = D.gradient_check(model, X, y)
    assert check.checked == 2 * 4 + 4 + 4 * 3 + 3 + 3 + 1
    assert check.worst < 1e-4, check.line()  # measured 1e-10 .. 2e-5 (one-sided at kinks)


def test_relu_kinks_at_zero_bias_are_compared_one_sided():
    # bias 0: a sample whose first-layer ReLUs are all off reaches fc2 at exactly 0,
    # where ReLU has no derivative; the central difference averages the two sides
    model = MLP(2, [4, 3], 1, activation="relu", generator=torch.Generator().manual_seed(1))
    check = D.gradient_check(model, *small_data())
    assert check.kinks > 0 and check.worst < 1e-4
    assert "at a kink compared one-sided" in check.line()


def test_gradient_check_catches_a_wrong_backward(monkeypatch):
    model = MLP(2, [4], 1, activation="logistic", generator=torch.Generator().manual_seed(1))
    X, y = small_data()
    assert D.gradient_check(model, X, y).worst < 1e-5
    # the classic slip: sigma' written as sigma instead of sigma (1 - sigma)
    monkeypatch.setattr(Logistic, "backward", lambda self, grads: grads * self.outputs)
    bad = D.gradient_check(model, X, y)
    assert bad.worst > 1e-2
    assert "worst relative error: " in bad.line()


def test_a_gradient_check_below_the_floor_says_its_error_is_absolute():
    """Both values under the floor: the error is |difference| / floor, and the line says so."""
    check = D.GradCheck(4.57e-05, "fc3", "b", (0, 2), -1.24062e-11, 3.33067e-11, 9)
    assert check.line().startswith("[Gradient check] worst absolute error / 1e-06, both being below it: 4.57e-05 ")
    big = D.GradCheck(0.02, "fc1", "W", (0, 0), 0.5, 0.49, 9)
    assert big.line().startswith("[Gradient check] worst relative error: 0.02 at fc1.W[0,0]")


def test_gradient_check_names_saturated_predictions():
    model = MLP(2, [4], 1, generator=torch.Generator().manual_seed(1))
    X, y = small_data()
    assert D.gradient_check(model, X, y).saturated == 0
    model.linears[1].params["W"].mul_(200.0)  # outputs pinned at 0 or 1
    check = D.gradient_check(model, X, y)
    assert check.saturated > 0 and "saturated predictions" in check.line()


def test_gradient_check_samples_big_tensors_and_leaves_the_model_alone():
    exp = build(preset_config("micrograd"))
    exp.step()
    before = snapshot(exp.model)
    X, y = exp.train_set
    check = D.gradient_check(exp.model, X, y, max_per_tensor=10)
    assert check.checked == 10 + 10 + 10 + 10 + 10 + 1  # W1 32, b1 16, W2 256, b2 16, W3 16, b3 1
    after = snapshot(exp.model)
    assert all(torch.equal(a, b) for a, b in zip(before, after))
    assert exp.model.linears[0].params["W"].dtype == torch.float32


def test_check_budget_shrinks_for_wide_models():
    small = build_model(Config())
    assert D.check_budget(small, 640) == (640, None)
    wide = build_model(Config().with_values(hidden=(1024, 1024)))
    rows, per_tensor = D.check_budget(wide, 640)
    assert rows == 256 and 2 <= per_tensor <= 100


# ---------------------------------------------------------------- gradient norms
def test_gradient_norms_match_autograd():
    model = MLP(2, [5, 3], 1, activation="tanh", generator=torch.Generator().manual_seed(2))
    X, y = small_data()
    ours = D.gradient_norms(model, X, y)
    params = [layer.params["W"].clone().requires_grad_(True) for layer in model.linears]
    biases = [layer.params["b"].clone() for layer in model.linears]
    h = X
    for i, (W, b) in enumerate(zip(params, biases)):
        h = h @ W + b
        h = torch.sigmoid(h) if i == len(params) - 1 else torch.tanh(h)
    torch.nn.functional.binary_cross_entropy(h, y).backward()
    expected = [float(W.grad.norm()) for W in params]
    assert ours == pytest.approx(expected, rel=1e-5)


def test_runner_records_the_same_norms_in_its_first_epoch():
    config = Config().with_values(n_samples=200, train=120, dev=40)
    exp = build(config, diagnostics=True)
    X, y = exp.train_set
    expected = D.gradient_norms(exp.model, X, y)
    record = exp.step()
    assert record.grad_norms == pytest.approx(expected, rel=1e-6)


# ---------------------------------------------------------------- 4.4.1 zeros init
@pytest.mark.parametrize("activation, learns", [("logistic", True), ("tanh", False)])
def test_zeros_init_keeps_every_hidden_unit_identical(activation, learns):
    config = Config().with_values(weight_init="zeros", hidden=(5, 4), activation=activation,
                                  epochs=60)
    exp, _ = train(config)
    assert D.identical_units(exp.model) == (True, True)
    W = exp.model.linears[0].params["W"]
    assert torch.equal(W, W[:, :1].expand_as(W))
    # Logistic units output 0.5 and learn, all the same thing; tanh(0) = 0 passes
    # no gradient to any weight, so those stay exactly 0
    assert bool(W.abs().max() > 0) is learns


def test_random_init_breaks_the_symmetry():
    exp, _ = train(Config().with_values(hidden=(5, 4), epochs=5))
    assert D.identical_units(exp.model) == (False, False)


# ---------------------------------------------------------------- 4.4.2 vanishing gradients
def first_epoch_ratio(activation: str, seed: int) -> float:
    config = preset_config("vanishing").with_values(activation=activation, seed=seed, epochs=1)
    _, records = train(config, diagnostics=True)
    norms = records[0].grad_norms
    assert len(norms) == 5
    return norms[0] / norms[-1]


@pytest.mark.parametrize("seed", SEEDS)
def test_deep_logistic_first_layer_gradient_vanishes_and_relu_narrows_the_gap(seed):
    logistic = first_epoch_ratio("logistic", seed)
    relu = first_epoch_ratio("relu", seed)
    assert logistic < 1e-8  # ten orders of magnitude at N(0, 0.01), bias 1 (measured ~1e-10)
    assert relu > 100 * logistic  # the derivative is 1, not sigma'(1) ~ 0.2, at each of 4 layers


def test_vanishing_norms_decrease_layer_by_layer_towards_the_input():
    config = preset_config("vanishing").with_values(epochs=1)
    _, records = train(config, diagnostics=True)
    norms = records[0].grad_norms
    assert all(a < b / 10 for a, b in zip(norms, norms[1:])), norms


# ---------------------------------------------------------------- 4.4.3 dead ReLU
@pytest.mark.parametrize("seed", SEEDS)
def test_bias_minus_8_kills_every_relu_but_not_leaky_relu(seed):
    relu = preset_config("dead-relu").with_values(seed=seed, epochs=5)
    exp, records = train(relu, diagnostics=True)
    assert all(norm == 0.0 for r in records for norm in r.grad_norms)
    X, _ = exp.train_set
    assert D.dead_units(exp.model, X) == (3, 3, 3, 3)
    fresh = build(relu).model
    for layer, start in zip(exp.model.linears, fresh.linears):
        assert torch.equal(layer.params["W"], start.params["W"])  # no weight ever moved

    leaky = relu.with_values(activation="leaky_relu")
    exp, records = train(leaky, diagnostics=True)
    assert all(norm > 0.0 for r in records for norm in r.grad_norms)
    assert D.dead_units(exp.model, X) == (0, 0, 0, 0)


def test_dead_units_counts_only_units_dead_on_every_sample():
    model = MLP(2, [3], 1, activation="relu", generator=torch.Generator().manual_seed(0))
    W = model.linears[0].params["W"]
    W.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))
    model.linears[0].params["b"].copy_(torch.tensor([[0.0, -1.0, 1.0]]))
    X = torch.tensor([[-1.0, 0.0], [2.0, 0.0]])
    # unit 0 is alive on the second sample, unit 1 always off, unit 2 always on
    assert D.dead_units(model, X) == (1,)
    assert D.dead_units(MLP(2, [], 1), X) == ()  # logistic regression: no hidden layer


# ---------------------------------------------------------------- histograms, diagnose, CLI
def test_weight_histograms_count_every_weight():
    model = build_model(Config().with_values(hidden=(16, 8)))
    hists = D.weight_histograms(model, bins=7)
    assert [h.layer for h in hists] == ["fc1", "fc2", "fc3"]
    for h, layer in zip(hists, model.linears):
        W = layer.params["W"]
        assert sum(h.counts) == W.numel() and len(h.edges) == 8
        assert h.edges[0] == pytest.approx(float(W.min())) and h.edges[-1] == pytest.approx(float(W.max()))
    zeros = D.weight_histograms(build_model(Config().with_values(weight_init="zeros")), bins=4)
    assert zeros[0].counts[1] + zeros[0].counts[2] == 10 and sum(zeros[0].counts) == 10


def test_diagnose_snapshot():
    exp = build(preset_config("dead-relu"))
    d = D.diagnose(exp.model, *exp.train_set)
    assert d.layers == ("fc1", "fc2", "fc3", "fc4", "fc5")
    assert d.dead == (3, 3, 3, 3) and d.widths == (3, 3, 3, 3)
    assert d.grad_norms[:4] == (0.0, 0.0, 0.0, 0.0)
    assert len(d.histograms) == 5


def test_histogram_bars_start_from_zero():
    """An empty bin is blank and the fullest a full block, in the CLI's report
    and the lab tab alike (a min-max scale would draw the emptiest bin)."""
    assert histogram_bars([0, 5, 10, 1]) == " ▄█▁"
    assert histogram_bars([3, 3]) == "██" and histogram_bars([0, 0]) == "  "
