"""Every operator's hand-written backward against torch.autograd, in float64,
to 1e-8 relative: Linear and the 10 activations (the loss: test_loss.py).

Also the seed's 4.1.1 check: the net activation X @ w + b equals
``torch.nn.Linear`` with the same weights (torch keeps W as [out, in]), with and
without bias.
"""
from __future__ import annotations

import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui_mlp.nn import ACTIVATIONS, Linear, Logistic, Op

from .oracle import TORCH_ACTIVATIONS, assert_rel_close

F64 = torch.float64


def autograd_grad(fn, x: torch.Tensor, upstream: torch.Tensor) -> torch.Tensor:
    x = x.detach().clone().requires_grad_(True)
    fn(x).backward(upstream)
    return x.grad


# ------------------------------------------------------------------ activations
@pytest.mark.parametrize("name", sorted(TORCH_ACTIVATIONS))
def test_activation_backward_matches_autograd(name, gen):
    # wide inputs (both sides of every kink and the saturated tails), none on a kink
    z = torch.randn(64, 7, generator=gen, dtype=F64) * 4
    z[0, :] = torch.tensor([-30.0, -9.0, -2.5, -0.5, 0.5, 2.5, 9.0], dtype=F64)
    upstream = torch.randn(64, 7, generator=gen, dtype=F64)
    op = ACTIVATIONS[name]()
    out = op(z)
    assert_rel_close(out, TORCH_ACTIVATIONS[name](z))
    assert_rel_close(op.backward(upstream), autograd_grad(TORCH_ACTIVATIONS[name], z, upstream))


@pytest.mark.parametrize("name", sorted(TORCH_ACTIVATIONS))
def test_activation_backward_uses_the_cached_forward(name, gen):
    """backward answers for the last forward's input, not for any later tensor."""
    z1 = torch.randn(5, 3, generator=gen, dtype=F64)
    z2 = torch.randn(5, 3, generator=gen, dtype=F64)
    g = torch.ones(5, 3, dtype=F64)
    op = ACTIVATIONS[name]()
    op(z2)
    op(z1)
    assert_rel_close(op.backward(g), autograd_grad(TORCH_ACTIVATIONS[name], z1, g))


def test_logistic_in_place_is_the_same_function_in_its_inputs_memory(gen):
    z = torch.randn(32, 5, generator=gen, dtype=F64) * 6
    upstream = torch.randn(32, 5, generator=gen, dtype=F64)
    expected, expected_grad = torch.sigmoid(z), autograd_grad(torch.sigmoid, z, upstream)
    apart = Logistic()
    out_apart = apart(z)
    op = Logistic(inplace=True)
    out = op(z)
    assert out.data_ptr() == z.data_ptr()  # z now holds sigma(z)
    assert torch.equal(out, out_apart)
    assert_rel_close(out, expected)
    assert_rel_close(op.backward(upstream), expected_grad)
    assert torch.equal(op.backward(upstream), apart.backward(upstream))


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_relu_family_derivative_at_zero_is_torchs(name):
    z = torch.tensor([[-1.0, 0.0, 1.0]], dtype=F64)
    g = torch.ones_like(z)
    op = ACTIVATIONS[name]()
    op(z)
    assert torch.equal(op.backward(g), autograd_grad(TORCH_ACTIVATIONS[name], z, g))


# ------------------------------------------------------------------ Linear
@pytest.mark.parametrize("n, fan_in, fan_out", [(1, 1, 1), (7, 3, 4), (32, 5, 1), (10, 2, 8)])
def test_linear_forward_and_backward_match_autograd(n, fan_in, fan_out, gen):
    layer = Linear(fan_in, fan_out, name="fc1", generator=gen, dtype=F64)
    layer.params["b"] = torch.randn(1, fan_out, generator=gen, dtype=F64)
    X = torch.randn(n, fan_in, generator=gen, dtype=F64)
    G = torch.randn(n, fan_out, generator=gen, dtype=F64)

    W = layer.params["W"].clone().requires_grad_(True)
    b = layer.params["b"].clone().requires_grad_(True)
    Xg = X.clone().requires_grad_(True)
    ref = Xg @ W + b
    ref.backward(G)

    assert_rel_close(layer(X), ref.detach())
    dX = layer.backward(G)
    assert_rel_close(dX, Xg.grad)
    assert_rel_close(layer.grads["W"], W.grad)
    assert_rel_close(layer.grads["b"], b.grad)
    assert layer.grads["W"].shape == (fan_in, fan_out)
    assert layer.grads["b"].shape == (1, fan_out)


def test_linear_layout_and_book_init():
    layer = Linear(2, 5, name="fc1", generator=torch.Generator().manual_seed(0))
    assert isinstance(layer, Op) and layer.name == "fc1"
    assert layer.params["W"].shape == (2, 5) and layer.params["W"].dtype == torch.float32
    assert layer.params["b"].shape == (1, 5) and torch.equal(layer.params["b"], torch.zeros(1, 5))
    big = Linear(200, 300, name="fc", generator=torch.Generator().manual_seed(0))
    assert abs(big.params["W"].mean().item()) < 0.02
    assert abs(big.params["W"].std().item() - 1.0) < 0.02
    assert Linear(2, 3, "fc", bias_init=0.5).params["b"].tolist() == [[0.5, 0.5, 0.5]]


def test_linear_init_is_reproducible_and_private():
    state = torch.get_rng_state()
    a = Linear(3, 4, "fc", generator=torch.Generator().manual_seed(5))
    b = Linear(3, 4, "fc", generator=torch.Generator().manual_seed(5))
    assert torch.equal(a.params["W"], b.params["W"])
    assert torch.equal(torch.get_rng_state(), state)


# ------------------------------------------------------------------ 4.1.1 net activation
def test_net_activation_equals_nn_linear():
    """The seed: z = X @ w + b, with torch.nn.Linear(5, 1) given the same weights."""
    gen = torch.Generator().manual_seed(0)
    X = torch.rand(2, 5, generator=gen)
    w = torch.rand(5, 1, generator=gen)
    b = torch.rand(1, 1, generator=gen)
    z = torch.matmul(X, w) + b

    fc = torch.nn.Linear(5, 1)
    with torch.no_grad():
        fc.weight.copy_(w.T)  # torch keeps [out, in]
        fc.bias.copy_(b.reshape(1))
    torch.testing.assert_close(fc(X).detach(), z, rtol=1e-6, atol=1e-6)

    ours = Linear(5, 1, name="fc1")
    ours.params["W"], ours.params["b"] = w, b
    torch.testing.assert_close(ours(X), z, rtol=1e-6, atol=1e-6)
    assert ours(X).shape == (2, 1)


def test_net_activation_without_bias_equals_nn_linear_bias_false():
    gen = torch.Generator().manual_seed(1)
    X = torch.rand(2, 5, generator=gen)
    fc = torch.nn.Linear(5, 1, bias=False)
    assert fc.bias is None
    ours = Linear(5, 1, name="fc1")  # bias_init 0: the layer without a bias
    ours.params["W"] = fc.weight.detach().T.clone()
    torch.testing.assert_close(ours(X), fc(X).detach(), rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(ours(X), X @ fc.weight.detach().T, rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------------ any shape, any scale
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 17), fan_in=st.integers(1, 6), fan_out=st.integers(1, 6),
       scale=st.sampled_from([1e-3, 0.1, 1.0, 5.0]), name=st.sampled_from(sorted(TORCH_ACTIVATIONS)),
       seed=st.integers(0, 2**16))
@example(n=6, fan_in=6, fan_out=3, scale=5.0, name="softplus", seed=6)  # nets above 20: no threshold in the oracle
def test_linear_then_activation_backward_for_any_shape(n, fan_in, fan_out, scale, name, seed):
    gen = torch.Generator().manual_seed(seed)
    layer = Linear(fan_in, fan_out, name="fc1", generator=gen, dtype=F64)
    act = ACTIVATIONS[name]()
    X = torch.randn(n, fan_in, generator=gen, dtype=F64) * scale
    G = torch.randn(n, fan_out, generator=gen, dtype=F64)
    act(layer(X))
    dX = layer.backward(act.backward(G))

    W = layer.params["W"].clone().requires_grad_(True)
    b = layer.params["b"].clone().requires_grad_(True)
    Xg = X.clone().requires_grad_(True)
    TORCH_ACTIVATIONS[name](Xg @ W + b).backward(G)
    assert_rel_close(layer.grads["W"], W.grad)
    assert_rel_close(layer.grads["b"], b.grad)
    assert_rel_close(dX, Xg.grad)
