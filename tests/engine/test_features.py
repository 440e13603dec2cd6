"""Input features: the one feature map, its operator's backward against
autograd, the setting that chooses them, the network's input size, the map
drawn on the (x1, x2) plane, and chapter 3's point on circles."""
from __future__ import annotations

import pytest
import torch

from tui_mlp.config import FEATURES, PLANE, Config, ConfigError, build_config, parse_field
from tui_mlp.experiment import build, build_model
from tui_mlp.nn import MLP, BinaryCrossEntropyLoss
from tui_mlp.nn.features import Features, feature_map
from tui_mlp.presets import preset_config
from tui_mlp.render.boundary import Bounds, Layout, Points, draw, forward, pixel_grid

from .helpers import train
from .oracle import assert_rel_close

F64 = torch.float64

#: Each feature's formula written out on plain floats.
FORMULAS = {"x1": lambda a, b: a, "x2": lambda a, b: b, "x1sq": lambda a, b: a * a,
            "x2sq": lambda a, b: b * b, "x1x2": lambda a, b: a * b,
            "sinx1": lambda a, b: torch.sin(a), "sinx2": lambda a, b: torch.sin(b)}


def test_the_feature_map_computes_each_named_column_in_order(gen):
    assert set(FORMULAS) == set(FEATURES)
    X = torch.randn(50, 2, generator=gen, dtype=F64) * 3
    names = ("sinx2", "x1x2", "x1", "x2sq", "x1sq", "x2", "sinx1")
    out = feature_map(X, names)
    assert out.shape == (50, 7)
    for i, name in enumerate(names):
        assert_rel_close(out[:, i], FORMULAS[name](X[:, 0], X[:, 1]))
    assert feature_map(X, PLANE) is X  # the plane's coordinates: no copy


@pytest.mark.parametrize("names", [FEATURES, ("x1sq", "x2sq"), ("x1x2",), ("sinx1", "x2")],
                         ids=",".join)
def test_features_backward_matches_autograd(names, gen):
    X = torch.randn(40, 2, generator=gen, dtype=F64) * 2
    upstream = torch.randn(40, len(names), generator=gen, dtype=F64)
    op = Features(names)
    out = op(X)
    leaf = X.clone().requires_grad_(True)
    torch.stack([FORMULAS[n](leaf[:, 0], leaf[:, 1]) for n in names], dim=1).backward(upstream)
    assert_rel_close(out, feature_map(X, names))
    assert_rel_close(op.backward(upstream), leaf.grad)


def test_a_network_on_features_passes_the_input_gradient_through_them(gen):
    names = ("x1sq", "x2sq", "x1x2")
    model = MLP(3, [4], 1, activation="tanh", dtype=F64, input_grad=True, features=names,
                generator=torch.Generator().manual_seed(3))
    X = torch.randn(30, 2, generator=gen, dtype=F64)
    y = (X[:, :1] > 0).to(F64)
    loss_fn = BinaryCrossEntropyLoss(model)
    loss_fn(model(X), y)
    dX = model.backward(loss_fn.backward())

    leaf = X.clone().requires_grad_(True)
    (W1, b1), (W2, b2) = ((layer.params["W"], layer.params["b"]) for layer in model.linears)
    h = torch.tanh(torch.stack([leaf[:, 0] ** 2, leaf[:, 1] ** 2, leaf[:, 0] * leaf[:, 1]], 1) @ W1 + b1)
    torch.nn.functional.binary_cross_entropy(torch.sigmoid(h @ W2 + b2), y).backward()
    assert_rel_close(dX, leaf.grad)


def test_a_data_sets_features_are_computed_once_for_the_last_two_inputs(gen):
    op = Features(("x1sq", "x2sq"))
    train_X, dev_X, batch = (torch.randn(8, 2, generator=gen) for _ in range(3))
    first = op(train_X)
    assert op(dev_X) is op(dev_X) and op(train_X) is first  # train and dev alternate
    op(batch)  # a third input: the oldest (dev) goes
    assert op(train_X) is first
    assert torch.equal(op(dev_X), feature_map(dev_X, ("x1sq", "x2sq")))


def test_a_run_on_features_equals_the_run_on_precomputed_features():
    """Training and evaluation on x1sq, x2sq (kept features, some computed
    under inference mode) give the very losses of a network on x1, x2 whose
    data are the squares."""
    config = Config().with_values(n_samples=200, train=120, dev=40, epochs=30)
    squares = config.with_values(features=("x1sq", "x2sq"))
    exp = build(squares)
    _, records = train(squares)
    mapped = tuple((feature_map(X, squares.model.features), y)
                   for X, y in (exp.train_set, exp.dev_set, exp.test_set))
    twin = build(config, data=mapped)  # type: ignore[arg-type]
    twin_records: list = []
    twin.runner.train(twin.train_set, twin.dev_set, 30, log_epochs=0, log=lambda line: None,
                      on_epoch=twin_records.append)
    assert [(r.train_loss, r.dev_loss) for r in records] == \
        [(r.train_loss, r.dev_loss) for r in twin_records]


def test_input_size_must_match_the_features():
    with pytest.raises(ValueError, match="3 features"):
        MLP(2, [4], 1, features=("x1", "x2", "x1sq"))


def test_the_setting_parses_names_in_order_and_refuses_in_one_line():
    assert parse_field("features", " X1SQ, x2sq ,x1x2") == ("x1sq", "x2sq", "x1x2")
    assert parse_field("features", ["x1", "sinx2"]) == ("x1", "sinx2")  # a TOML list
    assert Config().model.features == PLANE == ("x1", "x2")
    for bad in ("x3", "x1,x1", "", "x1,,x2", "x1^2"):
        with pytest.raises(ConfigError) as info:
            parse_field("features", bad)
        message = str(info.value)
        assert "\n" not in message
        assert message.startswith(f"--features: {bad!r} is not accepted; expected distinct")
        assert "x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2" in message


def test_the_first_layer_takes_one_input_per_feature():
    config = build_config({"features": "x1,x2,x1sq,x2sq,x1x2", "hidden": "6"})
    assert config.model.layer_sizes() == [5, 6, 1]
    assert build_model(config).linears[0].params["W"].shape == (5, 6)
    assert build_model(config.with_values(hidden=())).linears[0].params["W"].shape == (5, 1)
    assert "features=x1,x2,x1sq,x2sq,x1x2" in config.summary()
    assert "features" not in Config().summary()


def test_the_data_keep_x1_x2_and_the_model_computes_its_features():
    exp = build(Config().with_values(n_samples=100, train=60, dev=20, features=("x1sq", "x2sq")))
    assert exp.train_set[0].shape == (60, 2)
    X = exp.dev_set[0]
    fc1, fc2 = (layer.params for layer in exp.model.linears)
    hidden = torch.sigmoid(feature_map(X, ("x1sq", "x2sq")) @ fc1["W"] + fc1["b"])
    torch.testing.assert_close(exp.runner.predict(X), torch.sigmoid(hidden @ fc2["W"] + fc2["b"]))


def test_the_map_stays_on_the_plane_and_feeds_the_network_its_features():
    """A logistic regression on x1sq, x2sq with weights (1, 1) and bias -0.5
    predicts class 1 outside the circle x1^2 + x2^2 = 0.5: the map shows a
    disc of class 0 in the middle, and agrees with the model pixel by pixel."""
    names = ("x1sq", "x2sq")
    params = {"fc1": {"W": torch.tensor([[1.0], [1.0]]), "b": torch.tensor([[-0.5]])}}
    bounds = Bounds(-1.0, 1.0, -1.0, 1.0)
    points = Points.of((torch.tensor([[0.0, 0.1], [0.9, 0.9]]), torch.tensor([[0.0], [0.0]])),
                       (torch.zeros(0, 2), torch.zeros(0, 1)), (torch.zeros(0, 2), torch.zeros(0, 1)))
    layout = Layout.of(bounds, 20, 10, points, names)
    model = MLP(2, [], 1, features=names)
    model.linears[0].params.update({k: v.clone() for k, v in params["fc1"].items()})
    grid = pixel_grid(bounds, 20, 10)
    expected = model(torch.cat([grid, points.X])).reshape(-1)
    torch.testing.assert_close(forward(params, "logistic", layout.X), expected)
    prob = expected[:layout.n_grid].reshape(20, 20)
    assert prob[10, 10] < 0.5 and prob[0, 0] > 0.5 and prob[0, 10] > 0.5  # disc of class 0
    _, wrong = draw(params, "logistic", layout)
    assert wrong == 1  # the corner point (label 0) lies outside the circle
    assert Layout.of(bounds, 20, 10, points).X.shape == (400 + 2, 2)


# ------------------------------------------------------------------ chapter 3's point
SEEDS = range(5)


@pytest.mark.parametrize("seed", SEEDS)
def test_logistic_regression_separates_circles_only_on_squared_features(seed):
    config = preset_config("circles").with_values(seed=seed)
    assert config.model.hidden == () and config.model.features == ("x1sq", "x2sq")
    assert config.data.dataset == "circles"
    scores = {}
    for features in (("x1sq", "x2sq"), PLANE):
        exp, _ = train(config.with_values(features=features))
        exp.runner.restore_best()
        scores[features] = exp.runner.evaluate(exp.test_set)[0]
    assert scores[("x1sq", "x2sq")] >= 0.95, scores
    assert scores[PLANE] <= 0.70, scores
