"""The path dialog keeps every character typed before Enter, in order, even
when a person (or a paste, or tmux) types faster than the screen updates:
checked in a real process in a pseudo-terminal, in bursts."""
from __future__ import annotations

import time
from pathlib import Path

from .helpers import PtyApp, app_code

NAMES = [f"saved_model_number_{i}_with_a_long_name" for i in range(8)]


def test_a_path_typed_in_one_burst_then_enter_is_saved_whole(tmp_path: Path) -> None:
    app = PtyApp(app_code(n_samples=200, train=120, dev=40, epochs=20), cwd=tmp_path)
    try:
        assert app.read_for(60, until=b"idle"), app.output[-500:]
        for name in NAMES:
            app.send(b"\x13")  # ctrl+s: the dialog, its default path selected at its end
            assert app.read_for(10, until=b"enter: ok")
            app.output.clear()
            # erase the default, type the name and press enter, all in one write
            app.send(b"\x7f" * 300 + str(tmp_path / name).encode() + b"\r")  # backspaces clear the field
            deadline = time.monotonic() + 20  # the save itself is the sign it was taken
            while not (tmp_path / name / "fc1.pdparams").exists():
                assert time.monotonic() < deadline, (name, sorted(p.name for p in tmp_path.iterdir()))
                app.read_for(0.05)
            app.read_for(0.3)
        app.send(b"q")
        app.wait_exit(timeout=10)
    finally:
        app.close()
    made = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert made == sorted(NAMES)


def test_a_key_typed_after_enter_in_the_same_burst_reaches_the_app(tmp_path: Path) -> None:
    """``path⏎q`` in one write: the q was typed into the closing dialog's field
    and lost, and the app went on running. Now it quits, and the save is done or
    named as not done."""
    for round_ in range(3):
        app = PtyApp(app_code(n_samples=200, train=120, dev=40, epochs=20), cwd=tmp_path)
        try:
            assert app.read_for(60, until=b"idle"), app.output[-500:]
            app.send(b"\x13")
            assert app.read_for(10, until=b"enter: ok")
            target = tmp_path / f"burst_{round_}"
            app.send(b"\x7f" * 300 + str(target).encode() + b"\rq")
            app.wait_exit(timeout=20)
            assert app.proc.poll() is not None, "q after enter did not reach the app"
            app.read_for(0.5)
        finally:
            app.close()
        said = f"the save to {target} was not done".encode() in bytes(app.output)
        assert (target / "fc1.pdparams").exists() or said
