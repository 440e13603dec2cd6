"""Results: confusion matrices on dev and test, the history as CSV and the
run as JSON (the CLI's files: tests/cli/test_results.py)."""
from __future__ import annotations

import csv
import json

import pytest
import torch

from tui_mlp.config import Config
from tui_mlp.experiment import build
from tui_mlp.history import History
from tui_mlp.results import Confusion, confusion, confusion_matrix, evaluate_best, history_csv, run_json, seeds_of
from tui_mlp.runner import float32_digits

from .helpers import train


def test_confusion_counts_by_hand():
    probs = torch.tensor([[0.9], [0.2], [0.5], [0.49], [0.7]])
    labels = torch.tensor([[1.0], [0.0], [0.0], [1.0], [0.0]])
    c = confusion(probs, labels)
    assert c == Confusion.binary(tn=1, fp=2, fn=1, tp=1)
    assert c.rows == [[1, 2], [1, 1]] and c.total == 5 and c.accuracy == pytest.approx(0.4)


def test_confusion_matrix_agrees_with_the_runner_accuracy():
    exp, _ = train(Config().with_values(n_samples=300, train=180, dev=60, epochs=30))
    for data_set in (exp.dev_set, exp.test_set):
        c = confusion_matrix(exp.model, data_set)
        score, _ = exp.runner.evaluate(data_set)
        assert c.total == data_set[0].shape[0]
        assert c.accuracy == pytest.approx(score)
        assert sum(c.rows[1]) == int(data_set[1].sum())


def test_confusion_lines_are_a_small_table():
    lines = Confusion.binary(71, 9, 8, 72).lines("dev")
    assert lines == ["[Confusion] dev  pred 0  pred 1",
                     "         true 0      71       9",
                     "         true 1       8      72"]


def test_history_csv_has_the_book_columns_and_every_epoch():
    exp, records = train(Config().with_values(n_samples=200, train=120, dev=40, epochs=12))
    rows = list(csv.reader(history_csv(exp.runner.history).splitlines()))
    assert rows[0] == ["epoch", "train_loss", "train_score", "dev_loss", "dev_score"]
    assert len(rows) == 13
    for row, record in zip(rows[1:], records):
        assert int(row[0]) == record.epoch
        assert [float(v) for v in row[1:]] == [float32_digits(v) for v in (  # the same float32s
            record.train_loss, record.train_score, record.dev_loss, record.dev_score)]


def test_history_csv_of_a_decimated_history_names_the_kept_epochs():
    h = History(capacity=4)
    for epoch in range(9):
        h.append(epoch, 1.0, 0.5, 1.0, 0.5)
    epochs = [int(line.split(",")[0]) for line in history_csv(h).splitlines()[1:]]
    assert epochs == h.epochs and epochs[0] == 0 and epochs[1] > 1


def test_run_json_replaces_non_finite_numbers():
    text = run_json({"a": float("nan"), "b": [1.0, float("inf")]})
    assert json.loads(text) == {"a": None, "b": [1.0, None]}


def test_seeds_of():
    assert seeds_of(Config().with_values(seed=3)) == {"data": 3, "init": 3, "batches": 4}
    assert seeds_of(Config().with_values(seed=3, init_seed=9)) == {"data": 3, "init": 9, "batches": 10}


def test_the_test_names_the_best_dev_model_and_the_latest_weights_apart():
    config = Config().with_values(n_samples=300, train=180, dev=60, epochs=30)
    exp = build(config)
    initial = exp.runner.parameters()
    exp.runner.train(exp.train_set, exp.dev_set, 30, log=lambda line: None)
    latest_score, _ = exp.runner.evaluate(exp.test_set)
    exp.runner.best_params, exp.runner.best_epoch = initial, 0  # as if epoch 0 had the best dev score
    result = evaluate_best(exp)
    exp.runner.set_parameters(initial)
    assert result.score == exp.runner.evaluate(exp.test_set)[0] and result.latest == latest_score
    assert result.note() == f"test: best-dev {result.score:.4f}, latest {latest_score:.4f}"
    exp.runner.train(exp.train_set, exp.dev_set, 31, log=lambda line: None)  # now the best is the latest or earlier
    again = evaluate_best(exp)
    assert (again.latest is None) == (exp.runner.best_epoch == exp.runner.epoch - 1)
