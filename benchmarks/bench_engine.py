"""Epochs per second: the hand-written engine against torch.nn + autograd.

    python benchmarks/bench_engine.py [--rounds 11] [--threads N] [--quick] [--case book|large]

Both sides train the same network (2-h-1, logistic hidden and output units) on
the same data from the same initial weights with the same learning rate,
full-batch, and both do what the Runner does every epoch: one training step,
then a dev evaluation, with train/dev loss and accuracy turned into Python
floats and appended to lists, and a copy of the parameters kept whenever the
dev accuracy strictly improves.

- hand-written: ``tui_mlp.experiment.build(config)`` then ``Experiment.step()``
  (the exact code path of the CLI and the app);
- torch.nn: ``nn.Sequential(Linear, Sigmoid, Linear, Sigmoid)``, ``nn.BCELoss``,
  ``torch.optim.SGD``, ``loss.backward()``; evaluation under ``torch.no_grad()``.

The two sides run interleaved in rounds (A B, then B A, ...) so a change in the
machine's load hits both; the script reports each side's median epochs/second
and the ratio of the medians. Before timing it checks that both sides compute
the same losses, so the comparison is between two implementations of one
computation. A ratio, measured in one run; never asserted as a timed test.

The large case's ratio depends on the CPU's BLAS as well as on either side's
code. torch.nn keeps a weight as [out, in], so autograd forms the first layer's
dL/dW as G^T X ([64 x N] times [N x 2]); the engine keeps [in, out] and forms
X^T G, the same product transposed. MKL on AMD CPUs runs the first 5 to 15
times slower than the second (measured on an AMD EPYC: about 10 ms against
1 ms), which costs torch.nn that much of each epoch there; with MKL's code for
Intel CPUs the first takes about 2 ms. Each case prints both products' times,
so a ratio can be read for the machine it was measured on.

On a loaded machine, torch's default of one intra-op thread per core makes
every kernel wait for a descheduled worker (a tiny matmul then takes a whole
scheduler slice); ``--threads 1`` and the ratio by CPU time are steadier there.
"""
from __future__ import annotations

import argparse
import copy
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from tui_mlp.config import Config  # noqa: E402
from tui_mlp.experiment import build, load_data  # noqa: E402

TARGETS = {"book": 1.3, "large": 1.0}  # hand-written / torch.nn, at least


@dataclass(frozen=True)
class Case:
    name: str
    config: Config
    epochs_per_round: int


def cases(quick: bool) -> list[Case]:
    book = Config().with_values(noise=0.5)  # the book: 1000 samples, 640/160/200, 2-5-1, lr 0.2
    large = Config().with_values(noise=0.5, n_samples=100_000, train=64_000, dev=16_000, hidden=(64,))
    return [Case("book", book, 100 if quick else 500),
            Case("large", large, 3 if quick else 20)]


class Side(Protocol):
    """One implementation being timed: ``run`` trains that many epochs and
    returns their training losses."""

    label: str

    def run(self, epochs: int) -> list[float]: ...


# ------------------------------------------------------------------ hand-written
class HandWritten:
    label = "hand-written"

    def __init__(self, config: Config, data) -> None:
        self.exp = build(config, data=data)

    def run(self, epochs: int) -> list[float]:
        step = self.exp.step
        return [step().train_loss for _ in range(epochs)]


# ------------------------------------------------------------------ torch.nn
class TorchNN:
    """The same network and loop written the usual torch way."""

    label = "torch.nn"

    def __init__(self, config: Config, data, initial) -> None:
        (self.X, self.y), (self.Xd, self.yd), _ = data
        sizes = config.model.layer_sizes()
        layers: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            linear = nn.Linear(fan_in, fan_out)
            with torch.no_grad():  # the engine's W is [in, out], torch's weight [out, in]
                linear.weight.copy_(initial[i]["W"].T)
                linear.bias.copy_(initial[i]["b"].reshape(-1))
            layers += [linear, nn.Sigmoid()]
        self.model = nn.Sequential(*layers)
        self.loss_fn = nn.BCELoss()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=config.train.lr)
        self.train_loss: list[float] = []
        self.train_scores: list[float] = []
        self.dev_loss: list[float] = []
        self.dev_scores: list[float] = []
        self.best_score = 0.0
        self.best_state: dict | None = None

    @staticmethod
    def accuracy(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return ((p >= 0.5) == (y >= 0.5)).float().mean()

    def run(self, epochs: int) -> list[float]:
        model, loss_fn, optimizer = self.model, self.loss_fn, self.optimizer
        out = []
        for _ in range(epochs):
            model.train()
            optimizer.zero_grad()
            p = model(self.X)
            loss = loss_fn(p, self.y)
            loss.backward()
            optimizer.step()
            train_loss = loss.item()
            self.train_loss.append(train_loss)
            self.train_scores.append(self.accuracy(p.detach(), self.y).item())
            model.eval()
            with torch.no_grad():
                pd = model(self.Xd)
                dev_loss = loss_fn(pd, self.yd).item()
                dev_score = self.accuracy(pd, self.yd).item()
            self.dev_loss.append(dev_loss)
            self.dev_scores.append(dev_score)
            if dev_score > self.best_score:
                self.best_score = dev_score
                self.best_state = copy.deepcopy(model.state_dict())
            out.append(train_loss)
        return out


# ------------------------------------------------------------------ measuring
def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"CPU: {cpu}; cores: {os.cpu_count()} ({usable} usable); load average: {load}\n"
            f"Python {platform.python_version()}, torch {torch.__version__}, "
            f"intra-op threads: {torch.get_num_threads()}, "
            f"inter-op threads: {torch.get_num_interop_threads()}")


def check_same_computation(config: Config, data, epochs: int = 20) -> float:
    """Both sides from the same weights: the per-epoch training losses agree."""
    hand = HandWritten(config, data)
    initial = [{k: v.clone() for k, v in layer.params.items()} for layer in hand.exp.model.linears]
    ref = TorchNN(config, data, initial)
    a, b = hand.run(epochs), ref.run(epochs)
    worst = max(abs(x - y) / max(abs(y), 1e-12) for x, y in zip(a, b))
    if worst > 1e-4:
        raise SystemExit(f"the two sides disagree: relative loss difference {worst:.2e}")
    return worst


def measure(case: Case, rounds: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Epochs per second of each side per round: by the wall clock, and by the
    process's CPU time (which a busy neighbour process does not inflate; with
    several intra-op threads it counts every thread, spinning included)."""
    data = load_data(case.config)
    worst = check_same_computation(case.config, data)
    hand = HandWritten(case.config, data)
    initial = [{k: v.clone() for k, v in layer.params.items()} for layer in hand.exp.model.linears]
    sides: list[Side] = [hand, TorchNN(case.config, data, initial)]
    n = case.epochs_per_round
    for side in sides:  # warm up: allocator, first-call dispatch, caches
        side.run(max(1, n // 10))
    rates: dict[str, list[float]] = {side.label: [] for side in sides}
    cpu_rates: dict[str, list[float]] = {side.label: [] for side in sides}
    for r in range(rounds):
        for side in (sides if r % 2 == 0 else sides[::-1]):
            start, start_cpu = time.perf_counter(), time.process_time()
            side.run(n)
            rates[side.label].append(n / (time.perf_counter() - start))
            cpu_rates[side.label].append(n / max(time.process_time() - start_cpu, 1e-9))
    (X, _), (Xd, _), _ = data
    print(f"\n{case.name}: {X.shape[0]} train / {Xd.shape[0]} dev samples, "
          f"hidden {list(case.config.model.hidden)}, lr {case.config.train.lr:g}; "
          f"{rounds} rounds x {n} epochs per side (losses agree to {worst:.1e} relative)")
    for label, values in rates.items():
        print(f"  {label:13s} median {statistics.median(values):10.1f} epochs/s   "
              f"(min {min(values):.1f}, max {max(values):.1f}; "
              f"per CPU second {statistics.median(cpu_rates[label]):.1f})")
    return rates, cpu_rates


def weight_gradient_layouts(case: Case, data, reps: int = 7) -> tuple[float, float]:
    """Milliseconds (best of ``reps``) of the first layer's dL/dW in each side's
    layout, for this case's training set: torch.nn's G^T X and the engine's X^T G."""
    (X, _), _, _ = data
    G = torch.randn(X.shape[0], case.config.model.hidden[0], generator=torch.Generator().manual_seed(0))

    def best(product) -> float:
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            product()
            times.append(time.perf_counter() - start)
        return min(times) * 1e3

    with torch.inference_mode():
        return best(lambda: G.T @ X), best(lambda: X.T @ G)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=11, help="interleaved rounds per case (default 11)")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch intra-op threads (default: torch's own choice)")
    parser.add_argument("--quick", action="store_true", help="fewer epochs per round (a smoke run)")
    parser.add_argument("--case", choices=["book", "large"], action="append",
                        help="run only this case (repeatable)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    print(machine())
    summary = []
    for case in cases(args.quick):
        if args.case and case.name not in args.case:
            continue
        rates, cpu_rates = measure(case, args.rounds)
        ratio = statistics.median(rates[HandWritten.label]) / statistics.median(rates[TorchNN.label])
        cpu_ratio = (statistics.median(cpu_rates[HandWritten.label])
                     / statistics.median(cpu_rates[TorchNN.label]))
        target = TARGETS[case.name]
        summary.append((case.name, ratio, target))
        print(f"  ratio hand-written / torch.nn: {ratio:.2f}x "
              f"(target >= {target:g}x: {'met' if ratio >= target else 'MISSED'}; "
              f"by CPU time {cpu_ratio:.2f}x)")
        torch_layout, engine_layout = weight_gradient_layouts(case, load_data(case.config))
        print(f"  first layer's dL/dW on this BLAS: torch.nn's G^T X {torch_layout:.3f} ms, "
              f"the engine's X^T G {engine_layout:.3f} ms")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"\nload average at the end: {load}")
    print("summary: " + "; ".join(f"{name} {ratio:.2f}x (target {target:g}x)"
                                  for name, ratio, target in summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
