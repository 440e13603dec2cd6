"""Weight initialisers (book 4.2 uses normal(0,1); 4.4 studies the others).

Each takes ``(input_size, output_size, generator, dtype)`` and returns a tensor
of shape ``[input_size, output_size]`` drawn from the given generator only, so a
seed reproduces the same weights without touching torch's global RNG.
"""
from __future__ import annotations

import math
from typing import Callable

import torch

from tui_mlp import config

Init = Callable[[int, int, "torch.Generator | None", torch.dtype], torch.Tensor]


def normal(fan_in: int, fan_out: int, generator: torch.Generator | None = None,
           dtype: torch.dtype = torch.float32, std: float = 1.0) -> torch.Tensor:
    """N(0, std^2): the book's default (std 1)."""
    return torch.randn(fan_in, fan_out, generator=generator, dtype=dtype) * std


def zeros(fan_in: int, fan_out: int, generator: torch.Generator | None = None,
          dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """All zeros: 4.4.1 shows every hidden neuron then stays identical."""
    return torch.zeros(fan_in, fan_out, dtype=dtype)


def uniform(fan_in: int, fan_out: int, generator: torch.Generator | None = None,
            dtype: torch.dtype = torch.float32, bound: float = 1.0) -> torch.Tensor:
    """U(-bound, bound), bound 1 by default."""
    return (torch.rand(fan_in, fan_out, generator=generator, dtype=dtype) * 2 - 1) * bound


def xavier(fan_in: int, fan_out: int, generator: torch.Generator | None = None,
           dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Glorot uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out))."""
    return uniform(fan_in, fan_out, generator, dtype, math.sqrt(6.0 / (fan_in + fan_out)))


def he(fan_in: int, fan_out: int, generator: torch.Generator | None = None,
       dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """He normal: N(0, 2 / fan_in), suited to ReLU."""
    return normal(fan_in, fan_out, generator, dtype, math.sqrt(2.0 / fan_in))


#: Every initialiser by its name in the settings; the names and their order
#: are ``config.WEIGHT_INITS``.
WEIGHT_INITS: dict[str, Init] = dict(zip(config.WEIGHT_INITS, (normal, zeros, uniform, xavier, he),
                                         strict=True))
