"""Shared bits of the lab's tests."""
from __future__ import annotations

from tui_mlp.config import Config
from tui_mlp.experiment import Experiment, build

#: A small, quick moons run for CLI tests.
SMALL = ("--n-samples", "200", "--train", "120", "--dev", "40", "--epochs", "20", "--log-epochs", "10")


def train(config: Config, diagnostics: bool = False) -> tuple[Experiment, list]:
    """Build and train for the configured epochs (or until early stopping)."""
    exp = build(config, diagnostics=diagnostics)
    records = []
    for _ in range(config.train.epochs):
        records.append(exp.step())
        if records[-1].stop:
            break
    return exp, records


def history_rows(exp: Experiment) -> list[tuple]:
    h = exp.runner.history
    return list(zip(h.epochs, *(h.columns[k] for k in h.columns)))
