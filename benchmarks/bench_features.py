"""What input features cost: epochs per second of the book's run on x1, x2
against the same run on all seven features, and the map's forward pass per
new set of weights (the features of the grid are computed once per layout).

    python benchmarks/bench_features.py [--rounds 7] [--epochs 1000]

The two sides run interleaved in rounds so a change in the machine's load hits
both, timed by the process's CPU time (steadier than the wall clock on a shared
machine, one intra-op thread); the script prints each side's median and the
ratio. A ratio measured in one run, never asserted as a timed test.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from tui_mlp.config import FEATURES, PLANE, Config  # noqa: E402
from tui_mlp.experiment import build  # noqa: E402
from tui_mlp.render.boundary import Bounds, Layout, Points, cell_runs  # noqa: E402


def epochs_per_second(config: Config, epochs: int) -> float:
    exp = build(config)
    start = time.process_time()
    for _ in range(epochs):
        exp.step()
    return epochs / (time.process_time() - start)


def map_seconds(config: Config, repeats: int = 50) -> float:
    """Seconds per map of 60 x 20 cells with every point, weights already copied."""
    exp = build(config)
    points = Points.of(exp.train_set, exp.dev_set, exp.test_set)
    layout = Layout.of(Bounds.of(points.X), 60, 20, points, config.model.features)
    params = exp.runner.parameters()
    start = time.process_time()
    for _ in range(repeats):
        cell_runs(params, config.model.activation, layout)
    return (time.process_time() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=1000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    sides = {"x1,x2": Config(), "all seven": Config().with_values(features=FEATURES)}
    assert sides["x1,x2"].model.features == PLANE
    speeds: dict[str, list[float]] = {name: [] for name in sides}
    for r in range(args.rounds):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for name in order:
            speeds[name].append(epochs_per_second(sides[name], args.epochs))
    medians = {name: statistics.median(v) for name, v in speeds.items()}
    for name, value in medians.items():
        print(f"{name:>10}: {value:,.0f} epochs per CPU second (median of {args.rounds})")
    print(f"ratio all seven / x1,x2: {medians['all seven'] / medians['x1,x2']:.2f}")
    for name, config in sides.items():
        print(f"{name:>10}: map 60x20 with 1000 points {map_seconds(config) * 1e3:.2f} ms CPU")


if __name__ == "__main__":
    main()
