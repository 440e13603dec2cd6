"""What the parameter timeline costs the training thread.

Trains the book's config (and a wide one) headless, EPOCHS epochs each
(default 3000), once with the Runner alone and
once also recording every epoch into a Timeline as the session does, and
prints the ratio of the two times, the epochs kept and the bytes they hold.
Run: python benchmarks/bench_timeline.py [--epochs 3000]
"""
from __future__ import annotations

import argparse
import time

import torch

from tui_mlp.config import Config
from tui_mlp.experiment import build
from tui_mlp.session.timeline import Timeline


def seconds(config: Config, epochs: int, keep: bool) -> tuple[float, Timeline]:
    exp = build(config)
    live = {layer.name: layer.params for layer in exp.model.linears}
    timeline = Timeline(live, exp.runner.history.capacity)
    start = time.perf_counter()
    for epoch in range(epochs):
        exp.step()
        if keep:
            timeline.record(epoch, live)
    return time.perf_counter() - start, timeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3000, help="epochs of each run")
    epochs = parser.parse_args().epochs
    torch.set_num_threads(1)
    for name, config in (("book 2-5-1", Config()), ("wide 2-256-256-1", Config().with_values(hidden=(256, 256)))):
        alone, _ = seconds(config, epochs, keep=False)
        kept, timeline = seconds(config, epochs, keep=True)
        print(f"{name}: {epochs:,} epochs {alone:.2f} s alone, {kept:.2f} s with the timeline "
              f"(x{kept / alone:.3f}); {len(timeline.epochs)} epochs kept (capacity {timeline.capacity}), "
              f"{timeline.nbytes / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
