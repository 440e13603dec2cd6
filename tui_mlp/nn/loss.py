"""Binary cross-entropy with its backward driving the model (book 4.2.4.2)."""
from __future__ import annotations

import torch

from tui_mlp.nn.activation import ONE
from tui_mlp.nn.op import Op

#: torch's BCELoss clamps each log at -100 so p = 0 or 1 gives a finite loss...
LOG_FLOOR = -100.0
#: ...and its backward divides by max(p (1 - p), 1e-12) so the gradient is finite too.
GRAD_EPSILON = 1e-12


class BinaryCrossEntropyLoss(Op):
    """L = -1/N (y^T log p + (1 - y)^T log(1 - p)), shape [1] (the book's formula).

    Each log is clamped at -100, and the gradient is torch's BCELoss gradient
    (p - y) / (N max(p (1 - p), 1e-12)): for labels 0 and 1 that is exactly
    -(y / p - (1 - y) / (1 - p)) / N, and it stays finite when p is exactly 0 or 1.
    """

    def __init__(self, model: Op | None = None) -> None:
        super().__init__()
        self.model = model
        self.predicts: torch.Tensor | None = None
        self.labels: torch.Tensor | None = None
        self.num = 0
        self._weights: dict[int, tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]] = {}

    def __call__(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.forward(predicts, labels)

    def _label_weights(self, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """-y^T / N, -(1 - y)^T / N and N as a tensor, cached per labels tensor
        (train and dev labels never change between epochs)."""
        entry = self._weights.get(id(labels))
        if entry is None or entry[0] is not labels:
            if len(self._weights) > 4:
                self._weights.clear()
            n = labels.shape[0]
            entry = (labels, -labels.T / n, -(1.0 - labels.T) / n, torch.tensor(float(n)))
            self._weights[id(labels)] = entry
        return entry[1:]

    def forward(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        self.predicts, self.labels = predicts, labels
        self.num = predicts.shape[0]
        w_pos, w_neg, _ = self._label_weights(labels)
        log_p = torch.clamp(torch.log(predicts), min=LOG_FLOOR)
        log_1mp = torch.clamp(torch.log(ONE - predicts), min=LOG_FLOOR)
        return (w_pos @ log_p + w_neg @ log_1mp).squeeze(1)

    def backward(self) -> torch.Tensor:
        """dL/dp, passed on to ``model.backward`` (and returned)."""
        p, y = self.predicts, self.labels
        n = self._label_weights(y)[2]
        p_1mp = torch.clamp(torch.addcmul(p, p, p, value=-1.0), min=GRAD_EPSILON)  # p (1 - p)
        loss_grad_predicts = (p - y) / (p_1mp * n)
        if self.model is not None:
            self.model.backward(loss_grad_predicts)
        return loss_grad_predicts
