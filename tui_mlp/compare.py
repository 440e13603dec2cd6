"""Two configurations trained on the same data with the same seeds, side by
side: by default chapter 3's logistic regression (no hidden layer) against the
chapter 4 MLP, the seed's closing question; with the ``pair`` setting ``l2``,
the same run without an L2 penalty against with it. Engine code: the CLI prints the
table; the app overlays the curves of the ``experiments``' runners and draws
both boundaries from their models.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from tui_mlp.config import PAIR_L2, PLANE, Config, ConfigError
from tui_mlp.experiment import Experiment, build, load_data
from tui_mlp.nn import Scoring, head_for
from tui_mlp.runner import EpochRecord, float32_digits

#: The hidden layer the MLP side gets when the shared settings have none.
BOOK_HIDDEN = (5,)


def describe(config: Config) -> str:
    """A short name for a configuration: "logistic regression" (with K classes
    "softmax regression", for a regression "linear regression") or "MLP 2-5-1
    logistic", followed by the input features unless they are x1, x2 and by the
    L2 rate if there is one."""
    features = config.model.features
    suffix = ("" if features == PLANE else f" on {','.join(features)}") + \
        (f" L2 {config.train.l2:g}" if config.train.l2 else "")
    outputs = head_for(config.data).out_features
    if not config.model.hidden:
        return head_for(config.data).shallow_name + suffix
    sizes = "-".join(map(str, config.model.layer_sizes(outputs)))
    return f"MLP {sizes} {config.model.activation}{suffix}"


def default_pair(config: Config) -> tuple[Config, Config]:
    """The pair the ``pair`` setting names, from one set of settings: the same
    data, seeds and training. ``hidden``: A has no hidden layer, B the
    configured one (the book's 5 units if the settings have none). ``l2``: A
    has no L2 penalty, B the configured one (``PAIR_L2`` if none)."""
    if config.train.pair == "l2":
        return config.with_values(l2=0.0), config if config.train.l2 else config.with_values(l2=PAIR_L2)
    lr_side = config.with_values(hidden=())
    mlp_side = config if config.model.hidden else config.with_values(hidden=BOOK_HIDDEN)
    return lr_side, mlp_side


@dataclass
class RunResult:
    """One side's result; ``test_accuracy`` and ``best_dev_accuracy`` hold the
    task's score (accuracy, or a regression's R²)."""

    label: str
    config: Config
    test_accuracy: float
    test_loss: float
    best_dev_accuracy: float
    best_epoch: int
    epochs: int
    seconds: float
    error: str | None = None

    @property
    def scoring(self) -> Scoring:
        return head_for(self.config.data).scoring

    def to_dict(self) -> dict:
        scores = self.scoring.record("test", self.test_loss, self.test_accuracy)
        return {"label": self.label, "config": self.config.to_dict(),
                **{k: float32_digits(v) for k, v in scores.items()},
                "test_loss": float32_digits(self.test_loss),
                f"best_dev_{self.scoring.key}": float32_digits(self.best_dev_accuracy),
                "best_epoch": self.best_epoch,
                "epochs": self.epochs, "seconds": round(self.seconds, 4),
                **({"error": self.error} if self.error else {})}


@dataclass
class Comparison:
    runs: tuple[RunResult, RunResult]
    experiments: tuple[Experiment, Experiment] = field(repr=False, default=None)  # type: ignore[assignment]

    def to_dict(self) -> dict:
        a, b = self.runs
        return {"a": a.to_dict(), "b": b.to_dict(),
                "seeds": {"data": a.config.data.seed, "init": [a.config.init_seed, b.config.init_seed]}}

    def table_lines(self) -> list[str]:
        scoring = self.runs[0].scoring
        rows = [("", *(f"test {label}" for label, _ in scoring.figures(0.0, 0.0)), "test loss",
                 "best dev", "epochs")]
        for tag, run in zip("AB", self.runs):
            rows.append((f"{tag} {run.label}",
                         *(f"{value:.4f}" for _, value in scoring.figures(run.test_loss, run.test_accuracy)),
                         f"{run.test_loss:.4f}", f"{run.best_dev_accuracy:.4f}", str(run.epochs)))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join([r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:]))])
                 for r in rows]
        for tag, run in zip("AB", self.runs):
            if run.error:
                lines.append(f"{tag}: {run.error}")
        return lines


def train_to_end(exp: Experiment, label: str,
                 on_record: Callable[[EpochRecord], None] | None = None,
                 should_stop: Callable[[], bool] | None = None) -> RunResult:
    """Train for the configured epochs through the one training loop (or
    until early stopping, or ``should_stop``), then score the best-dev model
    on the test set."""
    runner = exp.runner
    outcome = runner.train(exp.train_set, exp.dev_set, exp.config.train.epochs, log_epochs=0,
                           log=lambda line: None, on_epoch=on_record, should_stop=should_stop)
    runner.restore_best()
    test_score, test_loss = runner.evaluate(exp.test_set)
    return RunResult(label, exp.config, test_score, test_loss, runner.best_score,
                     runner.best_epoch, runner.epoch, outcome.seconds, outcome.error)


def compare(a: Config, b: Config, labels: tuple[str, str] | None = None,
            on_record: Callable[[str, EpochRecord], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> Comparison:
    """Train ``a`` then ``b`` on one data set (built once from the shared data
    settings, which must be equal) and return both results; ``on_record``
    sees each side's epochs, tagged "A" or "B"."""
    if a.data != b.data:
        differing = [k for k in a.data.__dataclass_fields__ if getattr(a.data, k) != getattr(b.data, k)]
        raise ConfigError(differing[0], getattr(b.data, differing[0]),
                          "both sides of a comparison train on the same data; "
                          "data settings cannot differ")
    data = load_data(a)
    exps = (build(a, data=data), build(b, data=data))
    labels = labels or (describe(exps[0].config), describe(exps[1].config))  # a CSV's classes known
    runs = []
    for tag, label, exp in zip("AB", labels, exps):
        callback = (lambda r, tag=tag: on_record(tag, r)) if on_record else None
        runs.append(train_to_end(exp, label, callback, should_stop))
    return Comparison((runs[0], runs[1]), exps)
