"""The losses with their backward driving the model: binary cross-entropy (book
4.2.4.2), for K classes softmax cross-entropy (book 3.3.3), and for regression
the mean squared error."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from tui_mlp.nn.activation import Softmax
from tui_mlp.nn.op import NOTHING_YET, Op

if TYPE_CHECKING:
    from tui_mlp.nn.mlp import MLP

#: torch's BCELoss clamps each log at -100 so p = 0 or 1 gives a finite loss...
LOG_FLOOR = -100.0
#: ...and its backward divides by max(p (1 - p), 1e-12) so the gradient is finite too.
GRAD_EPSILON = 1e-12


class Loss:
    """What the chapter's losses share: the book's names (``forward``,
    ``backward``, ``predicts``, ``labels``, ``num``) without Op's signatures:
    a loss takes two inputs, and its backward starts the chain rule in
    ``model`` instead of continuing it."""

    def __init__(self, model: Op | None = None) -> None:
        self.model = model
        self.predicts: torch.Tensor = NOTHING_YET
        self.labels: torch.Tensor = NOTHING_YET
        self.num = 0

    def __call__(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.forward(predicts, labels)

    def forward(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def backward(self) -> torch.Tensor:
        raise NotImplementedError


class BinaryCrossEntropyLoss(Loss):
    """L = -1/N (y^T log p + (1 - y)^T log(1 - p)), shape [1] (the book's formula),
    for predictions p and labels y of shape [N, 1].

    Each log is clamped at -100, and the gradient is torch's BCELoss gradient
    (p - y) / (N max(p (1 - p), 1e-12)): for labels 0 and 1 that is exactly the
    book's -(y / p - (1 - y) / (1 - p)) / N, and it stays finite when p is 0 or 1.
    """

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


class MultiCrossEntropyLoss(Loss):
    """L = -1/N sum_n log p_n[y_n] (the book's 3.3.3), shape [1], for
    predictions p of shape [N, K] from a ``Softmax`` and labels y of shape
    [N, 1] holding the class indices 0..K-1 (as floats, like the data sets).

    log p is the log-softmax the Softmax cached when ``predicts`` are its
    outputs (finite for any logits), else log p clamped at -100 as BCE's. The
    backward is the book's combined gradient of softmax and cross-entropy,
    dL/dz = (p - onehot(y)) / N for the logits z: exact where p underflows,
    where dL/dp = -onehot(y) / (N p) would be infinite. It is passed on to
    ``model.backward(..., from_logits=True)``, which skips the Softmax.
    """

    model: MLP | None  # its output operator and ``from_logits`` are an MLP's

    def __init__(self, model: MLP | None = None) -> None:
        super().__init__(model)

    def _log_predicts(self, predicts: torch.Tensor) -> torch.Tensor:
        output = self.model.layers[-1] if self.model is not None else None
        if isinstance(output, Softmax) and output.outputs is predicts:
            return output.log_outputs
        return torch.clamp(torch.log(predicts), min=LOG_FLOOR)

    def forward(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        self.predicts, self.labels = predicts, labels
        self.num = n = predicts.shape[0]
        picked = self._log_predicts(predicts).gather(1, labels.reshape(-1, 1).to(torch.long))
        return -picked.sum().reshape(1) / n

    def backward(self) -> torch.Tensor:
        """dL/dz for the Softmax's logits, passed on to ``model.backward`` (and returned)."""
        loss_grad_logits = self.predicts.clone()
        loss_grad_logits.scatter_add_(1, self.labels.reshape(-1, 1).to(torch.long),
                                      torch.full_like(self.predicts[:, :1], -1.0))
        loss_grad_logits /= self.num
        if self.model is not None:
            self.model.backward(loss_grad_logits, from_logits=True)
        return loss_grad_logits


class MeanSquaredErrorLoss(Loss):
    """L = 1/N (p - y)^T (p - y), shape [1], for predictions p and real-valued
    targets y of shape [N, 1]; dL/dp = 2 (p - y) / N."""

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
