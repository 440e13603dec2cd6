"""Shared pieces of the Pilot tests: small configs, waiting, real key presses."""
from __future__ import annotations

import asyncio
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import threading
import time
import unicodedata
from pathlib import Path
from typing import Callable

from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot

from tui_mlp.app import TrainerApp
from tui_mlp.config import Config
from tui_mlp.session import Trainer

#: Small enough that a run takes a fraction of a second.
SMALL = Config().with_values(n_samples=200, train=120, dev=40, epochs=40, log_epochs=10)
#: A run that never ends on its own within a test.
ENDLESS = SMALL.with_values(epochs=5_000_000, log_epochs=1000)
SIZE = (120, 40)


async def settle(pilot: Pilot) -> None:
    """Wait for torch and the session, then for the worker to finish; then let
    the screen draw what it left."""
    app = pilot.app
    await wait_until(lambda: app.ready, timeout=30)
    await wait_until(lambda: not app.trainer.busy, timeout=30)
    await app.workers.wait_for_complete()
    app.poll()
    await pilot.pause()


async def started(pilot: Pilot) -> None:
    """Wait for the first snapshot (data and initial weights) to be drawn."""
    await settle(pilot)
    await wait_until(lambda: pilot.app.trainer.snapshot.data is not None)
    pilot.app.poll()
    await pilot.pause()


async def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
        await asyncio.sleep(0.005)


def key_event(key: str) -> events.Key:
    """The event a terminal produces for a key name or a character (as Pilot builds it)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def send_keys(app: TrainerApp, *keys: str) -> None:
    """Real key events through the driver, as a terminal delivers them, without
    Pilot's wait-for-idle after each (which waits up to 2 s while training)."""
    for key in keys:
        app._driver.send_message(key_event(key))


async def type_into(pilot: Pilot, field: str, text: str, leave: str = "enter") -> None:
    """Click a settings field, replace its text key by key, then leave it."""
    await pilot.click(f"#{field}")
    await replace_text(pilot, pilot.app.query_one(f"#{field}"), text)
    if leave:
        send_keys(pilot.app, leave)
        await wait_until(lambda: pilot.app.focused is None)
    await pilot.pause()


async def replace_text(pilot: Pilot, widget, text: str) -> None:
    """Clear a focused Input key by key and type ``text``, in one burst."""
    send_keys(pilot.app, "end", *["backspace"] * len(widget.value), *text)
    await wait_until(lambda: widget.value == text)


def map_text(app: TrainerApp) -> str:
    """The characters the boundary map shows, row by row."""
    return pane_text(app.train_pane.boundary)


def pane_text(pane) -> str:
    """The characters a Line-API pane shows, row by row."""
    return "\n".join(pane.render_line(y).text for y in range(pane.size.height))


class LoopCounter:
    """How many ``Trainer.work`` loops run at once, and the most ever: a
    session must never run two."""

    def __init__(self) -> None:
        self.now = self.most = 0
        self._lock = threading.Lock()

    def install(self, monkeypatch) -> "LoopCounter":
        real = Trainer.work

        def counted(trainer: Trainer, cancelled: Callable[[], bool]) -> None:
            with self._lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                real(trainer, cancelled)
            finally:
                with self._lock:
                    self.now -= 1

        monkeypatch.setattr(Trainer, "work", counted)
        return self


def epoch(app: TrainerApp) -> int:
    return app.trainer.snapshot.epoch


def state(app: TrainerApp) -> str:
    return app.trainer.snapshot.state


class PtyApp:
    """The app as a separate process in a pseudo-terminal: what a person runs."""

    def __init__(self, code: str, cwd: Path, size: tuple[int, int] = (100, 30),
                 env: dict[str, str] | None = None) -> None:
        self.master, slave = os.openpty()
        width, height = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code], stdin=slave, stdout=slave, stderr=slave, cwd=cwd,
            env={**os.environ, "TERM": "xterm-256color", **(env or {})}, start_new_session=True)
        os.close(slave)
        self.output = bytearray()

    def read_for(self, seconds: float, until: bytes | None = None) -> bool:
        """Collect output for up to ``seconds``; True once ``until`` has appeared."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    break
                self.output.extend(chunk)
            if until is not None and until in self.output:
                return True
            if self.proc.poll() is not None and not ready:
                break
        return until is not None and until in self.output

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_exit(self, timeout: float) -> float:
        """Seconds until the process ended (reading its output meanwhile)."""
        start = time.monotonic()
        while self.proc.poll() is None and time.monotonic() - start < timeout:
            self.read_for(0.02)
        return time.monotonic() - start

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def app_code(**values: object) -> str:
    """Python that runs the app, as ``tui-mlp`` does, with the book's config
    changed by ``values``."""
    return ("from tui_mlp.cli import run_app\nfrom tui_mlp.config import Config\n"
            f"run_app(Config().with_values(**{values!r}))\n")
