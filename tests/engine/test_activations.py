"""Book 4.1.2: every activation's float32 forward against torch's function
computed in float64 on the same inputs, to 1e-6.

The range covers the chapter's plot range [-10, 10] and far beyond it (|z| up
to 1e4 and the float32 extremes), where a naive formula overflows to nan. The
reference is float64 because torch's float32 kernels differ between CPUs there
(on some, the vectorised ``F.gelu(3.4e38)`` is inf where the true value is finite).
HardLogistic has no torch counterpart: ``torch.nn.functional.hardsigmoid`` is
x/6 + 1/2 clipped to [0, 1] (slope 1/6, kinks at +-3), while the book's hard
logistic is max(min(x/4 + 1/2, 1), 0) (slope 1/4, kinks at +-2), the first-order
Taylor expansion of the logistic at 0. It is checked against that formula, and
a test pins down that the two functions really differ.
"""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from tui_mlp import config
from tui_mlp.nn import (
    ACTIVATIONS,
    ELU,
    HardLogistic,
    HardTanh,
    LeakyReLU,
    Logistic,
    ReLU,
    Tanh,
    leaky_relu,
    logistic,
    relu,
    tanh,
)
from tui_mlp.nn.op import NOTHING_YET
from tui_mlp.render import activations as tab

from .oracle import TORCH_ACTIVATIONS, assert_float32_close

#: The seed's plot range, then the far tails, then the float32 edges.
Z = torch.cat([
    torch.linspace(-10, 10, 10_000),
    torch.linspace(-1e4, 1e4, 20_001),
    torch.tensor([0.0, -0.0, 1e-30, -1e-30, 20.0, -20.0, 88.0, 89.0, -88.0, -89.0,
                  -104.0, 104.0, 1e30, -1e30, 3.4e38, -3.4e38]),
])


def test_every_listed_activation_has_an_oracle():
    assert set(ACTIVATIONS) == set(TORCH_ACTIVATIONS)
    assert len(ACTIVATIONS) == 10


def test_the_registry_and_the_settings_name_the_same_activations():
    """config.ACTIVATIONS (torch-free, for the CLI) is the one list of names."""
    assert tuple(ACTIVATIONS) == config.ACTIVATIONS
    assert [r.name for r in tab.REFERENCES] == list(config.ACTIVATIONS)
    assert sorted(n for group in tab.GROUPS for n in group) == sorted(config.ACTIVATIONS)
    assert ("logistic", "tanh") in tab.GROUPS and ("swish", "gelu") in tab.GROUPS


def test_the_activations_tab_pairs_each_name_with_its_torch_function():
    z = torch.linspace(-3, 3, 61, dtype=torch.float64)
    for ref in tab.REFERENCES:
        torch.testing.assert_close(ref.torch_fn(z), TORCH_ACTIVATIONS[ref.name](z))
    assert tab.max_differences(1000).keys() == set(config.ACTIVATIONS)
    assert max(tab.max_differences(1000).values()) < 1e-5


@pytest.mark.parametrize("name", sorted(TORCH_ACTIVATIONS))
def test_forward_matches_torch_in_float32(name):
    op = ACTIVATIONS[name]()
    out = op(Z)
    assert out.dtype == torch.float32 and out.shape == Z.shape
    assert torch.isfinite(out).all(), f"{name} overflows: {Z[~torch.isfinite(out)][:5]}"
    assert_float32_close(out, TORCH_ACTIVATIONS[name], Z)


@pytest.mark.parametrize("name", sorted(TORCH_ACTIVATIONS))
def test_function_is_the_formula_alone(name):
    """``function`` caches nothing: calling it between forward and backward
    leaves backward answering for the forward's input."""
    z1 = torch.linspace(-3, 3, 12, dtype=torch.float64).reshape(4, 3)
    z2 = torch.linspace(-9, 1, 12, dtype=torch.float64).reshape(4, 3)
    g = torch.ones(4, 3, dtype=torch.float64)
    fresh, probed = ACTIVATIONS[name](), ACTIVATIONS[name]()
    fresh(z1)
    probed(z1)
    torch.testing.assert_close(probed.function(z2), TORCH_ACTIVATIONS[name](z2))
    assert torch.equal(probed.outputs, fresh.outputs)
    assert torch.equal(probed.backward(g), fresh.backward(g))


@pytest.mark.parametrize("name", sorted(TORCH_ACTIVATIONS))
def test_forward_keeps_shape_and_caches_for_backward(name):
    z = torch.linspace(-3, 3, 12).reshape(4, 3)
    op = ACTIVATIONS[name]()
    out = op(z)
    assert out.shape == (4, 3)
    assert op.outputs is out
    assert op.inputs is (z if op.needs_inputs else NOTHING_YET)
    assert op.needs_inputs == (name not in ("logistic", "tanh"))  # those two need only a = f(z)
    assert op.params is None


# ------------------------------------------------------- the seed's plain functions
PLOT_Z = torch.linspace(-10, 10, 10000)  # the seed's z


def test_plain_logistic_matches_torch_sigmoid():
    assert_float32_close(logistic(PLOT_Z), torch.sigmoid, PLOT_Z)
    assert_float32_close(logistic(Z), torch.sigmoid, Z)
    assert torch.isfinite(logistic(Z)).all()


def test_plain_tanh_matches_torch_tanh_without_overflow():
    """The seed's (e^z - e^-z) / (e^z + e^-z) is nan beyond |z| ~ 89 in float32
    (inf / inf); the engine's form must not be."""
    seed_tanh = (torch.exp(Z) - torch.exp(-Z)) / (torch.exp(Z) + torch.exp(-Z))
    assert torch.isnan(seed_tanh).any()  # the pitfall is real
    assert_float32_close(tanh(PLOT_Z), torch.tanh, PLOT_Z)
    assert_float32_close(tanh(Z), torch.tanh, Z)


def test_plain_relu_matches_torch():
    """max(z, 0) involves no rounding: exact on any CPU."""
    assert_float32_close(relu(Z), F.relu, Z, rtol=0, atol=0)
    assert_float32_close(relu(PLOT_Z), lambda z: torch.maximum(z, torch.tensor(0.0, dtype=z.dtype)),
                         PLOT_Z, rtol=0, atol=0)


def test_plain_leaky_relu_matches_torch_with_the_seeds_slope():
    """The seed's leaky_relu uses slope 0.1; torch's default is 0.01, so the
    seed's side-by-side plot compares different functions. Compare equal slopes."""
    assert_float32_close(leaky_relu(Z), lambda z: F.leaky_relu(z, 0.1), Z)
    assert_float32_close(leaky_relu(Z, 0.01), F.leaky_relu, Z)
    assert_float32_close(leaky_relu(PLOT_Z, negative_slope=0.3), lambda z: F.leaky_relu(z, 0.3), PLOT_Z)


def test_ops_reuse_the_plain_functions():
    torch.testing.assert_close(Logistic()(Z), logistic(Z), rtol=0, atol=0)
    torch.testing.assert_close(Tanh()(Z), tanh(Z), rtol=0, atol=0)
    torch.testing.assert_close(ReLU()(Z), relu(Z), rtol=0, atol=0)
    torch.testing.assert_close(LeakyReLU(0.2)(Z), leaky_relu(Z, 0.2), rtol=0, atol=0)


def test_leaky_relu_default_slope_is_the_seeds():
    assert LeakyReLU().negative_slope == 0.1
    assert LeakyReLU()(torch.tensor([-2.0])).item() == pytest.approx(-0.2)


# ------------------------------------------------------- HardLogistic and friends
def test_hard_logistic_is_the_books_formula():
    expected = torch.maximum(torch.minimum(0.25 * Z + 0.5, torch.tensor(1.0)), torch.tensor(0.0))
    torch.testing.assert_close(HardLogistic()(Z), expected, rtol=0, atol=1e-7)
    points = torch.tensor([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0])
    assert HardLogistic()(points).tolist() == [0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0]


def test_hard_logistic_is_not_torchs_hardsigmoid():
    """torch's hardsigmoid is x/6 + 1/2: same at 0, different slope and kinks."""
    z = torch.tensor([0.0, 1.0, 2.5])
    assert HardLogistic()(z)[0] == F.hardsigmoid(z)[0] == 0.5
    assert HardLogistic()(z)[1].item() == pytest.approx(0.75)
    assert F.hardsigmoid(z)[1].item() == pytest.approx(0.5 + 1 / 6)
    assert HardLogistic()(z)[2] == 1.0 and F.hardsigmoid(z)[2] < 1.0


def test_hard_logistic_is_the_tangent_of_the_logistic_at_zero():
    h = 1e-3
    slope = (logistic(torch.tensor(h, dtype=torch.float64))
             - logistic(torch.tensor(-h, dtype=torch.float64))) / (2 * h)
    assert slope.item() == pytest.approx(0.25, rel=1e-6)


def test_hard_tanh_and_elu_edges():
    assert HardTanh()(torch.tensor([-5.0, -1.0, 0.3, 1.0, 5.0])).tolist() == \
        pytest.approx([-1.0, -1.0, 0.3, 1.0, 1.0])
    assert ELU()(torch.tensor([-1e4])).item() == -1.0
    assert ELU(alpha=2.0)(torch.tensor([-1e4, 3.0])).tolist() == [-2.0, 3.0]
    assert_float32_close(ELU(alpha=0.5)(Z), lambda z: F.elu(z, alpha=0.5), Z)


def test_activation_of_float64_stays_float64():
    z = torch.linspace(-5, 5, 11, dtype=torch.float64)
    for name, cls in ACTIVATIONS.items():
        assert cls()(z).dtype == torch.float64, name


@pytest.mark.parametrize("name", sorted(TORCH_ACTIVATIONS))
def test_forward_and_backward_leave_their_arguments_alone(name):
    """The engine updates its own temporaries in place on the hot path; never the caller's."""
    z = torch.linspace(-4, 4, 24).reshape(6, 4)
    g = torch.linspace(1, 2, 24).reshape(6, 4)
    z0, g0 = z.clone(), g.clone()
    op = ACTIVATIONS[name]()
    out = op(z)
    out0 = out.clone()
    op.backward(g)
    assert torch.equal(z, z0) and torch.equal(g, g0) and torch.equal(out, out0)


def test_plain_functions_leave_their_argument_alone():
    for fn in (logistic, tanh, relu, leaky_relu):
        z = torch.linspace(-4, 4, 9)
        z0 = z.clone()
        fn(z)
        assert torch.equal(z, z0), fn.__name__
