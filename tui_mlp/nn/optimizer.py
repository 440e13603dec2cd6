"""Optimisers over every layer with a ``params`` dict (book 4.2.4.6), plus the
lab's momentum and Adam, L1/L2 penalties and learning-rate schedules.

All updates are in place and written out by hand; the penalties touch only
weights (``W``), never biases.
"""
from __future__ import annotations

from typing import Protocol

import torch

from tui_mlp import config
from tui_mlp.nn.op import Op


class Layered(Protocol):
    """A model as the optimisers see it: its operators in order (the book's ``model.layers``)."""

    layers: list[Op]


class Optimizer:
    """Base: holds the learning rate and the penalty rates; ``gradient`` adds the
    penalty's derivative (l2 * W for (l2/2)||W||^2, l1 * sign(W) for l1 |W|)."""

    def __init__(self, init_lr: float, model: Layered, l2: float = 0.0, l1: float = 0.0) -> None:
        self.init_lr = init_lr
        self.lr = init_lr
        self.model = model
        self.l2 = l2
        self.l1 = l1

    def layers(self) -> list[tuple[Op, dict[str, torch.Tensor]]]:
        """Every layer that learns, with its ``params``."""
        return [(layer, layer.params) for layer in self.model.layers if layer.params is not None]

    def gradient(self, key: str, param: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
        """dL/d(param) plus the penalties' derivative, for weights only."""
        if key == "W":
            if self.l2:
                grad = grad + self.l2 * param
            if self.l1:
                grad = grad + self.l1 * torch.sign(param)
        return grad

    def step(self) -> None:
        raise NotImplementedError


class BatchGD(Optimizer):
    """theta <- theta - lr * grad, the book's optimiser."""

    def step(self) -> None:
        for layer, params in self.layers():
            for key, param in params.items():
                param.sub_(self.gradient(key, param, layer.grads[key]), alpha=self.lr)


class Momentum(Optimizer):
    """v <- mu v - lr grad; theta <- theta + v."""

    def __init__(self, init_lr: float, model: Layered, momentum: float = 0.9,
                 **penalties: float) -> None:
        super().__init__(init_lr, model, **penalties)
        self.momentum = momentum
        self.velocity: dict[tuple[int, str], torch.Tensor] = {}

    def step(self) -> None:
        for i, (layer, params) in enumerate(self.layers()):
            for key, param in params.items():
                v = self.velocity.get((i, key))
                if v is None:
                    v = self.velocity[(i, key)] = torch.zeros_like(param)
                v.mul_(self.momentum).sub_(self.gradient(key, param, layer.grads[key]), alpha=self.lr)
                param.add_(v)


class Adam(Optimizer):
    """Adam (Kingma & Ba): m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2, and
    theta <- theta - lr (m / c1) / (sqrt(v / c2) + eps) with c_i = 1 - b_i^t."""

    def __init__(self, init_lr: float, model: Layered, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, **penalties: float) -> None:
        super().__init__(init_lr, model, **penalties)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.moments: dict[tuple[int, str], tuple[torch.Tensor, torch.Tensor]] = {}

    def step(self) -> None:
        self.t += 1
        c1 = 1.0 - self.beta1 ** self.t
        c2 = 1.0 - self.beta2 ** self.t
        for i, (layer, params) in enumerate(self.layers()):
            for key, param in params.items():
                grad = self.gradient(key, param, layer.grads[key])
                if (i, key) not in self.moments:
                    self.moments[(i, key)] = (torch.zeros_like(param), torch.zeros_like(param))
                m, v = self.moments[(i, key)]
                m.mul_(self.beta1).add_(grad, alpha=1.0 - self.beta1)
                v.mul_(self.beta2).addcmul_(grad, grad, value=1.0 - self.beta2)  # + (1 - b2) g g
                denom = (v / c2).sqrt_().add_(self.epsilon)
                param.addcdiv_(m, denom, value=-self.lr / c1)  # - (lr / c1) m / denom


#: Every optimiser by its name in the settings; the names and their order
#: are ``config.OPTIMIZERS``.
_CLASSES: tuple[type[Optimizer], ...] = (BatchGD, Momentum, Adam)
OPTIMIZERS: dict[str, type[Optimizer]] = dict(zip(config.OPTIMIZERS, _CLASSES, strict=True))


def scheduled_lr(init_lr: float, epoch: int, schedule: str, total_epochs: int,
                 step_size: int = 100, gamma: float = 0.5) -> float:
    """The learning rate for a 0-based epoch.

    ``none``: constant; ``step``: multiplied by ``gamma`` every ``step_size``
    epochs; ``linear``: decays linearly from ``init_lr`` to 0 at the last epoch.
    """
    if schedule == "step":
        return init_lr * gamma ** (epoch // step_size)
    if schedule == "linear":
        return init_lr * max(0.0, 1.0 - epoch / max(1, total_epochs))
    if schedule == "none":
        return init_lr
    raise ValueError(f"unknown schedule {schedule!r}")


__all__ = ["Layered", "Optimizer", "BatchGD", "Momentum", "Adam", "OPTIMIZERS", "scheduled_lr"]
