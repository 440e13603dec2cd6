"""The losses, each with its backward driving the model: binary cross-entropy
(book 4.2.4.2) and, for regression, the mean squared error."""
from __future__ import annotations

import torch

from tui_mlp.nn.op import NOTHING_YET, Op

#: torch's BCELoss clamps each log at -100 so p = 0 or 1 gives a finite loss...
LOG_FLOOR = -100.0
#: ...and its backward divides by max(p (1 - p), 1e-12) so the gradient is finite too.
GRAD_EPSILON = 1e-12


class BinaryCrossEntropyLoss:
    """L = -1/N (y^T log p + (1 - y)^T log(1 - p)), shape [1] (the book's formula),
    for predictions p and labels y of shape [N, 1].

    Each log is clamped at -100, and the gradient is torch's BCELoss gradient
    (p - y) / (N max(p (1 - p), 1e-12)): for labels 0 and 1 that is exactly the
    book's -(y / p - (1 - y) / (1 - p)) / N, and it stays finite when p is 0 or 1.

    The book's names (``forward``, ``backward``, ``predicts``, ``labels``, ``num``)
    without Op's signatures: the loss takes two inputs, and its backward starts
    the chain rule instead of continuing it.
    """

    def __init__(self, model: Op | None = None) -> None:
        self.model = model
        self.predicts: torch.Tensor = NOTHING_YET
        self.labels: torch.Tensor = NOTHING_YET
        self.num = 0

    def __call__(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.forward(predicts, labels)

    def forward(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        self.predicts, self.labels = predicts, labels
        self.num = n = predicts.shape[0]
        log_p = torch.clamp(torch.log(predicts), min=LOG_FLOOR)
        log_1mp = torch.clamp(torch.log(1.0 - predicts), min=LOG_FLOOR)
        y_t = labels.T
        # -1/N (y^T log p + (1 - y)^T log(1 - p)), the factor -1/N taken into each row of labels
        loss = (y_t / -n) @ log_p + ((1.0 - y_t) / -n) @ log_1mp
        return loss.squeeze(1)

    def backward(self) -> torch.Tensor:
        """dL/dp, passed on to ``model.backward`` (and returned)."""
        p, y = self.predicts, self.labels
        p_1mp = torch.clamp(p * (1.0 - p), min=GRAD_EPSILON)
        loss_grad_predicts = (p - y) / (p_1mp * self.num)
        if self.model is not None:
            self.model.backward(loss_grad_predicts)
        return loss_grad_predicts


class MeanSquaredErrorLoss:
    """L = 1/N (p - y)^T (p - y), shape [1], for predictions p and real-valued
    targets y of shape [N, 1]; dL/dp = 2 (p - y) / N. The interface of
    ``BinaryCrossEntropyLoss``: ``backward`` starts the chain rule in ``model``."""

    def __init__(self, model: Op | None = None) -> None:
        self.model = model
        self.predicts: torch.Tensor = NOTHING_YET
        self.labels: torch.Tensor = NOTHING_YET
        self.num = 0

    def __call__(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.forward(predicts, labels)

    def forward(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        self.predicts, self.labels = predicts, labels
        self.num = n = predicts.shape[0]
        error = predicts - labels
        return (error.T @ error).squeeze(1) / n  # 1/N (p - y)^T (p - y)

    def backward(self) -> torch.Tensor:
        """dL/dp = 2 (p - y) / N, passed on to ``model.backward`` (and returned)."""
        loss_grad_predicts = (self.predicts - self.labels) * (2.0 / self.num)
        if self.model is not None:
            self.model.backward(loss_grad_predicts)
        return loss_grad_predicts
