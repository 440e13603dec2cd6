"""SIGTERM and SIGHUP stop ``tui-mlp train`` and ``compare`` as Ctrl-C does
(after the current epoch, outputs written, exit 128 + the signal), and a
reader that leaves the pipe early does not cost the files asked for."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

LONG = ["--n-samples", "200", "--train", "120", "--dev", "40", "--epochs", "1000000", "--log-epochs", "1"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def start(*argv: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tui_mlp", *argv], cwd=cwd, env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_stops_training_and_the_outputs_are_written(tmp_path: Path, signum: int) -> None:
    proc = start("train", *LONG, "--history-csv", "h.csv", "--export-json", "run.json", cwd=tmp_path)
    try:
        for _ in range(3):  # training has begun: the log is moving
            assert proc.stdout is not None and proc.stdout.readline()
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err
    assert "[Interrupted] stopped after" in out
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["stopped"] == "interrupted" and 0 < record["epochs"] < 1_000_000
    assert (tmp_path / "h.csv").read_text().startswith("epoch,train_loss")


def test_sigterm_stops_compare_with_the_table(tmp_path: Path) -> None:
    """On a terminal, compare shows a bar per side: once A's moves, SIGTERM."""
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "tui_mlp", "compare", *LONG], cwd=tmp_path, env=ENV,
                            stdin=slave, stdout=slave, stderr=subprocess.PIPE, text=True)
    os.close(slave)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"training A" not in seen:
            assert time.monotonic() < deadline and proc.poll() is None
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                seen += os.read(master, 65536)
        proc.send_signal(signal.SIGTERM)
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
        proc.wait(timeout=60)
        err = proc.stderr.read() if proc.stderr else ""
    finally:
        proc.kill()
        os.close(master)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "[Interrupted]" in err
    assert b"test acc" in seen


def test_a_closed_stdout_does_not_skip_the_files(tmp_path: Path) -> None:
    proc = start("train", "--n-samples", "200", "--train", "120", "--dev", "40", "--epochs", "300",
                 "--log-epochs", "1", "--history-csv", "h.csv", cwd=tmp_path)
    assert proc.stdout is not None and proc.stdout.readline()
    proc.stdout.close()  # `| head -1`: the reader has gone
    try:
        assert proc.wait(timeout=120) == 0
    finally:
        proc.kill()
    assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    assert len((tmp_path / "h.csv").read_text().splitlines()) == 301


def wait_for_torch_to_load(proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until the process has begun importing torch (its library is mapped)."""
    deadline = time.monotonic() + timeout
    while "libtorch" not in Path(f"/proc/{proc.pid}/maps").read_text():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
@pytest.mark.parametrize("delay", [0.0, 0.1, 0.3])
def test_a_signal_while_torch_loads_is_one_line(tmp_path: Path, signum: int, delay: float) -> None:
    """Importing torch takes about a second: a signal at any moment of it ends
    the run with one line, never a traceback or an abort (SIGABRT)."""
    proc = start("train", *LONG, cwd=tmp_path)
    try:
        wait_for_torch_to_load(proc)
        time.sleep(delay)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signum, err
    message = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
    assert set(err.splitlines()) <= {f"tui-mlp: {message}"}  # empty if training had begun


def test_a_signal_inside_the_import_phase_exits_at_once() -> None:
    code = ("import os, signal, time\nfrom tui_mlp.signals import exit_at_once\n"
            "with exit_at_once():\n    os.kill(os.getpid(), signal.SIGHUP)\n    time.sleep(30)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (128 + signal.SIGHUP, "tui-mlp: stopped by SIGHUP\n")


def test_under_nohup_a_hangup_does_not_stop_training(tmp_path: Path) -> None:
    """A signal ignored from the start (``nohup``) stays ignored."""
    proc = subprocess.Popen([sys.executable, "-m", "tui_mlp", "train", "--n-samples", "200", "--train", "120",
                             "--dev", "40", "--epochs", "400", "--log-epochs", "1"], cwd=tmp_path, env=ENV,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    try:
        assert proc.stdout is not None and proc.stdout.readline()
        proc.send_signal(signal.SIGHUP)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "[Interrupted]" not in out and "[Final] epoch 399:" in out


def test_nothing_slow_loads_before_the_signal_handlers() -> None:
    """The console script imports tui_mlp.__main__ before ``exit_at_once`` is in
    force: a Ctrl-C then is Python's KeyboardInterrupt and its traceback. That
    window holds only what loads in a few milliseconds: not asyncio (~70 ms)."""
    code = "import sys; before = set(sys.modules); import tui_mlp.__main__; print(sorted(set(sys.modules) - before))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    loaded = set(eval(done.stdout))
    assert "tui_mlp.signals" in loaded
    assert not {name for name in loaded if name.split(".")[0] in ("asyncio", "ssl", "concurrent")}
    assert "tui_mlp.cli" not in loaded
