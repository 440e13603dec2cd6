"""From a Config to ready-to-train objects: data, model, optimiser, Runner.

The CLI, the app and the benchmarks all build through here, so the same
settings always mean the same experiment.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from typing import Callable

import torch

from tui_mlp.checkpoint import Params
from tui_mlp.config import Config, TrainConfig
from tui_mlp.data import DATASETS, DataError, Dataset, infer_classes, load_csv, split_dataset
from tui_mlp.nn import MLP, OPTIMIZERS, WEIGHT_INITS, Head, Optimizer, scheduled_lr
from tui_mlp.nn.head import head_for
from tui_mlp.runner import Runner


def load_data(config: Config) -> tuple[Dataset, Dataset, Dataset]:
    """Train, dev and test sets; DataError (a ValueError) for a bad CSV or split."""
    d = config.data
    if d.dataset == "csv":
        X, y = load_csv(d.csv, shuffle=d.shuffle, noise=d.noise or None, seed=d.seed,
                        columns=d.columns, classes=d.classes, real_labels=head_for(d).regression)
    else:
        X, y = DATASETS[d.dataset](d.n_samples, shuffle=d.shuffle, noise=d.noise or None, seed=d.seed,
                                   classes=d.classes or 2)
    n_train, n_dev = d.counts(X.shape[0])
    try:
        return split_dataset(X, y, n_train, n_dev)
    except DataError as exc:
        raise SplitError(str(exc), int(X.shape[0])) from None


class SplitError(DataError):
    """The train/dev split asked for does not fit the data's ``rows``."""

    def __init__(self, message: str, rows: int) -> None:
        super().__init__(message)
        self.rows = rows


def with_classes(config: Config, sets: tuple[Dataset, Dataset, Dataset]) -> Config:
    """``config`` with a CSV's number of classes, when none was set, inferred
    from its labels (``data.infer_classes``) if more than two (a regression's targets are no classes)."""
    if config.data.dataset != "csv" or config.data.classes is not None or config.data.task == "regression":
        return config
    k = infer_classes(torch.cat([labels.reshape(-1) for _, labels in sets]))
    return config.with_values(classes=k) if k > 2 else config


def build_model(config: Config, dtype: torch.dtype = torch.float32) -> MLP:
    """The network with its initial weights drawn from the init seed alone."""
    m, head = config.model, head_for(config.data)
    gen = torch.Generator().manual_seed(config.init_seed)
    return MLP(len(m.features), list(m.hidden), head.out_features, activation=m.activation,
               weight_init=weight_init(config), bias_init=m.bias_init, generator=gen, dtype=dtype,
               features=m.features, output=head.output_op)


def weight_init(config: Config):
    """The initialiser the model settings name, scaled by ``weight_scale``
    (at 1 the initialiser itself, so the book's weights are bit-identical)."""
    init, scale = WEIGHT_INITS[config.model.weight_init], config.model.weight_scale
    if scale == 1.0:
        return init

    def scaled(fan_in: int, fan_out: int, generator=None, dtype: torch.dtype = torch.float32):
        return init(fan_in, fan_out, generator, dtype) * scale
    return scaled


def build_optimizer(train: TrainConfig, model: MLP) -> Optimizer:
    extra = {"momentum": train.momentum} if train.optimizer == "momentum" else {}
    return OPTIMIZERS[train.optimizer](train.lr, model, l2=train.l2, l1=train.l1, **extra)


def schedule_for(train: TrainConfig):
    if train.schedule == "none":
        return None
    return partial(scheduled_lr, train.lr, schedule=train.schedule, total_epochs=train.epochs,
                   step_size=train.step_size, gamma=train.gamma)


#: Up to this size (samples x widest layer) one intra-op thread is as fast as
#: several, and far faster when the cores are busy: torch's worker threads
#: spin-wait, and on a loaded 2-core machine the book's 1000 epochs took 6x
#: longer with 2 threads than with 1 (measured: 17 s against 2.9 s).
SMALL_WORK = 2_000_000


def threads_for(config: Config) -> int:
    """How many intra-op threads suit this experiment: 1 for the chapter's
    sizes, torch's default for big data sets and wide layers."""
    work = config.data.n_samples * max((2, *config.model.hidden))
    return 1 if work <= SMALL_WORK else torch.get_num_threads()


class TooBig(ValueError):
    """Settings within their limits whose run would not fit in this machine's memory."""


#: Copies of the parameters a run keeps: weights, gradients, two optimiser
#: moments, the best-dev copy and the ones the UI draws.
PARAM_COPIES = 8
#: Tensors of rows x width per layer during one forward and backward: the
#: cached input, the activation, its gradient and a temporary.
ACTIVATION_COPIES = 4
#: The share of the available memory a run may plan to use.
MEMORY_SHARE = 0.75


def available_memory() -> int:
    """Bytes the kernel says are available now (MemAvailable), else physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def memory_needed(config: Config, rows: int) -> int:
    """Bytes a run of ``config`` on ``rows`` samples needs, roughly: the data,
    the forward and backward over the largest batch, and the parameters' copies."""
    sizes = config.model.layer_sizes(head_for(config.data).out_features)
    params = sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))
    n_train, n_dev = config.data.counts(rows)
    batch = min(config.train.batch_size or n_train, n_train)
    evaluated = max(batch, n_dev, rows - n_train - n_dev)  # dev and test are evaluated whole
    floats = rows * 3 + ACTIVATION_COPIES * evaluated * sum(sizes) + PARAM_COPIES * params
    return 4 * floats


def check_fits(config: Config, rows: int) -> None:
    """TooBig, one line naming the settings, if the run would not fit in memory."""
    need, have = memory_needed(config, rows), available_memory()
    if need > MEMORY_SHARE * have:
        hidden = ",".join(map(str, config.model.hidden)) or "none"
        raise TooBig(f"{rows:,} samples with hidden layers {hidden} need about {need / 2**30:.1f} GiB, "
                     f"more than this machine can spare ({have / 2**30:.1f} GiB available); "
                     f"use fewer samples (--n-samples), narrower layers (--hidden) or --batch-size")


@dataclass
class Experiment:
    config: Config
    train_set: Dataset
    dev_set: Dataset
    test_set: Dataset
    model: MLP
    runner: Runner

    @property
    def head(self) -> Head:
        return head_for(self.config.data)

    def step(self):
        return self.runner.step(self.train_set, self.dev_set)

    def retune(self, train: TrainConfig) -> None:
        """Apply new training settings (learning rate, penalties, schedule, ...)
        to a run in progress: the weights and the history stay."""
        old = self.config.train
        runner = self.runner
        if (train.optimizer, train.momentum) != (old.optimizer, old.momentum):
            runner.optimizer = build_optimizer(train, self.model)
        runner.optimizer.init_lr = runner.optimizer.lr = train.lr
        runner.optimizer.l2, runner.optimizer.l1 = train.l2, train.l1
        runner.lr_at = schedule_for(train)
        runner.batch_size, runner.patience = train.batch_size, train.patience
        self.config = self.config.with_values(**{k: getattr(train, k) for k in train.__dataclass_fields__})

    def rewind(self, epoch: int, params: dict[str, Params],
               kept: Callable[[int], dict[str, Params] | None]) -> None:
        """Back to just after ``epoch`` (``Runner.rewind``), with a fresh optimiser
        of the current training settings: its state (momentum, Adam's moments)
        of that epoch is not kept, so it starts again from zero."""
        self.runner.rewind(epoch, params, kept)
        self.runner.optimizer = build_optimizer(self.config.train, self.model)


def build(config: Config, data: tuple[Dataset, Dataset, Dataset] | None = None,
          diagnostics: bool = False) -> Experiment:
    """A fresh experiment; pass ``data`` to reuse already built data sets.
    TooBig before anything large is allocated when it would not fit."""
    generated = data is None and config.data.dataset != "csv"
    if generated:
        check_fits(config, config.data.n_samples)  # before the data is even drawn
    train_set, dev_set, test_set = data or load_data(config)
    if not generated:  # a CSV's rows are known once it is read
        check_fits(config, sum(part[0].shape[0] for part in (train_set, dev_set, test_set)))
    config = with_classes(config, (train_set, dev_set, test_set))
    model, head = build_model(config), head_for(config.data)
    t = config.train
    runner = Runner(model, build_optimizer(t, model), head.score, head.loss(model),
                    scoring=head.scoring, batch_size=t.batch_size, lr_at=schedule_for(t),
                    patience=t.patience,
                    generator=torch.Generator().manual_seed(config.init_seed + 1),
                    diagnostics=diagnostics)
    return Experiment(config, train_set, dev_set, test_set, model, runner)
