"""Oracles for the engine's unit tests: torch.nn.functional and autograd are
used here, and only here and in the tests, as the reference the hand-written
operators are checked against.

A float32 result is checked against its reference computed in float64 on the
same inputs, never against torch's float32 kernels: those differ between CPUs
at the extremes (on some, the vectorised ``F.gelu(3.4e38)`` is inf)."""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

#: The autograd twin of each activation, by the engine's name. HardLogistic has
#: no torch built-in: ``F.hardsigmoid`` is relu6(x + 3) / 6 = x/6 + 1/2, a
#: different function from the book's max(min(x/4 + 1/2, 1), 0), so its oracle
#: is the formula itself. Softplus without torch's threshold (above z = 20 it
#: returns z, slope exactly 1), as the book's log(1 + e^z) is.
TORCH_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "logistic": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, negative_slope=0.1),
    "hard_logistic": lambda z: torch.clamp(0.25 * z + 0.5, min=0.0, max=1.0),
    "hard_tanh": F.hardtanh,
    "elu": F.elu,
    "softplus": lambda z: torch.logaddexp(z, torch.zeros_like(z)),  # log(e^z + e^0), stable
    "swish": F.silu,
    "gelu": F.gelu,
}

def assert_float32_close(actual: torch.Tensor, reference: Callable[[torch.Tensor], torch.Tensor],
                         inputs: torch.Tensor, rtol: float = 1e-6, atol: float = 1e-6) -> None:
    """``actual``, a float32 result for ``inputs``, against ``reference`` computed
    in float64 on the same (exactly converted) inputs: a few float32 roundings
    apart relative to each value, with an absolute floor for values near 0."""
    assert actual.dtype == torch.float32, actual.dtype
    expected = reference(inputs.to(torch.float64))
    torch.testing.assert_close(actual.to(torch.float64), expected, rtol=rtol, atol=atol)


def assert_rel_close(actual: torch.Tensor, expected: torch.Tensor, rtol: float = 1e-8) -> None:
    """Element-wise |a - e| <= rtol |e| + max(rtol * 1e-4 max|e|, 1e-13): relative
    to each element, with a floor far below the tensor's scale for exact zeros and
    for saturated elements (1 - tanh^2 near 1e-14 carries float64 cancellation
    noise of ~1e-15 in torch and here alike)."""
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    scale = float(expected.abs().max()) if expected.numel() else 0.0
    torch.testing.assert_close(actual, expected, rtol=rtol, atol=max(rtol * 1e-4 * scale, 1e-13))
