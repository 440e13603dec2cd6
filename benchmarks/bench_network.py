"""The network tab's frame cost, printed, never asserted.

The real TrainerApp runs a 2-16-16-1 ReLU network in a child process attached
to a 120x40 pseudo-terminal (so Textual encodes and writes every frame as it
would to a terminal), with the network tab showing; this process drains the
output. The child trains, keeping one snapshot per 0.2 s (the pane's rate
while training is 4 a second), then shows each in turn: the one batched
forward pass over every thumbnail, the large map and the training points,
the rows laid out, both panes composited and written (``paint_now``).
Several children, because a process on a shared machine runs fast or slow
as a whole. Budget: median 15 ms per frame.

Run: python benchmarks/bench_network.py [--children 3] [--epochs 20000]
"""
from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import platform
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

SIZE = (120, 40)
HIDDEN = (16, 16)


def child(out: Path, epochs: int) -> None:
    """Runs inside the pseudo-terminal: frame times (ms) to ``out``."""
    from tui_mlp.app import TrainerApp
    from tui_mlp.app.adapter import paint_now
    from tui_mlp.config import Config
    from tui_mlp.session import SetPace, Toggle

    config = Config().with_values(hidden=HIDDEN, activation="relu", epochs=epochs)
    results: dict[str, list[dict[str, float]]] = {}

    class BenchApp(TrainerApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.set_timer(0.5, lambda: setattr(self, "_task", asyncio.ensure_future(self.scenario())))

        async def scenario(self) -> None:
            self._submit(SetPace(None))
            while self.trainer.busy or self.trainer.snapshot.data is None:
                await asyncio.sleep(0.01)
            self.action_network()
            await asyncio.sleep(0.5)  # the switch itself (layout, first paint) is not a frame
            self._submit(Toggle())
            snaps = []
            while self.trainer.busy:
                snaps.append(self.trainer.snapshot)
                await asyncio.sleep(0.2)
            if len(snaps) < 3:
                raise SystemExit(f"--epochs {epochs} trained in under 0.4 s: too few snapshots")
            for snap in snaps[-10:]:  # warm caches up
                self.frame(snap)
            results["frames"] = [self.frame(snap) for snap in snaps[1:]]
            results["changed"] = [self.frame(snap) for snap in [snaps[1], snaps[-1]] * 20]
            self.exit()

        def frame(self, snap) -> dict[str, float]:
            """Show ``snap`` on the network tab and write the frame; milliseconds."""
            pane = self.network_pane
            start, cpu = time.perf_counter(), time.thread_time()
            pane._snap, pane._drawn = snap, None  # as a new snapshot's, without the pane's pacing
            pane.draw()
            drawn = time.perf_counter()
            paint_now(self.screen, [pane.view, pane.unit])
            end = time.perf_counter()
            return {"total": (end - start) * 1000, "cpu": (time.thread_time() - cpu) * 1000,
                    "draw": (drawn - start) * 1000, "composite": (end - drawn) * 1000}

    BenchApp(config).run()
    out.write_text(json.dumps(results))


def run_child(epochs: int) -> dict:
    """One child in a pseudo-terminal of SIZE; its results."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        proc = subprocess.Popen([sys.executable, __file__, "--child", str(out), str(epochs)],
                                stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                env={**os.environ, "TERM": "xterm-256color"})
        os.close(slave)
        try:
            while proc.poll() is None:  # play the terminal: drain what it writes
                if select.select([master], [], [], 0.05)[0]:
                    try:
                        os.read(master, 1 << 16)
                    except OSError:
                        break
            proc.wait(timeout=600)
        finally:
            if proc.poll() is None:
                proc.kill()
            os.close(master)
        if not out.exists():
            raise SystemExit(f"the child failed (exit {proc.returncode})")
        return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=3, help="child processes")
    parser.add_argument("--epochs", type=int, default=20_000, help="epochs of the run whose snapshots are shown")
    args = parser.parse_args()

    import torch

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, "
          f"python {platform.python_version()}, torch {torch.__version__}; terminal {SIZE[0]}x{SIZE[1]}, "
          f"network 2-{'-'.join(map(str, HIDDEN))}-1 relu")
    runs = [run_child(args.epochs) for _ in range(args.children)]
    for kind, title in (("frames", "live frames (each a new snapshot, 0.2 s of training later)"),
                        ("changed", "every thumbnail changed (first and last snapshot in turn)")):
        frames = [f for r in runs for f in r[kind]]
        per_child = ", ".join(f"{statistics.median(f['total'] for f in r[kind]):.1f}" for r in runs)

        def median(key: str, frames: list[dict[str, float]] = frames) -> float:
            return statistics.median(f[key] for f in frames)
        print(f"network tab frame, {title}: median {median('total'):.1f} ms over {len(frames)} frames "
              f"(per child {per_child}; CPU {median('cpu'):.1f} ms: forward pass and rows "
              f"{median('draw'):.1f}, compositing and output {median('composite'):.1f})")
    print("  (budget: median 15 ms per frame)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
