"""Regression: the mean squared error and the linear output against autograd
in float64 to 1e-8, R² and RMSE against their formulas, Playground's two
regression sets, a CSV's real-valued target, and the settings that refuse
a data set of the other task."""
from __future__ import annotations

import math

import pytest
import torch

from tui_mlp import config
from tui_mlp.config import Config, ConfigError, build_config
from tui_mlp.data import DATASETS, DataError, gaussians_target, load_csv, plane_target
from tui_mlp.experiment import build
from tui_mlp.nn import MLP, Head, Identity, Logistic, MeanSquaredErrorLoss, head_for, r2, rmse
from tui_mlp.nn.head import loss_of

from .helpers import train
from .oracle import TORCH_ACTIVATIONS, assert_rel_close

F64 = torch.float64
REGRESSION = Config().data.__class__(dataset="plane", task="regression")


def test_mse_forward_and_backward_match_autograd(gen):
    p = torch.randn(50, 1, generator=gen, dtype=F64)
    y = torch.randn(50, 1, generator=gen, dtype=F64)
    loss_fn = MeanSquaredErrorLoss()
    loss = loss_fn(p, y)
    grad = loss_fn.backward()
    pg = p.clone().requires_grad_(True)
    ref = torch.nn.MSELoss()(pg, y)
    ref.backward()
    assert loss.shape == (1,)  # the book's loss shape, as BinaryCrossEntropyLoss's
    assert_rel_close(loss, ref.detach().reshape(1))
    assert_rel_close(grad, pg.grad)


def test_identity_is_the_linear_output():
    z = torch.linspace(-3, 3, 7, dtype=F64).reshape(-1, 1)
    op = Identity()
    assert torch.equal(op(z), z)
    g = torch.linspace(1, 2, 7, dtype=F64).reshape(-1, 1)
    assert torch.equal(op.backward(g), g)


@pytest.mark.parametrize("hidden", [(), (5,), (4, 3)], ids=["none", "5", "4x3"])
def test_regression_mlp_gradients_match_autograd(hidden, gen):
    X = torch.rand(40, 2, generator=gen, dtype=F64) * 2 - 1
    y = plane_target(X).reshape(-1, 1)
    model = MLP(2, hidden, 1, activation="tanh", dtype=F64, input_grad=True,
                generator=torch.Generator().manual_seed(5), output=Head("regression").output_op)
    for layer in model.linears:
        layer.params["b"] = 0.1 * torch.arange(layer.params["b"].shape[1], dtype=F64).reshape(1, -1) + 0.05
    loss_fn = Head("regression").loss(model)
    loss = loss_fn(model(X), y)
    dX = model.backward(loss_fn.backward())

    h = inputs = X.clone().requires_grad_(True)
    leaves = []
    for i, layer in enumerate(model.linears):
        W = layer.params["W"].clone().requires_grad_(True)
        b = layer.params["b"].clone().requires_grad_(True)
        leaves.append((W, b))
        h = h @ W + b
        if i < len(model.linears) - 1:
            h = TORCH_ACTIVATIONS["tanh"](h)
    ref = torch.nn.functional.mse_loss(h, y)  # a linear output: no squashing after the last layer
    ref.backward()
    assert_rel_close(loss, ref.detach().reshape(1))
    for layer, (W, b) in zip(model.linears, leaves):
        assert_rel_close(layer.grads["W"], W.grad)
        assert_rel_close(layer.grads["b"], b.grad)
    assert_rel_close(dX, inputs.grad)


def test_r2_and_rmse_are_their_formulas(gen):
    y = torch.randn(30, 1, generator=gen, dtype=F64)
    p = y + 0.3 * torch.randn(30, 1, generator=gen, dtype=F64)
    ss_res = sum((a - b) ** 2 for a, b in zip(y.reshape(-1).tolist(), p.reshape(-1).tolist()))
    mean = sum(y.reshape(-1).tolist()) / 30
    ss_tot = sum((a - mean) ** 2 for a in y.reshape(-1).tolist())
    assert float(r2(p, y)) == pytest.approx(1 - ss_res / ss_tot, rel=1e-12)
    assert float(r2(y, y)) == 1.0
    assert float(r2(torch.full_like(y, mean), y)) == pytest.approx(0.0, abs=1e-12)
    mse = float(MeanSquaredErrorLoss()(p, y))
    assert rmse(mse) == pytest.approx(math.sqrt(ss_res / 30), rel=1e-12)


def test_r2_of_a_constant_target_is_1_when_exact_else_0():
    y = torch.ones(5, 1, dtype=F64)
    assert float(r2(y, y)) == 1.0
    assert float(r2(y + 0.1, y)) == 0.0


def test_the_head_follows_the_task():
    cls, reg = head_for(Config().data), head_for(REGRESSION)
    assert (cls.task, cls.out_features, reg.task, reg.out_features) == ("classification", 1, "regression", 1)
    assert reg.classes == 0 and isinstance(loss_of(MLP(2, [], 1, output=reg.output_op)), MeanSquaredErrorLoss)
    assert isinstance(cls.output_op(), Logistic) and isinstance(reg.output_op(), Identity)
    assert (cls.output_name, reg.output_name) == ("logistic", "identity")
    assert cls.scoring.text(0.25, 0.85) == "acc 0.8500"
    assert reg.scoring.text(0.25, 0.85) == "RMSE 0.5000 R² 0.8500"
    assert cls.scoring.summary(0.25, 0.85) == "loss 0.2500 acc 0.8500"
    assert reg.scoring.summary(0.25, 0.85) == "RMSE 0.5000 R² 0.8500"
    assert reg.scoring.record("test", 0.25, 0.85) == {"test_rmse": 0.5, "test_r2": 0.85}
    out = torch.tensor([[0.25], [0.75]])
    assert reg.predicted(out).tolist() == [0.25, 0.75] and cls.predicted(out).tolist() == [0, 1]


@pytest.mark.parametrize("name", config.TASK_DATASETS["regression"])
def test_regression_sets_are_seeded_real_targets_on_the_square(name):
    X, y = DATASETS[name](300, noise=0.0, seed=4)
    assert X.shape == (300, 2) and y.shape == (300,) and X.dtype == y.dtype == torch.float32
    assert float(X.abs().max()) <= 1.0 and len(set(y.tolist())) > 100  # values, not classes
    assert torch.equal(y, DATASETS[name](300, noise=0.0, seed=4)[1])
    target = plane_target if name == "plane" else gaussians_target
    assert torch.allclose(y, target(X))  # without noise, each point's own target


def test_playgrounds_targets_scaled_to_the_unit_square():
    """regressPlane: (x + y) / 10 on [-6, 6]^2; regressGaussian: +1 at (-4, 2.5),
    -1 at (0, 2.5), 0 two units away from every centre; here all / 6."""
    corners = torch.tensor([[1.0, 1.0], [-1.0, -1.0], [0.5, 0.0]])
    assert plane_target(corners).tolist() == pytest.approx([1.2, -1.2, 0.3])
    points = torch.tensor([[-4 / 6, 2.5 / 6], [0.0, 2.5 / 6], [-2 / 6, 2.5 / 6], [-4 / 6, 1.5 / 6]])
    assert gaussians_target(points).tolist() == pytest.approx([1.0, -1.0, 0.0, 0.5], abs=1e-6)


def test_noise_blurs_the_target_and_leaves_the_points():
    X0, y0 = DATASETS["plane"](500, noise=0.0, seed=1)
    X1, y1 = DATASETS["plane"](500, noise=0.5, seed=1)
    assert torch.equal(X0, X1) and not torch.allclose(y0, y1)


def test_a_csv_target_is_read_as_a_float_with_regression(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("x1,x2,y\n0,1,0.436\n1,0,-2.5\n0.5,0.5,3\n")
    X, y = load_csv(path, shuffle=False, real_labels=True)
    assert y.tolist() == pytest.approx([0.436, -2.5, 3.0])
    with pytest.raises(DataError, match=r"line 2: label must be a whole number from 0 to 7 \(at most 8 "
                                        r"classes\), got '0.436' in column 3 \('y'\) "
                                        r"\(a real-valued target needs task regression\)"):
        load_csv(path, shuffle=False)
    path.write_text("x1,x2,y\n0,1,0.5\n1,0,abc\n0,0,1\n")
    with pytest.raises(DataError, match=r"line 3: column 3 \('y'\), 'abc', is not a plain"):
        load_csv(path, real_labels=True)
    path.write_text("x1,x2,y\n0,1,0.5\n1,0,1e39\n0,0,1\n")
    with pytest.raises(DataError, match=r"line 3: a target must be within float32's range"):
        load_csv(path, real_labels=True)


@pytest.mark.parametrize("values, message", [
    ({"dataset": "plane"}, "--dataset: 'plane' is not accepted; task classification takes the data sets "
                           "moons, circles, xor, blobs, spiral or csv (data set plane is for task regression)"),
    ({"task": "regression"}, "--task: 'regression' is not accepted; task regression takes the data sets "
                             "plane, gaussians or csv (data set moons is for task classification)"),
])
def test_a_data_set_of_the_other_task_is_refused_in_one_line(values, message):
    with pytest.raises(ConfigError) as info:
        config.build_layered([(values, config.option_name)])
    assert str(info.value) == message


def test_a_regression_run_trains_down_and_scores_r2():
    cfg = build_config({"task": "regression", "dataset": "plane", "epochs": "60", "lr": "0.1"})
    exp, records = train(cfg)
    assert isinstance(exp.model.layers[-1], Identity)
    assert records[-1].train_loss < records[0].train_loss
    assert records[-1].dev_score > 0.5 and exp.runner.best_score == max(r.dev_score for r in records)


def test_a_first_negative_r2_still_counts_as_the_best_so_far():
    """R² starts below every score (accuracy at 0): a dev R² below 0 in the
    first epoch is a best-dev model all the same."""
    cfg = build_config({"task": "regression", "dataset": "gaussians", "epochs": "1", "lr": "1e-6",
                        "bias_init": "5"})
    exp = build(cfg)
    record = exp.step()
    assert record.dev_score < 0 and record.improved and exp.runner.best_epoch == 0
