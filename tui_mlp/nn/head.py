"""The output end of a network, decided by the data settings: the output
layer's width, its operator, the loss, the score, and how a run's figures
are named and written. ``MLP``, ``experiment.build``, the log lines, the
results and the app all read the task from here instead of branching on it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from tui_mlp.nn.activation import Activation, Identity, Logistic
from tui_mlp.nn.loss import BinaryCrossEntropyLoss, MeanSquaredErrorLoss
from tui_mlp.nn.metric import accuracy, r2, rmse
from tui_mlp.nn.op import Op

if TYPE_CHECKING:
    from tui_mlp.config import DataConfig

Loss = BinaryCrossEntropyLoss | MeanSquaredErrorLoss


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
    """What the task makes of the last linear layer: classification with two
    classes squashes one unit through Logistic into a probability, scored by
    binary cross-entropy and accuracy; regression keeps the unit as it is (a
    linear output), scored by mean squared error and R²."""

    task: str = "classification"
    classes: int = 2
    out_features: int = 1

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
        """What the network is without a hidden layer (chapter 3's model for classes)."""
        return "linear regression" if self.regression else "logistic regression"

    def output(self) -> Activation:
        """The operator after the last linear layer (Logistic in place on its fresh output)."""
        return Identity() if self.regression else Logistic(inplace=True)

    def loss(self, model: Op | None = None) -> Loss:
        return MeanSquaredErrorLoss(model) if self.regression else BinaryCrossEntropyLoss(model)

    def score(self, outputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return r2(outputs, labels) if self.regression else accuracy(outputs, labels)

    def predicted(self, outputs: torch.Tensor) -> torch.Tensor:
        """The predicted value of each point: its class (0 or 1), or the output itself."""
        return outputs if self.regression else (outputs >= 0.5).to(outputs.dtype)


#: The book's head: two classes through Logistic, what a picture assumes unless told.
BOOK_HEAD = Head()


def head_for(data: DataConfig) -> Head:
    """The head the data settings call for."""
    return Head(data.task)
