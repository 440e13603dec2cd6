"""The app's performance budgets, printed, never asserted.

Every measurement runs the real TrainerApp in a child process attached to a
pseudo-terminal of the given size (so Textual encodes and writes every frame
as it would to a terminal); this process plays the terminal: it drains the
output, types keys and watches the screen.

1. UI overhead: the book's config for 2000 epochs in the app with every pane
   updating, against the same training headless in the same child process
   just before and just after (their mean); several rounds, the median ratio
   (budget: at most 1.3).
2. Frame cost: a full refresh of map, curves, log and status at 120x40,
   including Textual's compositing and terminal encoding (budget: median at
   most 15 ms). Each frame shows new data, as in a live run: the snapshots
   the app published 0.2 s apart (its map rate) while training, in order,
   each with a new log line. Panes repaint only rows that changed, so two
   more figures bound it: every row of every pane changed (the first and
   the last snapshot in turn), and the whole screen repainted.
3. Responsiveness: while training runs flat out, ``c`` (loss/accuracy) is
   pressed and the time until the new pane title reaches the terminal is
   taken (budget: 95th percentile at most 100 ms).
4. Memory: 200,000 epochs in the app; resident memory after the first
   10,000 and at the end (budget: growth under 50 MB).
5. Startup: ``tui-mlp`` launched as a person launches it, in a fresh
   process whose Python keeps its bytecode cache (a first launch, not
   counted, writes it); seconds from launch to the first full frame (the
   settings form, the panes' frames and the footer drawn; budget 0.5 s) and
   until keys act (``?`` pressed as soon as the frame shows, until the help
   shows; budget 1.2 s); medians over several launches. ``s`` pressed the
   same way, until the status says running, waits for torch: beside it,
   ``import torch`` alone in a fresh process, launched in turn with the app;
   what is left of the figure without it is the app's own start.
6. The wire: bytes per second written to the terminal while a long run
   trains at the default pace, at 120x40 (budget 20 KB/s) and at 80x24
   (budget 10 KB/s), the median of one-second windows after the first
   seconds; and while idle, before and after the run (budget 0).

Run: python benchmarks/bench_app.py [--rounds 15] [--frame-runs 3] [--presses 60] [--memory-epochs 200000]
     [--launches 5] [--wire-seconds 30]
(0 skips a part; BENCH_TAB=lab-tab measures with the Lab tab showing; BENCH_TAB=network-tab
with the network tab showing, on bench_network's 2-16-16-1 ReLU network)
"""
from __future__ import annotations

import argparse
import asyncio
import fcntl
import gc
import json
import os
import platform
import resource
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from benchmarks.bench_network import HIDDEN as NETWORK_HIDDEN  # noqa: E402
from tui_mlp.config import TIMELINE_BYTES  # noqa: E402

SIZE = (120, 40)
#: A person's environment: Python writes and reads its bytecode cache.
USER_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
#: BENCH_TAB=lab-tab: everything measured with the Lab tab showing (diagnostics on).
LAB = os.environ.get("BENCH_TAB") == "lab-tab"
#: With the network tab showing, the key pressed for the latency figure moves
#: the selected unit (its box's title names it) instead of switching the curves.
NETWORK = os.environ.get("BENCH_TAB") == "network-tab"
#: The network tab's budgets are for bench_network's 2-16-16-1 ReLU network; the others for the book's.
HIDDEN, ACTIVATION = (NETWORK_HIDDEN, "relu") if NETWORK else ((5,), "logistic")
NAME = "2-{}-1 {}".format("-".join(map(str, HIDDEN)), ACTIVATION)


# ---------------------------------------------------------------- the child
def thread_cpu() -> dict[str, float]:
    """CPU seconds so far of each live thread of this process, by thread name."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        name = names.get(int(tid), "other")
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return out


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def child(mode: str, out: Path, epochs: int) -> None:
    """Runs inside the pseudo-terminal: one measurement, results to ``out``."""
    import torch

    from tui_mlp.app import TrainerApp
    from tui_mlp.app.adapter import paint_now
    from tui_mlp.config import Config
    from tui_mlp.experiment import build
    from tui_mlp.session import SetPace, Toggle

    results: dict[str, object] = {}
    config = Config().with_values(epochs=epochs, hidden=HIDDEN, activation=ACTIVATION)

    def headless() -> tuple[float, float]:
        """Seconds and CPU seconds of the same training without the app."""
        gc.collect()
        exp = build(config)
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(epochs):
            exp.step()
        return time.perf_counter() - start, time.process_time() - cpu

    if mode == "overhead":
        torch.set_num_threads(1)  # as the app runs it, so both sides train alike
        warm = build(config)
        for _ in range(300):  # warm up the headless runs too
            warm.step()
        results["headless"] = [headless()]

    class BenchApp(TrainerApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.set_timer(0.5, self.start_scenario)

        def start_scenario(self) -> None:
            # a task of its own: a timer callback that returned it would be awaited,
            # holding up the app's message loop (and every key press) until it ends
            self._scenario = asyncio.ensure_future(self.scenario())
            self._scenario.add_done_callback(self.scenario_done)

        def scenario_done(self, task: asyncio.Future) -> None:
            """A scenario that failed ends the child, saying why (else its parent waits an hour)."""
            if not task.cancelled() and task.exception() is not None:
                out.write_text(json.dumps({"failed": repr(task.exception())}))
                self.exit(return_code=1)

        async def until_idle(self) -> None:
            while self.trainer.busy or self.trainer.snapshot.data is None:
                await asyncio.sleep(0.01)

        async def scenario(self) -> None:
            while not self.ready:  # torch and the session
                await asyncio.sleep(0.01)
            self._submit(SetPace(None))  # as fast as it goes: the budgets compare with headless
            await self.until_idle()
            if os.environ.get("BENCH_TAB"):  # e.g. lab-tab: the diagnostics drawn while training
                self.tabs.active = os.environ["BENCH_TAB"]
                if NETWORK:  # as its key (w) leaves it: arrows select units, once the tab is composed
                    while not self.query("#net-view"):
                        await asyncio.sleep(0.01)
                    self.query_one("#net-view").focus()
                await asyncio.sleep(0.5)  # the switch itself (layout, first paint) is not training
            if mode == "frames":
                self._submit(Toggle())
                snaps = []  # what the map would show: one snapshot per 0.2 s of training
                while self.trainer.busy:
                    snaps.append(self.trainer.snapshot)
                    await asyncio.sleep(0.2)
                self.poll()
                await asyncio.sleep(0.3)
                if len(snaps) < 3:
                    raise SystemExit(f"--frame-epochs {epochs} trained in under 0.4 s: too few snapshots")
                first, last = snaps[1], self.trainer.snapshot
                for snap in snaps[-10:]:  # warm caches up
                    self.full_frame(snap, False)
                live = [self.full_frame(snap, False) for snap in snaps[1:]]
                changed = [self.full_frame(snap, False) for snap in [first, last] * 20]
                screen = [self.full_frame(snap, True) for snap in snaps[1:41]]
                results.update(frame_ms=live, changed_ms=changed, screen_ms=screen)
                self.exit()
                return
            gc.collect()
            rss: list[tuple[int, float]] = []
            cpu, ui_cpu, threads = time.process_time(), time.thread_time(), thread_cpu()
            self._submit(Toggle())
            if mode == "memory":
                while self.trainer.busy:
                    rss.append((self.trainer.snapshot.epoch, rss_mb()))
                    await asyncio.sleep(0.5)
                rss.append((self.trainer.snapshot.epoch, rss_mb()))
                results["rss"] = rss
                results["history_rows"] = len(self.trainer.snapshot.curves.epochs)
                results["log_lines"] = len(self.train_pane.train_log.lines)
                timeline = self.trainer._timeline  # noqa: SLF001 - what the session keeps, measured
                assert timeline is not None
                results["timeline"] = [len(timeline.epochs), timeline.nbytes]
            else:
                await self.until_idle()
                results["app_s"] = epochs / self.trainer.snapshot.speed
                results["app_cpu_s"] = time.process_time() - cpu
                results["ui_cpu_s"] = time.thread_time() - ui_cpu
                results["threads"] = {name: round(s - threads.get(name, 0.0), 2)
                                      for name, s in thread_cpu().items() if s - threads.get(name, 0.0) > 0}
            if mode != "latency":
                self.exit()

        def full_frame(self, snap, whole_screen: bool) -> dict[str, float]:
            """Show ``snap`` in all four panes (map and curves recomputed, a new
            log line, the status), composite and write to the terminal
            (``whole_screen``: repaint the settings and tabs too).
            Milliseconds: the parts, the total, and the CPU time of it."""
            start, cpu = time.perf_counter(), time.thread_time()
            if LAB:  # the Lab tab's panes: status, diagnostics, results, the norms plot
                lab = self.lab_pane
                lab.draw(snap)  # the frame itself, without the pane's pacing
                lab.norms.show(snap.grad_norms, tuple(snap.params), snap.norms_end)  # rationed to 1/s in use
                mapped = plotted = time.perf_counter()
                panes = [lab.status, lab.diagnostics, lab.results, lab.norms]
            else:
                train = self.train_pane
                train.boundary.show(snap.params, snap.config.model.activation)
                mapped = time.perf_counter()
                train.curves.show(snap.curves)
                plotted = time.perf_counter()
                train.train_log.write_lines([f"[Train] epoch: {snap.epoch}/{snap.config.train.epochs}, "
                                             f"metrics: {snap.metrics}"])
                train.status.show(snap)
                panes = [train.boundary, train.curves, train.train_log, train.status]
            paint_now(self.screen, panes, whole_screen)  # what the idle handler would do, now
            end = time.perf_counter()
            return {"total": (end - start) * 1000, "cpu": (time.thread_time() - cpu) * 1000,
                    "map": (mapped - start) * 1000, "curves": (plotted - mapped) * 1000,
                    "composite": (end - plotted) * 1000}

    BenchApp(config).run()
    if mode == "overhead":
        # this shared VM's speed drifts by up to 1.6x within seconds: a headless
        # run on each side of the app's, and the app compared with their mean
        results["headless"].append(headless())
        walls, cpus = zip(*results.pop("headless"))
        results["headless_s"], results["headless_cpu_s"] = statistics.fmean(walls), statistics.fmean(cpus)
    out.write_text(json.dumps(results))


# ---------------------------------------------------------------- the terminal
class Terminal:
    """A pseudo-terminal running one child (this script's ``--child mode``, or
    ``argv``); drains its output on a thread, each chunk with its time."""

    def __init__(self, mode: str, epochs: int, out: Path, argv: list[str] | None = None,
                 size: tuple[int, int] = SIZE) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = {**USER_ENV, "TERM": "xterm-256color"}
        self.launched = time.perf_counter()
        self.proc = subprocess.Popen(
            argv or [sys.executable, __file__, "--child", mode, str(out), str(epochs)],
            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        self.lock = threading.Lock()
        self.chunks: list[tuple[float, bytes]] = []
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.master, 1 << 16)
                except OSError:
                    return
                if not data:
                    return
                with self.lock:
                    self.chunks.append((time.perf_counter(), data))
            elif self.proc.poll() is not None:
                return

    def text_since(self, index: int) -> tuple[bytes, int]:
        with self.lock:
            return b"".join(c for _, c in self.chunks[index:]), len(self.chunks)

    def wait_for(self, needle: bytes, since: int = 0, timeout: float = 60.0) -> float | None:
        """perf_counter() of the chunk that completed ``needle``, or None."""
        deadline = time.perf_counter() + timeout
        seen = b""
        index = since
        while time.perf_counter() < deadline:
            with self.lock:
                new = self.chunks[index:]
                index = len(self.chunks)
            for stamp, data in new:
                seen = seen[-200:] + data
                if needle in seen:
                    return stamp
            time.sleep(0.002)
        return None

    def wait_all(self, needles: tuple[bytes, ...], timeout: float = 60.0) -> float | None:
        """perf_counter() of the chunk by which every one of ``needles`` had appeared, or None."""
        stamps = [self.wait_for(n, timeout=timeout) for n in needles]
        return None if None in stamps else max(s for s in stamps if s is not None)

    def bytes_between(self, start: float, end: float) -> int:
        """Bytes the child wrote from ``start`` to ``end`` (perf_counter() times)."""
        with self.lock:
            return sum(len(c) for stamp, c in self.chunks if start <= stamp < end)

    def close(self, timeout: float = 600) -> None:
        try:
            self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.reader.join(timeout=1)
            os.close(self.master)


def run_child(mode: str, epochs: int, drive: Callable[[Terminal], None] | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        term = Terminal(mode, epochs, out)
        try:
            if drive is not None:
                drive(term)
        except BaseException:
            os.write(term.master, b"q")  # let the child go before reporting the failure
            raise
        finally:
            term.close(timeout=30 if drive is not None else 3600)
        results = json.loads(out.read_text())
    if "failed" in results:
        raise SystemExit(f"the {mode} child failed: {results['failed']}")
    return results


def latency_drive(presses: int, samples: list[float]) -> Callable[[Terminal], None]:
    """``c`` (the curves' title says loss or accuracy), or on the network tab
    down and up (the selected unit's box names h1.2 or h1.1)."""
    keys = [(b"\x1b[B", b"h1.2 (epoch"), (b"\x1b[A", b"h1.1 (epoch")] if NETWORK else \
        [(b"c", b"curves: accuracy"), (b"c", b"curves: loss")]

    def drive(term: Terminal) -> None:
        assert term.wait_for(b"(epoch" if NETWORK else b"running") is not None, "training did not start"
        time.sleep(0.5)
        for i in range(presses):
            key, expected = keys[i % 2]
            _, index = term.text_since(0)
            sent = time.perf_counter()
            os.write(term.master, key)
            shown = term.wait_for(expected, since=index, timeout=5)
            samples.append((shown - sent) * 1000 if shown else float("inf"))
            time.sleep(0.08)
        os.write(term.master, b"q")
    return drive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15, help="rounds of the overhead measurement (0 skips)")
    parser.add_argument("--epochs", type=int, default=2000, help="epochs per overhead round")
    parser.add_argument("--frame-runs", type=int, default=3, help="child processes for the frame cost (0 skips)")
    parser.add_argument("--frame-epochs", type=int, default=20_000,
                        help="epochs of the run whose snapshots the frames show")
    parser.add_argument("--presses", type=int, default=60, help="key presses for the latency figure (0 skips)")
    parser.add_argument("--memory-epochs", type=int, default=200_000, help="0 skips the memory run")
    parser.add_argument("--launches", type=int, default=5, help="launches for the startup figures (0 skips)")
    parser.add_argument("--wire-seconds", type=int, default=30,
                        help="seconds of training per terminal size for the bytes sent (0 skips)")
    args = parser.parse_args()

    import torch

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, "
          f"python {platform.python_version()}, torch {torch.__version__}; terminal {SIZE[0]}x{SIZE[1]}; "
          f"network {NAME}, tab {os.environ.get('BENCH_TAB', 'train')}")

    if args.rounds:
        overhead(args.rounds, args.epochs)
    if args.frame_runs:
        frame_cost(args.frame_runs, args.frame_epochs)
    if args.presses and not LAB:  # the key it presses (c) shows on the Train tab
        latency(args.presses)
    if args.memory_epochs:
        memory(args.memory_epochs)
    if args.launches:
        startup(args.launches)
    if args.wire_seconds:
        for size, budget in (((120, 40), 20), ((80, 24), 10)):
            wire(size, args.wire_seconds, budget)


def overhead(rounds: int, epochs: int) -> None:
    ratios, cpu_ratios, heads, apps = [], [], [], []
    for i in range(rounds):
        r = run_child("overhead", epochs)
        heads.append(r["headless_s"])
        apps.append(r["app_s"])
        ratios.append(r["app_s"] / r["headless_s"])
        cpu_ratios.append(r["app_cpu_s"] / r["headless_cpu_s"])
        print(f"  round {i + 1}: headless {r['headless_s']:.3f} s, app {r['app_s']:.3f} s, "
              f"ratio {ratios[-1]:.2f}; CPU {r['headless_cpu_s']:.3f} s vs {r['app_cpu_s']:.3f} s "
              f"(UI thread {r['ui_cpu_s']:.3f} s), ratio {cpu_ratios[-1]:.2f}; by thread {r['threads']}")
    print(f"UI overhead ({epochs} epochs, {NAME}): median ratio {statistics.median(ratios):.2f} "
          f"wall clock, {statistics.median(cpu_ratios):.2f} CPU time; fastest app run / fastest headless "
          f"run {min(apps) / min(heads):.2f} (budget 1.30; on a shared machine the last is the least noisy)")



def frame_cost(children: int, epochs: int) -> None:
    def median(frames: list[dict], key: str) -> float:
        return statistics.median(f[key] for f in frames)

    # several children: a process on this shared VM runs fast or slow as a whole
    runs = [run_child("frames", epochs) for _ in range(children)]
    for kind, title in (("frame_ms", "live frames (each a new snapshot, 0.2 s of training later)"),
                        ("changed_ms", "every row changed (first and last snapshot in turn)"),
                        ("screen_ms", "whole screen repainted")):
        frames = [f for r in runs for f in r[kind]]
        per_run = ", ".join(f"{median(r[kind], 'total'):.1f}" for r in runs)
        parts = (f"lab panes {median(frames, 'map'):.1f}" if LAB else
                 f"map {median(frames, 'map'):.1f}, curves {median(frames, 'curves'):.1f}")
        print(f"frame cost, {title}: median {median(frames, 'total'):.1f} ms over {len(frames)} frames "
              f"(per child {per_run}; CPU {median(frames, 'cpu'):.1f} ms: {parts}, compositing and output "
              f"{median(frames, 'composite'):.1f})")
    print("  (budget: median 15 ms for a full refresh)")


def latency(presses: int) -> None:
    samples: list[float] = []
    run_child("latency", 10_000_000, latency_drive(presses, samples))
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    print(f"key press to screen while training ({len(samples)} presses of "
          f"{'down/up on the network tab' if NETWORK else 'c'}): "
          f"median {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms (budget: p95 100 ms)")


def memory(epochs: int) -> None:
    start = time.perf_counter()
    r = run_child("memory", epochs)
    rss = r["rss"]
    base = next((mb for epoch, mb in rss if epoch >= 10_000), rss[0][1])
    peak = max(mb for _, mb in rss)
    print(f"memory ({epochs:,} epochs in the app, {time.perf_counter() - start:.0f} s): "
          f"RSS {base:.1f} MB after 10,000 epochs, {rss[-1][1]:.1f} MB at the end, peak {peak:.1f} MB, "
          f"growth {rss[-1][1] - base:+.1f} MB (budget: < 50 MB); history rows kept "
          f"{r['history_rows']}, log lines {r['log_lines']}")
    kept, nbytes = r["timeline"]
    print(f"timeline at the end: {kept:,} epochs kept, {nbytes / 2**20:.2f} MB "
          f"(bound: {TIMELINE_BYTES / 2**20:.0f} MB)")


#: What the first frame shows: a settings label, the form's border hint and
#: a pane's title; the full frame has the footer's keys too.
FORM = (b"learning rate", b"tab or click: edit", b"decision boundary")
FIRST_FRAME = (*FORM, b"quit")
#: The status once the session has loaded, and once training runs; the help screen's first heading.
IDLE, RUNNING, HELP = b"idle", b"running", b"keys on this tab"
#: The app as ``tui-mlp`` opens it; a run that does not end within a measurement.
LAUNCH = [sys.executable, "-m", "tui_mlp"]
LONG_RUN = ["--epochs", "10000000", "--log-epochs", "1000"]


def launch(argv: list[str] = LAUNCH, size: tuple[int, int] = SIZE) -> Terminal:
    return Terminal("", 0, Path(), argv=argv, size=size)


def torch_import() -> float:
    """Seconds ``import torch`` takes in a fresh process."""
    code = "import time; t = time.perf_counter(); import torch; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-W", "ignore", "-c", code], env=USER_ENV,
                                capture_output=True, text=True, check=True).stdout)


def first_frame_then(key: bytes, needle: bytes) -> tuple[float, float]:
    """Launch tui-mlp, press ``key`` as soon as the first full frame shows:
    seconds from launch to that frame and to ``needle`` on the screen."""
    term = launch()
    try:
        first = term.wait_all(FIRST_FRAME)
        assert first is not None, "the first frame never showed"
        os.write(term.master, key)
        acted = term.wait_for(needle, timeout=60)
        assert acted is not None, f"{key!r} never showed {needle!r}"
        return first - term.launched, acted - term.launched
    finally:
        for _ in range(2):  # the first q closes the help if it is open
            os.write(term.master, b"q")
            try:
                term.proc.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                pass
        term.close(timeout=30)


def startup(launches: int) -> None:
    firsts, helps, runs, torches = [], [], [], []
    for launch_number in range(launches + 1):
        first, run = first_frame_then(b"s", RUNNING)
        _, help_shown = first_frame_then(b"?", HELP)
        if launch_number:  # the first launch wrote the bytecode cache
            firsts.append(first)
            helps.append(help_shown)
            runs.append(run)
            torches.append(torch_import())
    torch_s = statistics.median(torches)
    print(f"startup ({launches} launches of tui-mlp at {SIZE[0]}x{SIZE[1]}, each way): first full frame "
          f"(form, panes and footer) median {statistics.median(firsts):.2f} s (budget 0.50 s; min "
          f"{min(firsts):.2f}); keys act (? shows the help; so do quit, tab and typing in the form, "
          f"none needs torch) median {statistics.median(helps):.2f} s (budget 1.20 s; min {min(helps):.2f}); "
          f"s shows running median {statistics.median(runs):.2f} s (min {min(runs):.2f}): it waits for "
          f"torch, and import torch alone takes {torch_s:.2f} s (median), so the app's own start adds "
          f"{statistics.median(runs) - torch_s:.2f} s")


def wire(size: tuple[int, int], seconds: int, budget: float, idle_seconds: float = 5.0,
         warm_up: float = 5.0) -> None:
    """KB/s to the terminal while idle, while a long run trains, and idle again once paused."""
    term = launch(LAUNCH + LONG_RUN, size)
    try:
        assert term.wait_for(IDLE, timeout=120) is not None, "the run never showed idle"
        time.sleep(2)  # torch, the data and the first map have arrived: their frames drawn
        start = time.perf_counter()
        time.sleep(idle_seconds)
        idle_before = term.bytes_between(start, time.perf_counter())
        os.write(term.master, b"s")
        started = term.wait_for(RUNNING, timeout=60)
        assert started is not None, "s never started the run"
        time.sleep(warm_up + seconds)
        windows = [term.bytes_between(started + warm_up + i, started + warm_up + i + 1) / 1000
                   for i in range(seconds)]
        os.write(term.master, b"s")
        time.sleep(2)  # the pause and its last frame
        start = time.perf_counter()
        time.sleep(idle_seconds)
        idle_after = term.bytes_between(start, time.perf_counter())
    finally:
        os.write(term.master, b"q")
        term.close(timeout=30)
    print(f"wire at {size[0]}x{size[1]}: training {statistics.median(windows):.1f} KB/s median of "
          f"{seconds} one-second windows (after {warm_up:g} s; mean {statistics.fmean(windows):.1f}, max "
          f"{max(windows):.1f}; budget {budget:g} KB/s); idle {idle_before} bytes in {idle_seconds:g} s "
          f"before the run, {idle_after} after pausing it (budget 0)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
