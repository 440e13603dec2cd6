"""The seed's 4.1.2: each hand-written activation beside torch's built-in,
over [-10, 10], and the largest difference between the two."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

from tui_mlp import config
from tui_mlp.nn import ACTIVATIONS

Z_RANGE = (-10.0, 10.0)
#: The seed samples 10,000 points on [-10, 10].
SAMPLES = 10_000


@dataclass(frozen=True)
class Reference:
    name: str  # the key in nn.ACTIVATIONS
    title: str  # how the book names it
    torch_name: str  # the torch expression it is checked against
    torch_fn: Callable[[torch.Tensor], torch.Tensor]


#: Each activation's book title and torch counterpart, in the order of ``config.ACTIVATIONS``.
_TORCH_COUNTERPARTS: tuple[tuple[str, str, Callable[[torch.Tensor], torch.Tensor]], ...] = (
    ("Logistic", "torch.sigmoid", torch.sigmoid),
    ("Tanh", "torch.tanh", torch.tanh),
    ("ReLU", "F.relu", F.relu),
    ("LeakyReLU", "F.leaky_relu(z, 0.1)", lambda z: F.leaky_relu(z, 0.1)),
    # torch's hardsigmoid is z/6 + 1/2, not the book's first-order Taylor form
    ("Hard-Logistic", "clamp(z/4 + 1/2, 0, 1)", lambda z: torch.clamp(z / 4 + 0.5, 0.0, 1.0)),
    ("Hard-Tanh", "F.hardtanh", F.hardtanh),
    ("ELU", "F.elu", F.elu),
    ("Softplus", "F.softplus", F.softplus),
    ("Swish", "F.silu", F.silu),
    ("GELU", "F.gelu", F.gelu),
)
REFERENCES = tuple(Reference(name, title, torch_name, fn) for name, (title, torch_name, fn)
                   in zip(config.ACTIVATIONS, _TORCH_COUNTERPARTS, strict=True))
BY_NAME = {r.name: r for r in REFERENCES}
#: Functions drawn together, as the book pairs them: consecutive names of ``config.ACTIVATIONS``.
GROUPS: tuple[tuple[str, ...], ...] = tuple(zip(config.ACTIVATIONS[0::2], config.ACTIVATIONS[1::2]))


def group_of(name: str) -> tuple[str, ...]:
    return next(g for g in GROUPS if name in g)


def hand_written(name: str, z: torch.Tensor) -> torch.Tensor:
    return ACTIVATIONS[name]().function(z)


def max_differences(samples: int = SAMPLES) -> dict[str, float]:
    """max |hand-written - torch| over the seed's grid, per function."""
    z = torch.linspace(*Z_RANGE, samples)
    with torch.inference_mode():
        return {r.name: float((hand_written(r.name, z) - r.torch_fn(z)).abs().max()) for r in REFERENCES}


def curves(name: str, samples: int) -> tuple[list[float], list[float], list[float]]:
    """z, the hand-written values and torch's, at ``samples`` points."""
    z = torch.linspace(*Z_RANGE, max(samples, 2))
    with torch.inference_mode():
        both = torch.stack([z, hand_written(name, z), BY_NAME[name].torch_fn(z)]).tolist()
    return both[0], both[1], both[2]
