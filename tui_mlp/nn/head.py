"""The network's head: from the data settings, the output layer's width, its
output operator, the loss and the score. Two classes keep the book's single
Logistic unit with binary cross-entropy (4.2); K classes get K units, a
Softmax and softmax cross-entropy (3.3). Accuracy scores both.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from tui_mlp.config import DataConfig
from tui_mlp.nn.activation import Logistic, Softmax
from tui_mlp.nn.loss import BinaryCrossEntropyLoss, MultiCrossEntropyLoss
from tui_mlp.nn.metric import accuracy, predicted_classes
from tui_mlp.nn.op import Op

if TYPE_CHECKING:
    from tui_mlp.nn.mlp import MLP

Loss = BinaryCrossEntropyLoss | MultiCrossEntropyLoss


@dataclass(frozen=True)
class Head:
    """What the output layer is and how it is trained and scored."""

    task: str  # "classification"
    classes: int
    out_features: int  # 1 (a probability of class 1) or K (one probability per class)

    @property
    def output_name(self) -> str:
        """The output function's name, as the weights' JSON gives it."""
        return "logistic" if self.out_features == 1 else "softmax"

    def output_op(self) -> Op:
        """A fresh output operator: the book's Logistic (in place on the last
        Linear's fresh output) or a Softmax over the K units."""
        return Logistic(inplace=True) if self.out_features == 1 else Softmax()

    def loss(self, model: MLP | None = None) -> Loss:
        """The loss whose backward drives ``model``."""
        return BinaryCrossEntropyLoss(model) if self.out_features == 1 else MultiCrossEntropyLoss(model)

    def score(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Accuracy: threshold 0.5 on one unit, argmax over K."""
        return accuracy(predicts, labels)

    def predicted(self, predicts: torch.Tensor) -> torch.Tensor:
        """The predicted class of each row, [N] long."""
        return predicted_classes(predicts)

    def probabilities(self, predicts: torch.Tensor) -> torch.Tensor:
        """Each class's probability, [N, K] (two columns 1 - p, p for one unit)."""
        if predicts.shape[1] == 1:
            return torch.cat([1.0 - predicts, predicts], dim=1)
        return predicts


def classes_of(data: DataConfig) -> int:
    """The number of classes the settings give (2 unless set)."""
    return data.classes or 2


def head_for(data: DataConfig) -> Head:
    """The head the data settings call for."""
    k = classes_of(data)
    return Head("classification", k, 1 if k == 2 else k)


def loss_of(model: MLP) -> Loss:
    """The loss that trains ``model``, told by its output operator: for code
    (diagnostics) that has a model but not its settings."""
    return MultiCrossEntropyLoss(model) if isinstance(model.layers[-1], Softmax) \
        else BinaryCrossEntropyLoss(model)
