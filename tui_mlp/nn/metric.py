"""Accuracy, the chapter's metric, and the rule it reads predictions by."""
from __future__ import annotations

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
