"""Results of a run: confusion matrices, the per-epoch history as CSV, and the
run (settings, seeds, metrics) as one JSON object. Engine code, no UI; the CLI
prints and writes these, the app shows them.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from tui_mlp.config import Config
from tui_mlp.data import Dataset
from tui_mlp.files import write_text_atomic
from tui_mlp.history import History
from tui_mlp.nn import MLP, Scoring
from tui_mlp.nn.head import head_for
from tui_mlp.nn.metric import predicted_classes
from tui_mlp.runner import ACCURACY, float32_digits

if TYPE_CHECKING:
    from tui_mlp.experiment import Experiment

@dataclass(frozen=True)
class Confusion:
    """A K x K confusion matrix: ``counts[i][j]`` points of true class i
    predicted as j (two classes: [[tn, fp], [fn, tp]])."""

    counts: tuple[tuple[int, ...], ...]

    @classmethod
    def binary(cls, tn: int, fp: int, fn: int, tp: int) -> "Confusion":
        return cls(((tn, fp), (fn, tp)))

    @property
    def classes(self) -> int:
        return len(self.counts)

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))

    @property
    def accuracy(self) -> float:
        right = sum(self.counts[k][k] for k in range(self.classes))
        return right / self.total if self.total else 0.0

    @property
    def rows(self) -> list[list[int]]:
        return [list(row) for row in self.counts]

    def to_dict(self) -> dict[str, Any]:
        """The matrix and accuracy; two classes also by name (tn, fp, fn, tp)."""
        named = {}
        if self.classes == 2:
            (tn, fp), (fn, tp) = self.counts
            named = {"tn": tn, "fp": fp, "fn": fn, "tp": tp}
        return {**named, "matrix": self.rows, "accuracy": self.accuracy}

    def lines(self, title: str, tag: str = "[Confusion] ") -> list[str]:
        """A small text table, its columns aligned whatever ``tag`` starts it
        (the CLI's log tag, or none in the app), e.g. for ``title`` "dev"::

            [Confusion] dev  pred 0  pred 1
                     true 0      71       9
                     true 1       8      72
        """
        k = self.classes
        w = max(len(f"pred {k - 1}"), len(str(max(max(row) for row in self.counts))))
        pad = max(len(tag) + len(title), len(f"true {k - 1}"))
        head = f"{tag}{title}".ljust(pad)
        lines = ["  ".join([head, *(f"{f'pred {j}':>{w}}" for j in range(k))])]
        for i, row in enumerate(self.counts):
            lines.append("  ".join([f"{f'true {i}':>{pad}}", *(f"{n:>{w}}" for n in row)]))
        return lines


def confusion(predicts: torch.Tensor, labels: torch.Tensor) -> Confusion:
    """Counts from predictions ([N, 1] or [N] probabilities of class 1, or
    [N, K] of each class) and labels 0..K-1, each prediction read by the
    metric's rule (``predicted_classes``)."""
    k = 2 if predicts.dim() == 1 or predicts.shape[1] == 1 else predicts.shape[1]
    true = (labels.reshape(-1) >= 0.5).long() if k == 2 else labels.reshape(-1).long()
    cells = torch.bincount(true * k + predicted_classes(predicts), minlength=k * k).tolist()
    return Confusion(tuple(tuple(cells[i * k:(i + 1) * k]) for i in range(k)))


def confusion_matrix(model: MLP, data_set: Dataset) -> Confusion:
    """The model's confusion matrix on ``(X, y)``."""
    X, y = data_set
    with torch.inference_mode():
        return confusion(model(X), y)


@dataclass(frozen=True)
class TestResult:
    """The best-dev model (or the current one, before any epoch) on dev and test."""

    __test__ = False  # not a pytest test class, whatever its name

    score: float
    loss: float
    best_epoch: int | None  # None: no best model yet, the current weights were used
    dev: Confusion | None  # None: a regression has no classes to confuse
    test: Confusion | None
    latest: float | None = None  # test score of the current weights, when they are not the best-dev
    scoring: Scoring = ACCURACY

    def confusions(self) -> list[tuple[str, Confusion]]:
        """("dev", matrix) and ("test", matrix), or none for a regression."""
        return [(name, m) for name, m in (("dev", self.dev), ("test", self.test)) if m is not None]

    def note(self) -> str:
        """Which model scored what on the test set, for the status: the
        best-dev model's score (the status shows its epoch), and beside it the
        latest weights' (those on the map) when they are another model."""
        score = self.scoring.brief(self.loss, self.score)
        if self.best_epoch is None:
            return f"test {score} (current weights)"
        if self.latest is None:
            return f"test {score} (best-dev @{self.best_epoch})"
        return f"test: best-dev {score}, latest {self.latest:.4f}"


def evaluate_best(exp: Experiment) -> TestResult:
    """Evaluate the best-dev model on the test set, as the book's ``[Test]``
    does, with its confusion matrices on dev and test; the current weights
    are put back afterwards so training continues where it was."""
    runner = exp.runner
    current = runner.parameters()
    latest = runner.evaluate(exp.test_set)[0] if runner.best_epoch not in (-1, runner.epoch - 1) else None
    used_best = runner.restore_best()
    classes = not exp.head.regression
    try:
        score, loss = runner.evaluate(exp.test_set)
        dev = confusion_matrix(exp.model, exp.dev_set) if classes else None
        test = confusion_matrix(exp.model, exp.test_set) if classes else None
    finally:
        runner.set_parameters(current)
    return TestResult(score, loss, runner.best_epoch if used_best else None, dev, test, latest,
                      runner.scoring)


# ------------------------------------------------------------------ history CSV
def _number(value: float) -> str:
    return repr(float32_digits(value)) if math.isfinite(value) else str(value)


def history_csv(history: History, scoring: Scoring = ACCURACY) -> str:
    """``epoch,train_loss,train_score,dev_loss,dev_score``, one row per recorded
    epoch (0-based, as the log counts); a regression's rows give each set's
    loss, RMSE and R² (``train_loss,train_rmse,train_r2,...``). A long run's
    History keeps every k-th epoch only; the rows say which."""
    score = "score" if not scoring.with_rmse else scoring.key  # the book's "score": accuracy
    header = ["epoch"] + [f"{part}_{name}" for part in ("train", "dev")
                          for name in ("loss", *(("rmse",) if scoring.with_rmse else ()), score)]
    lines = [",".join(header)]
    c = history.columns
    for i, epoch in enumerate(history.epochs):
        row = [str(epoch)]
        for part in ("train", "dev"):
            loss, figures = c[f"{part}_loss"][i], scoring.figures(c[f"{part}_loss"][i], c[f"{part}_score"][i])
            row += [_number(loss), *(_number(value) for _, value in figures)]
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def write_history_csv(path: str | os.PathLike, history: History, scoring: Scoring = ACCURACY) -> Path:
    return write_text_atomic(path, history_csv(history, scoring))


# ------------------------------------------------------------------ the data as CSV
DATA_HEADER = ("x1", "x2", "split", "label")  # label last: read back with the default columns
SPLITS = ("train", "dev", "test")


def data_csv(sets: tuple[Dataset, Dataset, Dataset], real_labels: bool = False) -> str:
    """The train, dev and test points in that order, one row each:
    ``x1,x2,split,label``, floats written to round-trip exactly (a label as
    0 or 1, a regression target as its float)."""
    lines = [",".join(DATA_HEADER)]
    for split, (X, y) in zip(SPLITS, sets, strict=True):
        for (x1, x2), label in zip(X.tolist(), y.reshape(-1).tolist()):
            target = repr(label) if real_labels else int(label)
            lines.append(f"{x1!r},{x2!r},{split},{target}")
    return "\n".join(lines) + "\n"


def write_data_csv(path: str | os.PathLike, exp: Experiment) -> Path:
    return write_text_atomic(path, data_csv((exp.train_set, exp.dev_set, exp.test_set),
                                            exp.head.regression))


# ------------------------------------------------------------------ the weights as JSON
def weights_record(model: MLP, activation: str, features: tuple[str, ...],
                   output: str = "logistic") -> dict[str, Any]:
    """The model's linear layers as plain lists, readable by any language: the
    input is a point's ``features`` (x1, x2, x1sq = x1², ...), each layer
    computes ``x @ W + b`` (``W`` has a row per input), the hidden layers then
    ``activation``, the last one ``output`` (the logistic function of one
    unit, or the softmax over K units, one per class)."""
    return {"features": list(features), "activation": activation, "output": output,
            "layers": [{"name": layer.name, "W": layer.params["W"].tolist(),
                        "b": layer.params["b"].reshape(-1).tolist()} for layer in model.linears]}


def write_weights_json(path: str | os.PathLike, exp: Experiment) -> Path:
    model = exp.config.model
    record = weights_record(exp.model, model.activation, model.features,
                            head_for(exp.config.data).output_name)
    return write_text_atomic(path, json.dumps(_clean(record), indent=1) + "\n")


# ------------------------------------------------------------------ the run as JSON
def seeds_of(config: Config) -> dict[str, int]:
    """Every seed a run uses: data (sampling, shuffle, noise), init (weights) and
    batches (mini-batch order; the init seed + 1, see ``experiment.build``)."""
    return {"data": config.data.seed, "init": config.init_seed, "batches": config.init_seed + 1}


def run_record(exp: Experiment, tested: TestResult, seconds: float | None = None,
               **extra: Any) -> dict[str, Any]:
    """The run as ``--export-json`` and the app's export write it: settings,
    seeds, metrics and the confusion matrices of the best-dev model, then
    ``seconds`` (when timed) and any ``extra`` keys."""
    runner, last, scoring = exp.runner, exp.runner.last, exp.runner.scoring
    digits = lambda figures: {k: float32_digits(v) for k, v in figures.items()}  # noqa: E731
    key = scoring.key
    record: dict[str, Any] = {
        "config": exp.config.to_dict(), **digits(scoring.record("test", tested.loss, tested.score)),
        "test_loss": float32_digits(tested.loss),
        f"best_dev_{key}": float32_digits(runner.best_score), "best_epoch": runner.best_epoch,
        **(digits(scoring.record("final_train", last.train_loss, last.train_score)) if last is not None
           else {f"final_train_{key}": None}),
        "epochs": runner.epoch,
    }
    if seconds is not None:
        record["seconds"] = round(seconds, 4)
    record["seeds"] = seeds_of(exp.config)
    if tested.confusions():
        record["confusion"] = {name: matrix.to_dict() for name, matrix in tested.confusions()}
    return {**record, **extra}


def _clean(value: Any) -> Any:
    """JSON has no NaN or infinity: such floats become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def run_json(record: dict[str, Any]) -> str:
    return json.dumps(_clean(record), indent=2) + "\n"


def write_run_json(path: str | os.PathLike, record: dict[str, Any]) -> Path:
    return write_text_atomic(path, run_json(record))
