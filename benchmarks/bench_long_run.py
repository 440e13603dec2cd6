"""Memory of a very long headless run.

Trains the book's config for EPOCHS epochs (default 1,000,000; pass a number
to change it) with the Runner exactly as `tui-mlp train` does, and prints the
resident set size after warm-up and at the end, with the history length.
Run: python benchmarks/bench_long_run.py [EPOCHS]
"""
from __future__ import annotations

import platform
import resource
import sys
import time

import torch

from tui_mlp.config import Config
from tui_mlp.experiment import build


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def main() -> None:
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    exp = build(Config())
    for _ in range(10_000):
        exp.step()
    start_rss, start = rss_mb(), time.perf_counter()
    for _ in range(epochs - 10_000):
        exp.step()
    seconds = time.perf_counter() - start
    print(f"machine: {platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    print(f"{epochs:,} epochs in {seconds:.0f} s ({(epochs - 10_000) / seconds:,.0f} epochs/s)")
    print(f"RSS after 10,000 epochs: {start_rss:.1f} MB; after {epochs:,}: {rss_mb():.1f} MB "
          f"(growth {rss_mb() - start_rss:+.1f} MB)")
    print(f"history rows kept: {len(exp.runner.history)} (stride {exp.runner.history.stride})")


if __name__ == "__main__":
    main()
