"""Optimisers over every layer with a ``params`` dict (book 4.2.4.6), plus the
lab's momentum and Adam, L1/L2 penalties and learning-rate schedules.

All updates are in place and written out by hand; the penalties touch only
weights (``W``), never biases.
"""
from __future__ import annotations


import torch

from tui_mlp.nn.op import Op


class Optimizer:
    """Base: holds the learning rate and the penalty rates; ``gradient`` adds the
    penalty's derivative (l2 * W for (l2/2)||W||^2, l1 * sign(W) for l1 |W|)."""

    def __init__(self, init_lr: float, model: Op, l2: float = 0.0, l1: float = 0.0) -> None:
        self.init_lr = init_lr
        self.lr = init_lr
        self.model = model
        self.l2 = l2
        self.l1 = l1

    def layers(self) -> list[Op]:
        return [layer for layer in self.model.layers if isinstance(layer.params, dict)]

    def gradient(self, layer: Op, key: str) -> torch.Tensor:
        grad = layer.grads[key]
        if key == "W" and (self.l2 or self.l1):
            w = layer.params[key]
            if self.l2:
                grad = grad + self.l2 * w
            if self.l1:
                grad = grad + self.l1 * torch.sign(w)
        return grad

    def step(self) -> None:
        raise NotImplementedError


class BatchGD(Optimizer):
    """theta <- theta - lr * grad, the book's optimiser."""

    def step(self) -> None:
        for layer in self.layers():
            for key, param in layer.params.items():
                param.sub_(self.gradient(layer, key), alpha=self.lr)


class Momentum(Optimizer):
    """v <- mu v - lr grad; theta <- theta + v."""

    def __init__(self, init_lr: float, model: Op, momentum: float = 0.9, **penalties: float) -> None:
        super().__init__(init_lr, model, **penalties)
        self.momentum = momentum
        self.velocity: dict[tuple[int, str], torch.Tensor] = {}

    def step(self) -> None:
        for i, layer in enumerate(self.layers()):
            for key, param in layer.params.items():
                v = self.velocity.get((i, key))
                if v is None:
                    v = self.velocity[(i, key)] = torch.zeros_like(param)
                v.mul_(self.momentum).sub_(self.gradient(layer, key), alpha=self.lr)
                param.add_(v)


class Adam(Optimizer):
    """Adam (Kingma & Ba): bias-corrected first and second moment estimates."""

    def __init__(self, init_lr: float, model: Op, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, **penalties: float) -> None:
        super().__init__(init_lr, model, **penalties)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.moments: dict[tuple[int, str], tuple[torch.Tensor, torch.Tensor]] = {}

    def step(self) -> None:
        self.t += 1
        c1 = 1.0 - self.beta1 ** self.t
        c2 = 1.0 - self.beta2 ** self.t
        for i, layer in enumerate(self.layers()):
            for key, param in layer.params.items():
                grad = self.gradient(layer, key)
                if (i, key) not in self.moments:
                    self.moments[(i, key)] = (torch.zeros_like(param), torch.zeros_like(param))
                m, v = self.moments[(i, key)]
                m.mul_(self.beta1).add_(grad, alpha=1.0 - self.beta1)
                v.mul_(self.beta2).addcmul_(grad, grad, value=1.0 - self.beta2)
                denom = (v / c2).sqrt_().add_(self.epsilon)
                param.addcdiv_(m, denom, value=-self.lr / c1)


OPTIMIZERS: dict[str, type[Optimizer]] = {"gd": BatchGD, "momentum": Momentum, "adam": Adam}


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


__all__ = ["Optimizer", "BatchGD", "Momentum", "Adam", "OPTIMIZERS", "scheduled_lr"]
