"""Accuracy, the chapter's metric, and the rule it reads predictions by; RMSE
and R² for regression."""
from __future__ import annotations

import math

import torch


def predicted_classes(preds: torch.Tensor) -> torch.Tensor:
    """Each row's predicted class, [N] long: probability >= 0.5 for [N, 1]
    (or [N]) probabilities of class 1, the argmax over [N, K] otherwise."""
    if preds.dim() == 1 or preds.shape[1] == 1:
        return (preds.reshape(-1) >= 0.5).long()
    return torch.argmax(preds, dim=1)


def accuracy(preds: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Fraction correct: threshold 0.5 for [N, 1] probabilities, argmax otherwise."""
    if preds.shape[1] == 1:
        correct = torch.eq(preds >= 0.5, labels >= 0.5)
    else:
        correct = torch.eq(predicted_classes(preds), labels.reshape(-1).to(torch.long))
    return correct.to(torch.float32).mean()


def r2(preds: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """R² = 1 - sum (y - p)^2 / sum (y - mean y)^2: 1 for a perfect fit, 0 for
    predicting the mean, below 0 for worse. Targets that are all equal have no
    spread to explain: 1 if every prediction is exact, else 0."""
    residual = ((labels - preds) ** 2).sum()
    total = ((labels - labels.mean()) ** 2).sum()
    if float(total) == 0.0:
        return (residual == 0).to(preds.dtype)
    return 1.0 - residual / total


def rmse(mse: float) -> float:
    """The root mean squared error from the mean squared error (the regression
    loss): the typical error in the target's own units."""
    return math.sqrt(mse) if mse >= 0 else math.nan
