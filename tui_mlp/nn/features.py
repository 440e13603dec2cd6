"""Input features computed from the two coordinates (x1, x2) of a point.

``feature_map`` is the one function that turns rows of (x1, x2) into the
network's inputs: training, evaluation and the decision-boundary map all call
it, so a model sees the same features wherever it is used. ``Features`` is the
same map as an operator, the first of a network, with its derivative written
out for dL/d(x1, x2).
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch

from tui_mlp import config
from tui_mlp.nn.op import NOTHING_YET, Op

Column = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

#: Each feature as (f(x1, x2), df/dx1, df/dx2), in the order of ``config.FEATURES``.
_FORMULAS: tuple[tuple[Column, Column, Column], ...] = (
    (lambda a, b: a, lambda a, b: torch.ones_like(a), lambda a, b: torch.zeros_like(a)),  # x1
    (lambda a, b: b, lambda a, b: torch.zeros_like(a), lambda a, b: torch.ones_like(a)),  # x2
    (lambda a, b: a * a, lambda a, b: 2 * a, lambda a, b: torch.zeros_like(a)),  # x1^2
    (lambda a, b: b * b, lambda a, b: torch.zeros_like(a), lambda a, b: 2 * b),  # x2^2
    (lambda a, b: a * b, lambda a, b: b, lambda a, b: a),  # x1 x2
    (lambda a, b: torch.sin(a), lambda a, b: torch.cos(a), lambda a, b: torch.zeros_like(a)),  # sin x1
    (lambda a, b: torch.sin(b), lambda a, b: torch.zeros_like(a), lambda a, b: torch.cos(b)),  # sin x2
)
FEATURES: dict[str, tuple[Column, Column, Column]] = dict(zip(config.FEATURES, _FORMULAS, strict=True))


def feature_map(X: torch.Tensor, names: Sequence[str]) -> torch.Tensor:
    """[n, len(names)] features of the rows (x1, x2) of X; the plane's own
    coordinates, (x1, x2), are X itself (no copy)."""
    if tuple(names) == config.PLANE:
        return X
    a, b = X[:, 0], X[:, 1]
    return torch.stack([FEATURES[name][0](a, b) for name in names], dim=1)


#: How many inputs' features an operator keeps: the training and the dev set,
#: which the runner passes every epoch as the same tensors.
KEPT = 2


class Features(Op):
    """The feature map as a network's first operator (no parameters). The
    features of the ``KEPT`` input tensors used last are kept, so a data set's are
    computed once, not every epoch (data tensors are never changed in place)."""

    def __init__(self, names: Sequence[str] = config.PLANE) -> None:
        super().__init__()
        self.names = tuple(names)
        self.inputs: torch.Tensor = NOTHING_YET
        self._kept: list[tuple[torch.Tensor, torch.Tensor]] = []

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        self.inputs = inputs
        kept = next((pair for pair in self._kept if pair[0] is inputs), None)
        features = kept[1] if kept is not None else feature_map(inputs, self.names)
        if features is not inputs:  # the most recently used first
            self._kept = [(inputs, features), *(p for p in self._kept if p[0] is not inputs)][:KEPT]
        return features

    def backward(self, grads: torch.Tensor) -> torch.Tensor:
        """dL/dx_j = sum over features f of df/dx_j dL/df."""
        a, b = self.inputs[:, 0], self.inputs[:, 1]
        d1 = sum((FEATURES[n][1](a, b) * grads[:, i] for i, n in enumerate(self.names)), torch.zeros_like(a))
        d2 = sum((FEATURES[n][2](a, b) * grads[:, i] for i, n in enumerate(self.names)), torch.zeros_like(a))
        return torch.stack([d1, d2], dim=1)
