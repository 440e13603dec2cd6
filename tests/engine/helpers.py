"""Shared bits of the lab's tests."""
from __future__ import annotations

from tui_mlp.config import Config
from tui_mlp.experiment import Experiment, build

#: A small, quick moons run for CLI tests.
SMALL = ("--n-samples", "200", "--train", "120", "--dev", "40", "--epochs", "20", "--log-epochs", "10")


def train(config: Config, diagnostics: bool = False) -> tuple[Experiment, list]:
    """Build and train for the configured epochs (or until early stopping)."""
    exp = build(config, diagnostics=diagnostics)
    records: list = []
    exp.runner.train(exp.train_set, exp.dev_set, config.train.epochs, log_epochs=0,
                     log=lambda line: None, on_epoch=records.append)
    return exp, records


def history_rows(exp: Experiment) -> list[tuple]:
    h = exp.runner.history
    return list(zip(h.epochs, *(h.columns[k] for k in h.columns)))
