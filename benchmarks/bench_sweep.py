"""Wall time of one sweep in this process (``--jobs 1``) against worker
processes (``--jobs N``), and the speed of reading a large CSV.

    python benchmarks/bench_sweep.py [--jobs N] [--runs 8] [--epochs 2000] [--csv-rows 200000]

The sweep is the book's network on Moon1000 over ``--runs`` seeds; both sides
run the same runs (``sweep.plan``, ``sweep.sweep``) and must give the same
test accuracies. The ratio includes the workers' start (a spawned interpreter
imports torch), so it grows with the length of the runs. A ratio, measured in
one run; never asserted as a timed test.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui_mlp.config import Config  # noqa: E402
from tui_mlp.data import load_csv  # noqa: E402
from tui_mlp.sweep import plan, sweep  # noqa: E402


def timed_sweep(runs: int, epochs: int, jobs: int) -> tuple[float, list[float]]:
    settings = plan(Config().with_values(epochs=epochs), {}, list(range(runs)))
    start = time.perf_counter()
    result = sweep(settings, jobs)
    seconds = time.perf_counter() - start
    return seconds, sorted(r.test_accuracy for s in result.settings for r in s.finished)


def csv_rows_per_second(rows: int) -> float:
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "points.csv"
        lines = ["x1,x2,label"] + [f"{rng.uniform(-3, 3)!r},{rng.uniform(-3, 3)!r},{i % 2}"
                                   for i in range(rows)]
        path.write_text("\n".join(lines) + "\n")
        start = time.perf_counter()
        load_csv(path)
        return rows / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--csv-rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    serial, a = timed_sweep(args.runs, args.epochs, 1)
    parallel, b = timed_sweep(args.runs, args.epochs, args.jobs)
    if a != b:
        print("the two sweeps disagree: not the same computation", file=sys.stderr)
        return 1
    print(f"sweep of {args.runs} runs x {args.epochs} epochs: --jobs 1 {serial:.2f} s, "
          f"--jobs {args.jobs} {parallel:.2f} s, ratio {serial / parallel:.2f}")
    print(f"CSV of {args.csv_rows:,} rows: {csv_rows_per_second(args.csv_rows):,.0f} rows/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
