"""The book's RunnerV2_1 (4.2.5) and the one training loop: ``Runner.train``,
which the CLI, the app's session and compare all call. Its hooks (a per-epoch
record, a stop request between epochs) let each caller show progress or take
commands without writing a loop of its own; the book's log lines are built
here, one function per line.

Differences from the book, on purpose: ``evaluate`` does not append to the dev
history (so a test evaluation cannot pollute it); the best-dev parameters are
also kept in memory (``best_params``); the history is a bounded ``History``;
a non-finite loss stops training with ``TrainingDiverged``.
"""
from __future__ import annotations

import math
import os
import struct
import time
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Callable

import torch

from tui_mlp.checkpoint import Params, load_params, save_params
from tui_mlp.data import Dataset
from tui_mlp.files import absolute
from tui_mlp.history import DEFAULT_CAPACITY, History
from tui_mlp.nn import MLP, SCORINGS, Optimizer, Scoring
from tui_mlp.nn.head import Loss

if TYPE_CHECKING:
    from tui_mlp.config import Config


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch did; immutable so it can cross threads."""

    epoch: int  # 0-based, as the book's log counts
    train_loss: float
    train_score: float
    dev_loss: float
    dev_score: float
    improved: bool
    best_score: float
    lr: float
    grad_norms: tuple[float, ...] | None = None  # per linear layer, dL/dW (diagnostics on)
    stop: bool = False  # early stopping: no dev improvement for `patience` epochs


#: A loss this many times its starting value (or ln 2, if larger) counts as
#: diverged. The clamped BCE never becomes inf, so a blow-up shows as a jump
#: to tens (each clamped term is 100) rather than as nan.
DIVERGENCE_FACTOR = 10.0


class TrainingDiverged(ArithmeticError):
    """The loss became non-finite or blew up; training stops, the best model is kept."""

    def __init__(self, epoch: int, loss: float, start_loss: float | None = None) -> None:
        self.epoch, self.loss = epoch, loss
        why = "" if start_loss is None or not math.isfinite(loss) else \
            f", over {DIVERGENCE_FACTOR:g}x the starting {start_loss:.4f}"
        super().__init__(f"training diverged at epoch {epoch} (loss = {loss:.4g}{why}); "
                         f"lower the learning rate")


class Stop(str, Enum):
    """Why ``Runner.train`` returned."""

    DONE = "done"  # every epoch asked for was trained
    EARLY = "early stopping"  # no dev improvement for ``patience`` epochs
    REQUESTED = "requested"  # the caller's ``should_stop`` said so
    DIVERGED = "diverged"  # TrainingDiverged: the loss blew up

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class TrainOutcome:
    """How one call of ``Runner.train`` ended."""

    last: EpochRecord | None  # the last epoch trained, None if none was
    stopped: Stop
    seconds: float
    error: str | None = None  # the TrainingDiverged message


# ---------------------------------------------------------------- the log's lines
def float32_digits(value: float) -> float:
    """``value`` rounded to float32, written with the fewest digits that read
    back as that float32: 0.98 rather than 0.9800000190734863."""
    try:
        (single,) = struct.unpack("f", struct.pack("f", value))
    except OverflowError:  # beyond float32's range: as float32 holds it
        return math.copysign(math.inf, value)
    if not math.isfinite(single):
        return single
    for digits in range(1, 10):  # 9 significant digits always round-trip a float32
        short = float(f"{single:.{digits}g}")
        if struct.unpack("f", struct.pack("f", short))[0] == single:
            return short
    return single


def run_line(number: int, changes: list[str], config: Config) -> str:
    """Where the lines of a run that trains begin: its number, what changed
    since the last one, its settings."""
    return f"[Run {number}] " + "; ".join([*changes, config.summary()])


def train_line(epoch: int, num_epochs: int, loss: float) -> str:
    return f"[Train] epoch: {epoch}/{num_epochs}, loss: {float32_digits(loss)}"


#: The book's score, accuracy: what a line says when no other scoring is given.
ACCURACY = SCORINGS["classification"]


def improved_line(old: float, new: float, scoring: Scoring = ACCURACY) -> str:
    return f"[Evaluate] best {scoring.title} performance has been updated: {old:.5f} --> {new:.5f}"


def test_line(score: float, loss: float, scoring: Scoring = ACCURACY) -> str:
    """The book's ``[Test]`` line, with the RMSE after it when the loss is a MSE."""
    extra = "".join(f", {label} {value:.4f}" for label, value in scoring.figures(loss, score)
                    if label != scoring.label)
    return f"[Test] {scoring.test_word}/loss: {score:.4f}/{loss:.4f}{extra}"


def early_stop_line(patience: int, epochs_done: int) -> str:
    return f"[Early stop] no better dev score for {patience} epochs; stopped after {epochs_done} epochs"


def interrupted_line(epochs_done: int, num_epochs: int) -> str:
    return f"[Interrupted] stopped after {epochs_done} of {num_epochs} epochs"


def saved_line(runner: Runner, directory: str | os.PathLike) -> str:
    """What ``save_model(directory, best=True)`` wrote, and where (absolute)."""
    which = f"best model (epoch {runner.best_epoch})" if runner.best_params is not None else "current model"
    return f"[Save] {which} saved to {absolute(directory)}"


def final_line(record: EpochRecord, scoring: Scoring = ACCURACY) -> str:
    """The last epoch trained, before the best-dev model is restored."""
    return (f"[Final] epoch {record.epoch}: train {scoring.summary(record.train_loss, record.train_score)}, "
            f"dev {scoring.summary(record.dev_loss, record.dev_score)}")


class Runner:
    def __init__(self, model: MLP, optimizer: Optimizer, metric: Callable, loss_fn: Loss,
                 *, scoring: Scoring = ACCURACY, batch_size: int = 0,
                 lr_at: Callable[[int], float] | None = None,
                 patience: int = 0, generator: torch.Generator | None = None,
                 diagnostics: bool = False, history_capacity: int = DEFAULT_CAPACITY) -> None:
        self.model = model
        self.optimizer = optimizer
        self.metric = metric
        self.loss_fn = loss_fn
        self.scoring = scoring  # names the score in the log; its ``worst`` starts the best-dev search
        self.batch_size = batch_size
        self.lr_at = lr_at
        self.patience = patience
        self.generator = generator
        self.diagnostics = diagnostics
        self.history = History(history_capacity)
        self.epoch = 0  # epochs done
        self.best_score = scoring.worst
        self.best_epoch = -1
        self.best_params: dict[str, Params] | None = None
        self.start_loss: float | None = None  # the first training loss, for divergence
        self.last: EpochRecord | None = None  # the last epoch's record

    # the book's four lists, read from the bounded history
    @property
    def train_loss(self) -> list[float]:
        return self.history.columns["train_loss"]

    @property
    def train_scores(self) -> list[float]:
        return self.history.columns["train_score"]

    @property
    def dev_loss(self) -> list[float]:
        return self.history.columns["dev_loss"]

    @property
    def dev_scores(self) -> list[float]:
        return self.history.columns["dev_score"]

    # ------------------------------------------------------------ one epoch
    def step(self, train_set: Dataset, dev_set: Dataset) -> EpochRecord:
        """Train one epoch, evaluate on dev, keep the best; returns the record."""
        epoch = self.epoch
        if self.lr_at is not None:
            self.optimizer.lr = self.lr_at(epoch)
        with torch.inference_mode():
            train_loss, train_score = self._train_epoch(*train_set, epoch)
            dev_score, dev_loss = self.evaluate(dev_set)
        if not math.isfinite(dev_loss):
            raise TrainingDiverged(epoch, dev_loss)
        improved = dev_score > self.best_score
        if improved:
            self.best_score, self.best_epoch = dev_score, epoch
            self.best_params = self.parameters()
        self.history.append(epoch, train_loss, train_score, dev_loss, dev_score)
        self.epoch = epoch + 1
        norms = None
        if self.diagnostics:
            norms = tuple(float(torch.linalg.vector_norm(layer.grads["W"]))
                          for layer in self.model.linears)
        stop = bool(self.patience) and epoch - self.best_epoch >= self.patience
        self.last = EpochRecord(epoch, train_loss, train_score, dev_loss, dev_score, improved,
                                self.best_score, self.optimizer.lr, norms, stop)
        return self.last

    def _train_epoch(self, X: torch.Tensor, y: torch.Tensor, epoch: int) -> tuple[float, float]:
        n = X.shape[0]
        if not self.batch_size or self.batch_size >= n:
            return self._train_batch(X, y, epoch)
        order = torch.randperm(n, generator=self.generator)
        total_loss = total_score = 0.0
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            loss, score = self._train_batch(X[idx], y[idx], epoch)
            total_loss += loss * idx.shape[0]
            total_score += score * idx.shape[0]
        return total_loss / n, total_score / n

    def _train_batch(self, X: torch.Tensor, y: torch.Tensor, epoch: int) -> tuple[float, float]:
        logits = self.model(X)
        loss = self.loss_fn(logits, y).item()
        if self.start_loss is None:
            self.start_loss = loss
        if not math.isfinite(loss):
            raise TrainingDiverged(epoch, loss)
        if loss > DIVERGENCE_FACTOR * max(self.start_loss, math.log(2.0)):
            raise TrainingDiverged(epoch, loss, self.start_loss)
        score = self.metric(logits, y).item()
        self.loss_fn.backward()
        self.optimizer.step()
        return loss, score

    # ------------------------------------------------------------ the book's API
    def train(self, train_set: Dataset, dev_set: Dataset, num_epochs: int = 0,
              log_epochs: int = 100, save_dir: str | os.PathLike | None = None,
              log: Callable[[str], None] = print,
              on_epoch: Callable[[EpochRecord], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> TrainOutcome:
        """Train until ``num_epochs`` epochs are done (counting those done
        before: a second call goes on where the first stopped), logging the
        book's lines through ``log`` and saving to ``save_dir`` whenever the dev
        score improves. ``on_epoch`` sees each epoch's record; ``should_stop``
        is asked before each epoch. A divergence ends the loop, not the caller:
        it comes back as ``Stop.DIVERGED`` with its message."""
        start = time.perf_counter()
        last, stopped, error = None, Stop.DONE, None
        try:
            while self.epoch < num_epochs:
                if should_stop is not None and should_stop():
                    stopped = Stop.REQUESTED
                    break
                old_best = self.best_score
                record = last = self.step(train_set, dev_set)
                if record.improved:
                    log(improved_line(old_best, record.dev_score, self.scoring))
                    if save_dir:
                        self.save_model(save_dir)
                if log_epochs and record.epoch % log_epochs == 0:
                    log(train_line(record.epoch, num_epochs, record.train_loss))
                if on_epoch is not None:
                    on_epoch(record)
                if record.stop:
                    log(early_stop_line(self.patience, self.epoch))
                    stopped = Stop.EARLY
                    break
        except TrainingDiverged as exc:
            stopped, error = Stop.DIVERGED, str(exc)
        return TrainOutcome(last, stopped, time.perf_counter() - start, error)

    def evaluate(self, data_set: Dataset) -> tuple[float, float]:
        """(score, loss) on a data set; nothing is recorded."""
        X, y = data_set
        with torch.inference_mode():
            logits = self.model(X)
            loss = self.loss_fn(logits, y).item()
            score = self.metric(logits, y).item()
        return score, loss

    def predict(self, X: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return self.model(X)

    # ------------------------------------------------------------ parameters and files
    def parameters(self) -> dict[str, Params]:
        """A copy of every linear layer's parameters, keyed by layer name."""
        return {layer.name: {k: v.clone() for k, v in layer.params.items()}
                for layer in self.model.linears}

    def set_parameters(self, params: dict[str, Params]) -> None:
        for layer in self.model.linears:
            for key, value in params[layer.name].items():
                layer.params[key] = value.to(layer.params[key].dtype).clone()

    def restore_best(self) -> bool:
        """Load the best-dev parameters into the model; False if there are none."""
        if self.best_params is None:
            return False
        self.set_parameters(self.best_params)
        return True

    def save_model(self, save_dir: str | os.PathLike, best: bool = False) -> None:
        """Save the current (or the best-dev) parameters, one file per layer."""
        params = self.best_params if best and self.best_params is not None else self.parameters()
        save_params(save_dir, params)

    def load_model(self, model_dir: str | os.PathLike) -> None:
        """Load parameters saved by ``save_model``; on any error (CheckpointError)
        the model in memory is left exactly as it was."""
        expected = {layer.name: {k: tuple(v.shape) for k, v in layer.params.items()}
                    for layer in self.model.linears}
        self.set_parameters(load_params(model_dir, expected))

    def rewind(self, epoch: int, params: dict[str, Params],
               kept: Callable[[int], dict[str, Params] | None]) -> None:
        """Back to just after ``epoch`` (0-based): its parameters, the history
        through it, the epoch counter after it. A best dev score from a later
        epoch is forgotten; the best through ``epoch`` is found in the history,
        and its parameters asked of ``kept`` (None if they were not kept)."""
        self.set_parameters(params)
        self.history.truncate(epoch)
        self.epoch = epoch + 1
        if self.best_epoch > epoch:
            scores = self.history.columns["dev_score"]
            worst = self.scoring.worst
            best = max(scores, default=worst)
            if best > worst:
                self.best_score, self.best_epoch = best, self.history.epochs[scores.index(best)]
                self.best_params = kept(self.best_epoch)
            else:
                self.best_score, self.best_epoch, self.best_params = worst, -1, None
        row = self.history.row(epoch)
        self.last = None if row is None else EpochRecord(epoch, *row, improved=False, best_score=self.best_score,
                                                         lr=self.optimizer.lr)

    def reset_history(self) -> None:
        self.history.clear()
        self.epoch = 0
        self.best_score, self.best_epoch, self.best_params = self.scoring.worst, -1, None
        self.start_loss = None
        self.last = None

