"""The network's head: from the data settings, the output layer's width, its
output operator, the loss and the score, and how a run's figures are named
and written. Two classes keep the book's single Logistic unit with binary
cross-entropy (4.2); K classes get K units, a Softmax and softmax
cross-entropy (3.3); accuracy scores both. A regression keeps one linear
unit (Identity), the mean squared error, and R² and RMSE as its figures.
``MLP``, ``experiment.build``, the log lines, the results and the app read
the task from here instead of branching on it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from tui_mlp.config import DataConfig
from tui_mlp.nn.activation import Identity, Logistic, Softmax
from tui_mlp.nn.loss import BinaryCrossEntropyLoss, Loss, MeanSquaredErrorLoss, MultiCrossEntropyLoss
from tui_mlp.nn.metric import accuracy, predicted_classes, r2, rmse
from tui_mlp.nn.op import Op

if TYPE_CHECKING:
    from tui_mlp.nn.mlp import MLP

@dataclass(frozen=True)
class Scoring:
    """How a task's runs are scored and how the figures read."""

    key: str  # in JSON keys: test_<key>, best_dev_<key>
    label: str  # beside a number in log lines, the status and tables: "acc", "R²"
    title: str  # in sentences and axis labels: "accuracy", "R²"
    test_word: str  # the book's "[Test] score/loss" line names the score so
    worst: float  # below every score a model can reach: where the best-dev search starts
    with_rmse: bool  # the loss is a mean squared error: its root is shown beside it

    @property
    def loss_title(self) -> str:
        """What a loss curve plots: the loss, or the RMSE (the root of a MSE, in the target's units)."""
        return "RMSE" if self.with_rmse else "loss"

    def shown_loss(self, loss: float) -> float:
        """A loss as its curve plots it (``loss_title``)."""
        return rmse(loss) if self.with_rmse else loss

    def figures(self, loss: float, score: float) -> list[tuple[str, float]]:
        """(label, value) of what a set's loss and score tell: the score, and RMSE after a MSE."""
        return [*((("RMSE", rmse(loss)),) if self.with_rmse else ()), (self.label, score)]

    def text(self, loss: float, score: float) -> str:
        """The figures as the log and the status write them: ``acc 0.8500``, ``RMSE 0.1000 R² 0.9500``."""
        return " ".join(f"{label} {value:.4f}" for label, value in self.figures(loss, score))

    def summary(self, loss: float, score: float) -> str:
        """A set's loss and score as a log line or the status writes them: ``loss
        0.3000 acc 0.8500``, or ``RMSE 0.1000 R² 0.9500`` (the RMSE in place of
        the MSE it is the root of)."""
        loss_part = "" if self.with_rmse else f"loss {loss:.4f} "
        return loss_part + self.text(loss, score)

    def brief(self, loss: float, score: float) -> str:
        """The score alone as the book's accuracy is written (``0.8500``), or all
        the figures when there are several (``RMSE 0.1000 R² 0.9500``)."""
        return self.text(loss, score) if self.with_rmse else f"{score:.4f}"

    def record(self, prefix: str, loss: float, score: float) -> dict[str, float]:
        """The figures as JSON keys: ``test_accuracy``, or ``test_rmse`` and ``test_r2``."""
        out = {f"{prefix}_rmse": rmse(loss)} if self.with_rmse else {}
        return {**out, f"{prefix}_{self.key}": score}


#: How each task (``config.TASKS``) scores a run.
SCORINGS = {
    "classification": Scoring("accuracy", "acc", "accuracy", "score", 0.0, False),
    "regression": Scoring("r2", "R²", "R²", "R²", -math.inf, True),
}


@dataclass(frozen=True)
class Head:
    """What the output layer is and how it is trained and scored."""

    task: str = "classification"
    classes: int = 2  # 0 for a regression
    out_features: int = 1  # 1 (a probability of class 1, or a value) or K (one probability per class)

    @property
    def regression(self) -> bool:
        return self.task == "regression"

    @property
    def scoring(self) -> Scoring:
        return SCORINGS[self.task]

    @property
    def map_title(self) -> str:
        """What the map of the network's output over the plane shows."""
        return "predicted value" if self.regression else "decision boundary"

    @property
    def shallow_name(self) -> str:
        """What the network is without a hidden layer (chapter 3's models for classes)."""
        return "linear regression" if self.regression else \
            "logistic regression" if self.out_features == 1 else "softmax regression"

    @property
    def output_name(self) -> str:
        """The output function's name, as the weights' JSON gives it."""
        return "identity" if self.regression else "logistic" if self.out_features == 1 else "softmax"

    def output_op(self) -> Op:
        """A fresh output operator: the book's Logistic (in place on the last
        Linear's fresh output), a Softmax over the K units, or a regression's Identity."""
        if self.regression:
            return Identity()
        return Logistic(inplace=True) if self.out_features == 1 else Softmax()

    def loss(self, model: MLP | None = None) -> Loss:
        """The loss whose backward drives ``model``."""
        if self.regression:
            return MeanSquaredErrorLoss(model)
        return BinaryCrossEntropyLoss(model) if self.out_features == 1 else MultiCrossEntropyLoss(model)

    def score(self, predicts: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Accuracy (threshold 0.5 on one unit, argmax over K), or a regression's R²."""
        return r2(predicts, labels) if self.regression else accuracy(predicts, labels)

    def predicted(self, predicts: torch.Tensor) -> torch.Tensor:
        """The predicted class of each row, [N] long (the metric's rule; a regression's: its value, [N])."""
        return predicts.reshape(-1) if self.regression else predicted_classes(predicts)


#: The book's head: two classes through Logistic, what a picture assumes unless told.
BOOK_HEAD = Head()


def head_for(data: DataConfig) -> Head:
    """The head the data settings call for: two classes unless set, or a regression."""
    if data.task == "regression":
        return Head("regression", 0, 1)
    k = data.classes or 2
    return Head("classification", k, 1 if k == 2 else k)


def loss_of(model: MLP) -> Loss:
    """The loss that trains ``model``, told by its output operator: for code
    (diagnostics) that has a model but not its settings."""
    output = model.layers[-1]
    if isinstance(output, Identity):
        return MeanSquaredErrorLoss(model)
    return MultiCrossEntropyLoss(model) if isinstance(output, Softmax) else BinaryCrossEntropyLoss(model)
