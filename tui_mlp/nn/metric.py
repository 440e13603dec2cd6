"""Accuracy, the chapter's metric."""
from __future__ import annotations

import torch


def accuracy(preds: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Fraction correct: threshold 0.5 for [N, 1] probabilities, argmax otherwise."""
    if preds.shape[1] == 1:
        correct = torch.eq(preds >= 0.5, labels >= 0.5)
    else:
        correct = torch.eq(torch.argmax(preds, dim=1, keepdim=True), labels.to(torch.long))
    return correct.to(torch.float32).mean()
