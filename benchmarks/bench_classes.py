"""What K classes cost: epochs per second of the book's 2-5-1 run on a
two-arm spiral (Logistic + binary cross-entropy) against the same network
with K softmax outputs on a K-arm spiral (softmax cross-entropy), and the
map's drawing per new set of weights for each.

    python benchmarks/bench_classes.py [--rounds 7] [--epochs 1000] [--classes 3]

The sides run interleaved in rounds so a change in the machine's load hits
all of them, timed by the process's CPU time (one intra-op thread); the
script prints each side's median and the ratios. Ratios measured in one run,
never asserted as a timed test.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from benchmarks.bench_features import epochs_per_second, map_seconds  # noqa: E402
from tui_mlp.config import Config  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--classes", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    two = Config().with_values(dataset="spiral")
    sides = {"2 classes": two, f"{args.classes} classes": two.with_values(classes=args.classes),
             "8 classes": two.with_values(classes=8)}
    speeds: dict[str, list[float]] = {name: [] for name in sides}
    maps: dict[str, list[float]] = {name: [] for name in sides}
    for r in range(args.rounds):
        for name in list(sides) if r % 2 == 0 else list(reversed(sides)):
            speeds[name].append(epochs_per_second(sides[name], args.epochs))
            maps[name].append(map_seconds(sides[name]))
    base = statistics.median(speeds["2 classes"])
    base_map = statistics.median(maps["2 classes"])
    for name in sides:
        speed, drawn = statistics.median(speeds[name]), statistics.median(maps[name])
        print(f"{name:>10}: {speed:,.0f} epochs per CPU second ({speed / base:.2f} of two classes); "
              f"map 60x20 with 1000 points {drawn * 1e3:.2f} ms CPU ({drawn / base_map:.2f}x)"
              f" (medians of {args.rounds})")


if __name__ == "__main__":
    main()
