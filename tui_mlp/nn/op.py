"""The book's operator base class (nndl/op.py): forward caches, backward fills grads."""
from __future__ import annotations

import torch

#: What an operator's cache holds before its first forward.
NOTHING_YET = torch.empty(0)


class Op:
    """An operator with an explicit, hand-derived backward.

    ``forward(inputs)`` computes the output and caches what ``backward`` needs.
    ``backward(grads)`` takes dL/d(output), fills ``self.grads`` (the same keys
    as ``params``) and returns dL/d(input): the chain rule, one operator at a time.
    ``params`` is a dict of tensors for layers that learn, ``None`` otherwise.
    """

    params: dict[str, torch.Tensor] | None = None

    def __init__(self) -> None:
        self.grads: dict[str, torch.Tensor] = {}

    def __call__(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.forward(inputs)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def backward(self, grads: torch.Tensor) -> torch.Tensor | None:
        """dL/d(input); ``None`` only from a layer told that nothing needs it
        (a network's first layer, whose input is the data)."""
        raise NotImplementedError
