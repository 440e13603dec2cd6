"""The whole network: structure like the book's, and every parameter gradient
of the hand-written backward against an autograd twin, in float64 to 1e-8
relative, for several depths and every activation; the registries of
initialisers and optimisers against the settings' names."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from tui_mlp import config
from tui_mlp.data import make_moons
from tui_mlp.nn import (
    ACTIVATIONS,
    MLP,
    OPTIMIZERS,
    Adam,
    BatchGD,
    BinaryCrossEntropyLoss,
    Linear,
    Logistic,
    Model_MLP_L2,
    Momentum,
    accuracy,
)
from tui_mlp.nn.init import WEIGHT_INITS

from .oracle import TORCH_ACTIVATIONS, assert_rel_close

F64 = torch.float64
DEPTHS = [[], [5], [8, 8], [4, 4, 4]]


def moons64(n: int = 64, seed: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    X, y = make_moons(n, noise=0.3, seed=seed)
    return X.to(F64), y.to(F64).reshape(-1, 1)


def twin_loss(model: MLP, activation: str, X: torch.Tensor, y: torch.Tensor):
    """The same network, written with autograd tensors copied from the engine
    (W is [in, out] in both), and torch's BCELoss."""
    leaves = []
    h = X.clone().requires_grad_(True)
    inputs = h
    linears = model.linears
    for i, layer in enumerate(linears):
        W = layer.params["W"].detach().clone().requires_grad_(True)
        b = layer.params["b"].detach().clone().requires_grad_(True)
        leaves.append((W, b))
        h = h @ W + b
        h = TORCH_ACTIVATIONS[activation](h) if i < len(linears) - 1 else torch.sigmoid(h)
    loss = F.binary_cross_entropy(h, y)
    loss.backward()
    return loss.detach(), h.detach(), leaves, inputs.grad


@pytest.mark.parametrize("hidden", DEPTHS, ids=lambda h: "x".join(map(str, h)) or "none")
@pytest.mark.parametrize("activation", sorted(TORCH_ACTIVATIONS))
def test_mlp_gradients_match_autograd(hidden, activation):
    X, y = moons64()
    model = MLP(2, hidden, 1, activation=activation, dtype=F64, input_grad=True,
                generator=torch.Generator().manual_seed(len(hidden) * 10 + 1))
    for layer in model.linears:  # non-zero biases, so their gradients matter
        layer.params["b"] = 0.1 * torch.arange(layer.params["b"].shape[1], dtype=F64).reshape(1, -1)
    loss_fn = BinaryCrossEntropyLoss(model)

    p = model(X)
    loss = loss_fn(p, y)
    dp = loss_fn.backward()
    ref_loss, ref_p, leaves, ref_dX = twin_loss(model, activation, X, y)

    assert_rel_close(p, ref_p)
    assert_rel_close(loss, ref_loss.reshape(1))
    assert len(leaves) == len(hidden) + 1
    for layer, (W, b) in zip(model.linears, leaves):
        assert_rel_close(layer.grads["W"], W.grad)
        assert_rel_close(layer.grads["b"], b.grad)
    assert_rel_close(model.backward(dp), ref_dX)  # and the input gradient


@pytest.mark.parametrize("hidden", DEPTHS, ids=lambda h: "x".join(map(str, h)) or "none")
def test_training_backward_leaves_out_only_the_inputs_gradient(hidden):
    """By default fc1 skips dL/dX (the gradient for the data): backward returns
    None, and every parameter gradient is the one the full backward computes."""
    X, y = moons64()
    seed = len(hidden) * 10 + 1
    full = MLP(2, hidden, 1, dtype=F64, input_grad=True, generator=torch.Generator().manual_seed(seed))
    train = MLP(2, hidden, 1, dtype=F64, generator=torch.Generator().manual_seed(seed))
    assert [layer.input_grad for layer in train.linears] == [False] + [True] * len(hidden)
    assert all(layer.input_grad for layer in full.linears)
    loss_full = BinaryCrossEntropyLoss()
    loss_train = BinaryCrossEntropyLoss()
    loss_full(full(X), y)
    loss_train(train(X), y)
    assert full.backward(loss_full.backward()) is not None
    assert train.backward(loss_train.backward()) is None
    for a, b in zip(full.linears, train.linears):
        assert torch.equal(a.grads["W"], b.grads["W"]) and torch.equal(a.grads["b"], b.grads["b"])


@pytest.mark.parametrize("hidden", DEPTHS, ids=lambda h: "x".join(map(str, h)) or "none")
def test_forward_and_backward_leave_the_data_alone(hidden):
    """The network's Logistic layers work in place on their Linear layer's
    output, never on the data or the labels."""
    X, y = moons64()
    X0, y0 = X.clone(), y.clone()
    model = MLP(2, hidden, 1, dtype=F64, generator=torch.Generator().manual_seed(2))
    loss_fn = BinaryCrossEntropyLoss(model)
    p = model(X)
    loss_fn(p, y)
    loss_fn.backward()
    assert torch.equal(X, X0) and torch.equal(y, y0)
    assert all(layer.inplace for layer in model.layers if isinstance(layer, Logistic))


def test_linear_without_input_gradient_fills_the_same_grads():
    gen = torch.Generator().manual_seed(4)
    X = torch.randn(9, 3, generator=gen, dtype=F64)
    G = torch.randn(9, 2, generator=gen, dtype=F64)
    with_dx = Linear(3, 2, "fc1", generator=torch.Generator().manual_seed(0), dtype=F64)
    without = Linear(3, 2, "fc1", generator=torch.Generator().manual_seed(0), dtype=F64, input_grad=False)
    with_dx(X)
    without(X)
    assert with_dx.backward(G) is not None and without.backward(G) is None
    assert torch.equal(with_dx.grads["W"], without.grads["W"])
    assert torch.equal(with_dx.grads["b"], without.grads["b"])


@pytest.mark.parametrize("hidden", DEPTHS, ids=lambda h: "x".join(map(str, h)) or "none")
def test_mlp_structure_is_the_books(hidden):
    model = MLP(2, hidden, 1, activation="tanh")
    assert len(model.layers) == 2 * (len(hidden) + 1)
    linears = model.layers[0::2]
    acts = model.layers[1::2]
    assert all(isinstance(layer, Linear) for layer in linears)
    assert [layer.name for layer in linears] == [f"fc{i}" for i in range(1, len(hidden) + 2)]
    assert model.linears == linears
    assert [tuple(layer.params["W"].shape) for layer in linears] == \
        list(zip([2, *hidden], [*hidden, 1]))
    assert all(type(a) is ACTIVATIONS["tanh"] for a in acts[:-1])
    assert type(acts[-1]) is Logistic  # the output is always the logistic
    out = model(torch.zeros(7, 2))
    assert out.shape == (7, 1) and ((out > 0) & (out < 1)).all()


def test_no_hidden_layer_is_logistic_regression():
    model = MLP(2, [], 1)
    X = torch.randn(10, 2, generator=torch.Generator().manual_seed(0))
    fc = model.layers[0]
    torch.testing.assert_close(model(X), torch.sigmoid(X @ fc.params["W"] + fc.params["b"]))


def test_model_mlp_l2_is_the_books_two_layer_net():
    model = Model_MLP_L2(input_size=5, hidden_size=10, output_size=1)
    assert model.layers == [model.fc1, model.act_fn1, model.fc2, model.act_fn2]
    assert model.fc1.params["W"].shape == (5, 10) and model.fc2.params["W"].shape == (10, 1)
    assert isinstance(model.act_fn1, Logistic) and isinstance(model.act_fn2, Logistic)
    X = torch.rand(1, 5, generator=torch.Generator().manual_seed(0))  # the book's check
    assert model(X).shape == (1, 1)


def test_mlp_accepts_an_activation_class_and_same_seed_same_weights():
    a = MLP(2, [3], 1, activation=ACTIVATIONS["relu"], generator=torch.Generator().manual_seed(9))
    b = MLP(2, [3], 1, activation="relu", generator=torch.Generator().manual_seed(9))
    for la, lb in zip(a.linears, b.linears):
        assert torch.equal(la.params["W"], lb.params["W"])


def test_the_registries_and_the_settings_name_the_same_inits_and_optimisers():
    """config's tuples (torch-free, for the CLI) are the one list of names; each
    registry pairs every name with the code of that name."""
    assert tuple(WEIGHT_INITS) == config.WEIGHT_INITS
    assert all(fn.__name__ == name for name, fn in WEIGHT_INITS.items())
    assert tuple(OPTIMIZERS) == config.OPTIMIZERS
    assert OPTIMIZERS == {"gd": BatchGD, "momentum": Momentum, "adam": Adam}


@pytest.mark.parametrize("init", sorted(WEIGHT_INITS))
def test_weight_inits_shapes_and_spread(init):
    W = WEIGHT_INITS[init](400, 300, torch.Generator().manual_seed(0), torch.float64)
    assert W.shape == (400, 300) and W.dtype == torch.float64
    std = W.std().item()
    expected = {"normal": 1.0, "zeros": 0.0, "uniform": 1 / 3 ** 0.5,
                "xavier": (6 / 700) ** 0.5 / 3 ** 0.5, "he": (2 / 400) ** 0.5}[init]
    assert std == pytest.approx(expected, rel=0.02, abs=1e-12)


def test_one_gd_step_follows_the_gradient():
    """BatchGD: theta <- theta - lr * grad, for every layer with params."""
    X, y = moons64(32)
    model = MLP(2, [4], 1, dtype=F64, generator=torch.Generator().manual_seed(0))
    loss_fn = BinaryCrossEntropyLoss(model)
    before = [{k: v.clone() for k, v in layer.params.items()} for layer in model.linears]
    loss0 = loss_fn(model(X), y).item()
    loss_fn.backward()
    BatchGD(0.05, model).step()
    for layer, old in zip(model.linears, before):
        for key in ("W", "b"):
            assert_rel_close(layer.params[key], old[key] - 0.05 * layer.grads[key])
    assert loss_fn(model(X), y).item() < loss0


def test_accuracy_threshold_and_argmax():
    preds = torch.tensor([[0.2], [0.5], [0.7], [0.49]])
    labels = torch.tensor([[0.0], [1.0], [0.0], [1.0]])
    assert accuracy(preds, labels).item() == 0.5
    logits = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert accuracy(logits, torch.tensor([[1], [0], [0]])).item() == pytest.approx(2 / 3)
