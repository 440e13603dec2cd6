"""What is going on inside the network (book 4.4): gradient norms per layer,
dead units, weight histograms, identical (symmetric) units, and a gradient
check of the hand-written backward against finite differences.

Pure engine code, no UI: the CLI prints these, the app shows them. Nothing
here changes the model it is given: anything that needs a forward or a
backward pass runs on a copy, so the caches and ``grads`` of the live model
(and so the training run) are untouched. No autograd: the gradient check
uses central differences of the loss.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import torch

from tui_mlp.nn import MLP
from tui_mlp.nn.activation import Activation, Identity, Softmax
from tui_mlp.nn.head import loss_of
from tui_mlp.nn.loss import GRAD_EPSILON


@dataclass(frozen=True)
class Histogram:
    """Counts of one layer's weights over ``len(counts)`` equal bins; ``edges``
    has one more entry than ``counts``."""

    layer: str
    edges: tuple[float, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class GradCheck:
    """The worst disagreement between the hand-written gradient and central
    finite differences: ``worst`` is the relative error
    |analytic - numeric| / max(|analytic|, |numeric|, floor)."""

    worst: float
    layer: str
    key: str
    index: tuple[int, ...]
    analytic: float
    numeric: float
    checked: int  # parameter entries compared
    kinks: int = 0  # entries where eps straddles a kink: compared with a one-sided difference
    saturated: int = 0  # samples whose p (1 - p) is below the loss's gradient clamp
    floor: float = 1e-6  # the smallest denominator of the relative error

    def line(self) -> str:
        where = f"{self.layer}.{self.key}[{','.join(map(str, self.index))}]"
        kinks = f", {self.kinks} at a kink compared one-sided" if self.kinks else ""
        saturated = (f"; {self.saturated} saturated predictions, where the loss clamps its "
                     f"gradient as torch's BCELoss does" if self.saturated else "")
        tiny = max(abs(self.analytic), abs(self.numeric)) < self.floor
        relative = f"absolute error / {self.floor:g}, both being below it" if tiny else "relative error"
        return (f"[Gradient check] worst {relative}: {self.worst:.3g} at {where} "
                f"(backward {self.analytic:.6g}, finite differences {self.numeric:.6g}; "
                f"{self.checked} entries{kinks}){saturated}")


@dataclass(frozen=True)
class Diagnosis:
    """A snapshot of the model's health on one data set (immutable: can cross threads)."""

    layers: tuple[str, ...]  # linear layer names, fc1 ...
    grad_norms: tuple[float, ...]  # ||dL/dW|| per linear layer
    dead: tuple[int, ...]  # dead units per hidden layer
    widths: tuple[int, ...]  # units per hidden layer
    identical: tuple[bool, ...]  # per hidden layer: all units the same
    histograms: tuple[Histogram, ...]


# ------------------------------------------------------------------ helpers
def copy_model(model: MLP, dtype: torch.dtype | None = None) -> MLP:
    """A deep copy (parameters, caches and grads), optionally cast to ``dtype``."""
    clone = copy.deepcopy(model)
    if dtype is not None:
        for layer in clone.linears:
            for key, value in layer.params.items():
                layer.params[key] = value.to(dtype)
    return clone


def hidden_activations(model: MLP) -> list[Activation]:
    """The activation after each hidden linear layer (not the output operator)."""
    return [layer for layer in model.layers[1:-1] if isinstance(layer, Activation)]


def _backward_on(model: MLP, X: torch.Tensor, y: torch.Tensor) -> tuple[MLP, float]:
    """Forward and backward on a copy of ``model``; returns the copy (with its
    caches and ``grads`` filled) and the loss."""
    clone = copy_model(model)
    dtype = clone.linears[0].params["W"].dtype
    loss_fn = loss_of(clone)
    with torch.inference_mode():
        loss = loss_fn(clone(X.to(dtype)), y.reshape(-1, 1).to(dtype)).item()
        loss_fn.backward()
    return clone, loss


# ------------------------------------------------------------------ the diagnostics
def gradient_norms(model: MLP, X: torch.Tensor, y: torch.Tensor) -> tuple[float, ...]:
    """||dL/dW|| (Frobenius) per linear layer, fc1 first, for the loss on (X, y)
    at the current weights: one full-batch backward on a copy, no update.
    (A running ``Runner`` with ``diagnostics=True`` reports the same per epoch.)"""
    clone, _ = _backward_on(model, X, y)
    return tuple(float(torch.linalg.vector_norm(layer.grads["W"])) for layer in clone.linears)


def dead_units(model: MLP, X: torch.Tensor) -> tuple[int, ...]:
    """Per hidden layer, how many units pass no gradient back for any sample in X:
    the activation's hand-written derivative is exactly 0 on every row. For ReLU
    these are the dead ReLUs (pre-activation <= 0 everywhere, 4.4.3); LeakyReLU
    and the smooth activations never count as dead."""
    clone = copy_model(model)
    dtype = clone.linears[0].params["W"].dtype
    with torch.inference_mode():
        clone(X.to(dtype))
        counts = []
        for act in hidden_activations(clone):
            slope = act.backward(torch.ones_like(act.outputs))
            counts.append(int((slope == 0).all(dim=0).sum()))
    return tuple(counts)


def identical_units(model: MLP, rtol: float = 1e-5, atol: float = 1e-7) -> tuple[bool, ...]:
    """Per hidden layer, whether every unit has the same incoming weights and bias
    (and the same outgoing weights): the symmetry zeros init never breaks (4.4.1)."""
    linears = model.linears
    result = []
    for layer, after in zip(linears[:-1], linears[1:]):
        W, b, W_out = layer.params["W"], layer.params["b"], after.params["W"]
        same = (torch.allclose(W, W[:, :1].expand_as(W), rtol=rtol, atol=atol)
                and torch.allclose(b, b[:, :1].expand_as(b), rtol=rtol, atol=atol)
                and torch.allclose(W_out, W_out[:1, :].expand_as(W_out), rtol=rtol, atol=atol))
        result.append(bool(same))
    return tuple(result)


def weight_histograms(model: MLP, bins: int = 10) -> tuple[Histogram, ...]:
    """Each linear layer's weights counted over ``bins`` equal bins spanning that
    layer's own range (a range of width 1 around the value if all are equal)."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    out = []
    for layer in model.linears:
        w = layer.params["W"].detach().to(torch.float64).flatten()
        lo, hi = float(w.min()), float(w.max())
        if not (math.isfinite(lo) and math.isfinite(hi)):
            w = w[torch.isfinite(w)]
            lo, hi = (float(w.min()), float(w.max())) if w.numel() else (0.0, 0.0)
        if hi - lo <= 1e-12 * max(1.0, abs(lo)):
            lo, hi = lo - 0.5, hi + 0.5
        counts = torch.histc(w, bins=bins, min=lo, max=hi) if w.numel() else torch.zeros(bins)
        edges = [lo + (hi - lo) * i / bins for i in range(bins + 1)]
        out.append(Histogram(layer.name, tuple(edges), tuple(int(c) for c in counts.tolist())))
    return tuple(out)


def diagnose(model: MLP, X: torch.Tensor, y: torch.Tensor, bins: int = 10) -> Diagnosis:
    """Everything above but the gradient check, on one data set (the training set)."""
    return Diagnosis(
        layers=tuple(layer.name for layer in model.linears),
        grad_norms=gradient_norms(model, X, y),
        dead=dead_units(model, X),
        widths=tuple(layer.params["W"].shape[1] for layer in model.linears[:-1]),
        identical=identical_units(model),
        histograms=weight_histograms(model, bins),
    )


def check_budget(model: MLP, rows: int, flops: float = 2e10) -> tuple[int, int | None]:
    """(rows of data, entries per tensor) that keep ``gradient_check`` near
    ``flops`` floating-point operations: every entry of a small model on all
    rows; fewer of both for a wide one."""
    n_params = sum(p.numel() for layer in model.linears for p in layer.params.values())
    n_tensors = 2 * len(model.linears)
    rows = min(rows, 256) if n_params > 10_000 else rows
    per_forward = 2.0 * rows * n_params
    per_tensor = int(flops / (2 * per_forward * n_tensors))
    if per_tensor * n_tensors >= n_params:
        return rows, None
    return rows, max(2, min(100, per_tensor))


def gradient_check(model: MLP, X: torch.Tensor, y: torch.Tensor, eps: float = 1e-5,
                   max_per_tensor: int | None = 100, floor: float = 1e-6,
                   seed: int = 0) -> GradCheck:
    """Compare the model's hand-written backward with central finite differences
    (L(p + eps) - L(p - eps)) / 2 eps, in float64 on a copy. Every entry of
    every W and b is checked, or ``max_per_tensor`` of them chosen at random
    (seeded) in bigger tensors. Returns the worst relative error; values near
    1e-6 or below mean the backward is right, near 1 that it is wrong.

    At a kink (a ReLU input at exactly 0, common with zero biases) the loss has
    no derivative and the central difference averages the two sides, while the
    backward takes one side by convention (ReLU'(0) = 0, as torch). Where the
    central difference disagrees, the one-sided differences (L(p + eps) - L(p)) / eps
    and (L(p) - L(p - eps)) / eps are tried too; if one agrees much better the entry
    counts as a kink (``kinks``) and that error is used.

    Where a prediction saturates (p (1 - p) below 1e-12) the loss's backward is
    clamped on purpose (torch's BCELoss gradient), so it is not the derivative of
    the forward there; ``saturated`` counts those samples, which explain a large
    error in a network with huge pre-activations."""
    clone = copy_model(model, torch.float64)
    X64, y64 = X.to(torch.float64), y.reshape(-1, 1).to(torch.float64)
    loss_fn = loss_of(clone)
    gen = torch.Generator().manual_seed(seed)
    worst: GradCheck | None = None
    checked = 0
    with torch.inference_mode():
        p = clone(X64)
        # softmax cross-entropy's gradient is exact for any p, and a regression's has no p: nothing to count
        exact = isinstance(clone.layers[-1], (Softmax, Identity))
        saturated = 0 if exact else int((p * (1.0 - p) < GRAD_EPSILON).sum())
        loss_fn(p, y64)
        loss_fn.backward()
        analytic = {(layer.name, key): g.clone() for layer in clone.linears
                    for key, g in layer.grads.items()}

        def loss() -> float:
            return float(loss_fn(clone(X64), y64))

        base = loss()

        def rel(a: float, numeric: float) -> float:
            return abs(a - numeric) / max(abs(a), abs(numeric), floor)
        kinks = 0

        for layer in clone.linears:
            for key, param in layer.params.items():
                flat = param.view(-1)
                n = flat.numel()
                picks: list[int] = (torch.randperm(n, generator=gen)[:max_per_tensor].tolist()
                                    if max_per_tensor is not None and n > max_per_tensor else list(range(n)))
                grad = analytic[(layer.name, key)].view(-1)
                for i in picks:
                    saved = float(flat[i])
                    flat[i] = saved + eps
                    up = loss()
                    flat[i] = saved - eps
                    down = loss()
                    flat[i] = saved
                    numeric = (up - down) / (2 * eps)
                    a = float(grad[i])
                    err = rel(a, numeric)
                    if err > 1e-4:  # a kink within eps? try each side
                        side_err, side = min((rel(a, (up - base) / eps), (up - base) / eps),
                                             (rel(a, (base - down) / eps), (base - down) / eps))
                        if side_err < 1e-2 * err:
                            kinks += 1
                            err, numeric = side_err, side
                    checked += 1
                    if worst is None or err > worst.worst:
                        index = tuple(int(v) for v in torch.unravel_index(torch.tensor(i), param.shape))
                        worst = GradCheck(err, layer.name, key, index, a, numeric, 0)
    assert worst is not None
    return GradCheck(worst.worst, worst.layer, worst.key, worst.index, worst.analytic,
                     worst.numeric, checked, kinks, saturated, floor)


__all__ = ["Histogram", "GradCheck", "Diagnosis", "copy_model", "hidden_activations",
           "gradient_norms", "dead_units", "identical_units", "weight_histograms",
           "diagnose", "check_budget", "gradient_check"]


def budgeted_gradient_check(model: MLP, X: torch.Tensor, y: torch.Tensor) -> GradCheck:
    """``gradient_check`` of the current weights on as much of ``(X, y)`` as
    ``check_budget`` allows: what ``tui-mlp train --diagnostics`` and the
    app's ``g`` both run."""
    rows, per_tensor = check_budget(model, X.shape[0])
    return gradient_check(model, X[:rows], y[:rows], max_per_tensor=per_tensor)
