"""The book's operator base class (nndl/op.py): forward caches, backward fills grads."""
from __future__ import annotations

from typing import Any

import torch


class Op:
    """An operator with an explicit, hand-derived backward.

    ``params`` is a dict of tensors for layers that learn (``None`` otherwise);
    ``backward(grads)`` fills ``self.grads`` (same keys) and returns the gradient
    with respect to the operator's input.
    """

    params: dict[str, torch.Tensor] | None = None

    def __init__(self) -> None:
        self.grads: dict[str, torch.Tensor] = {}

    def __call__(self, inputs: torch.Tensor) -> Any:
        return self.forward(inputs)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError
