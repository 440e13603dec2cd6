"""Activation functions (book 4.1.2 and the chapter's exercise list).

Each is an Op without parameters: ``function(z)`` is the formula a = f(z),
``forward`` caches what the derivative needs (a, and z unless f' is written in
a alone), and ``backward(grads)`` returns dL/dz = f'(z) dL/da with f' written
out by hand beside the formula.

The plain functions ``logistic``, ``tanh``, ``relu`` and ``leaky_relu`` are the
seed's; the Ops use them, so each function has one formula.
"""
from __future__ import annotations

import math

import torch

from tui_mlp import config
from tui_mlp.nn.op import NOTHING_YET, Op


def logistic(z: torch.Tensor, inplace: bool = False) -> torch.Tensor:
    """sigma(z) = 1 / (1 + e^-z), one step per line, in a new tensor (or, with
    ``inplace``, in z's own memory: z is then gone)."""
    s = z.neg_() if inplace else -z  # -z; each step below updates it in place: one buffer, not four
    s.exp_()  # e^-z
    s += 1.0  # 1 + e^-z
    return s.reciprocal_()  # 1 / (1 + e^-z)


def tanh(z: torch.Tensor) -> torch.Tensor:
    """(e^z - e^-z) / (e^z + e^-z), written with e = e^(-2|z|) so that it never
    overflows: tanh(z) = sign(z) (1 - e) / (1 + e)."""
    e = torch.exp(-2.0 * z.abs())
    return torch.sign(z) * (1.0 - e) / (1.0 + e)


def relu(z: torch.Tensor) -> torch.Tensor:
    """max(z, 0)."""
    return torch.clamp(z, min=0.0)


def leaky_relu(z: torch.Tensor, negative_slope: float = 0.1) -> torch.Tensor:
    """z for z > 0, negative_slope * z otherwise (the seed's slope: 0.1)."""
    return torch.where(z > 0, z, negative_slope * z)


#: 1 / sqrt(2) and 1 / sqrt(2 pi), the constants of the normal distribution.
INV_SQRT_2 = 1.0 / math.sqrt(2.0)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def normal_cdf(z: torch.Tensor) -> torch.Tensor:
    """Phi(z) = (1 + erf(z / sqrt 2)) / 2, the standard normal distribution function."""
    return 0.5 * (1.0 + torch.erf(z * INV_SQRT_2))


def normal_pdf(z: torch.Tensor) -> torch.Tensor:
    """phi(z) = e^(-z^2 / 2) / sqrt(2 pi), the standard normal density: Phi' = phi."""
    return torch.exp(-0.5 * z * z) * INV_SQRT_2PI


class Activation(Op):
    """a = f(z) element-wise. ``forward`` caches ``outputs`` (a), and ``inputs``
    (z) too unless the derivative is written in a alone (``needs_inputs``)."""

    #: Whether backward reads z. Logistic and Tanh need only a, as in the book,
    #: so z is not kept alive after the forward.
    needs_inputs = True

    def __init__(self) -> None:
        super().__init__()
        self.inputs: torch.Tensor = NOTHING_YET
        self.outputs: torch.Tensor = NOTHING_YET

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.needs_inputs:
            self.inputs = inputs
        self.outputs = self.function(inputs)
        return self.outputs

    def function(self, z: torch.Tensor) -> torch.Tensor:
        """f(z): the formula alone, caching nothing."""
        raise NotImplementedError

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


class Logistic(Activation):
    """sigma(z) = 1 / (1 + e^-z); sigma'(z) = sigma(z) (1 - sigma(z)).

    ``inplace=True`` computes sigma in the memory of its input z, which the
    backward does not need: for an input nothing else holds, such as a Linear
    layer's fresh output in a network, it saves a new tensor of z's size.
    """

    needs_inputs = False

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        self.outputs = logistic(inputs, inplace=self.inplace)
        return self.outputs

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return logistic(z)

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        s = self.outputs
        dz = 1.0 - s  # a new tensor, which the steps below update in place: one buffer, not three
        dz *= s  # sigma' = sigma (1 - sigma)
        dz *= grads  # dL/dz = sigma' dL/da
        return dz


class Identity(Activation):
    """a = z; a'(z) = 1: a regression network's linear output."""

    needs_inputs = False

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return z

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        return grads  # dL/dz = 1 * dL/da


class Tanh(Activation):
    """tanh(z); tanh'(z) = 1 - tanh(z)^2."""

    needs_inputs = False

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return tanh(z)

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        a = self.outputs
        return grads * (1.0 - a * a)


class ReLU(Activation):
    """max(z, 0); derivative 1 for z > 0, else 0 (0 at z = 0, like torch)."""

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return relu(z)

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        return grads * (self.inputs > 0)


class LeakyReLU(Activation):
    """z for z > 0, slope * z otherwise; derivative 1 for z > 0, slope otherwise."""

    def __init__(self, negative_slope: float = 0.1) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return leaky_relu(z, self.negative_slope)

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        return torch.where(self.inputs > 0, grads, self.negative_slope * grads)


class HardLogistic(Activation):
    """The book's hard logistic max(min(0.25 z + 0.5, 1), 0): the first-order
    Taylor expansion of sigma at 0, clipped to [0, 1]. torch's ``hardsigmoid``
    is a different function (z/6 + 0.5). Derivative 0.25 inside (-2, 2), 0 outside."""

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return torch.clamp(0.25 * z + 0.5, 0.0, 1.0)

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        z = self.inputs
        return grads * ((z > -2.0) & (z < 2.0)) * 0.25


class HardTanh(Activation):
    """max(min(z, 1), -1); derivative 1 inside (-1, 1), 0 outside."""

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return torch.clamp(z, -1.0, 1.0)

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        z = self.inputs
        return grads * ((z > -1.0) & (z < 1.0))


class ELU(Activation):
    """z for z > 0, alpha (e^z - 1) otherwise; derivative 1 for z > 0, otherwise
    alpha e^z = a + alpha."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return torch.where(z > 0, z, self.alpha * torch.expm1(torch.clamp(z, max=0.0)))

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        return torch.where(self.inputs > 0, grads, grads * (self.outputs + self.alpha))


class Softplus(Activation):
    """log(1 + e^z), computed as max(z, 0) + log(1 + e^-|z|) so that it never
    overflows; derivative sigma(z)."""

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return torch.clamp(z, min=0.0) + torch.log1p(torch.exp(-z.abs()))

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        return grads * logistic(self.inputs)


class Swish(Activation):
    """z sigma(z) (beta = 1, torch's SiLU); derivative sigma + z sigma (1 - sigma)."""

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return z * logistic(z)

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        z = self.inputs
        s = logistic(z)
        return grads * (s + z * s * (1.0 - s))


class GELU(Activation):
    """z Phi(z) with the exact normal distribution function Phi; derivative
    Phi(z) + z phi(z), phi the normal density."""

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return z * normal_cdf(z)

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        z = self.inputs
        return grads * (normal_cdf(z) + z * normal_pdf(z))


def softmax(X: torch.Tensor) -> torch.Tensor:
    """The book's softmax (3.3.1): e^(x - max) / sum e^(x - max) per row; the
    row's max is taken off first so that no e^x overflows."""
    x_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    return x_exp / x_exp.sum(dim=1, keepdim=True)


def log_softmax(X: torch.Tensor) -> torch.Tensor:
    """log softmax(X) = (x - max) - log sum e^(x - max) per row: finite for any
    finite logits, where log(softmax(X)) is -inf once a probability underflows."""
    shifted = X - X.max(dim=1, keepdim=True).values
    return shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))


class Softmax(Activation):
    """a = softmax(z) over each row of K logits (the output of a K-class
    network); da_i/dz_j = a_i (delta_ij - a_j), so dL/dz = a (g - sum_j g_j a_j).

    ``forward`` also caches ``log_outputs`` = log_softmax(z), which the
    cross-entropy reads instead of log(a): finite where a underflows to 0.
    """

    needs_inputs = False

    def __init__(self) -> None:
        super().__init__()
        self.log_outputs: torch.Tensor = NOTHING_YET

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        self.outputs = softmax(inputs)
        self.log_outputs = log_softmax(inputs)
        return self.outputs

    def function(self, z: torch.Tensor) -> torch.Tensor:
        return softmax(z)

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        a = self.outputs
        return a * (grads - (grads * a).sum(dim=1, keepdim=True))


#: Every activation by its name in the settings; the names and their order
#: are ``config.ACTIVATIONS``.
ACTIVATIONS: dict[str, type[Activation]] = dict(zip(
    config.ACTIVATIONS,
    (Logistic, Tanh, ReLU, LeakyReLU, HardLogistic, HardTanh, ELU, Softplus, Swish, GELU),
    strict=True,
))
