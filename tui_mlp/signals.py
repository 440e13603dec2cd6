"""How the command line meets Ctrl-C, SIGTERM and SIGHUP, phase by phase.

While modules load, a signal ends the process at once: nothing is written
yet, and an exception raised inside torch's own import can abort the
interpreter instead of unwinding. While training, a signal sets a flag and
the loop stops after its epoch, so the outputs are still written. Otherwise
it raises ``Signalled`` (a ``KeyboardInterrupt``), which the console script
turns into one line.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:  # imported before the handlers are set: only what loads in a few ms
    import asyncio

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


def stopped_message(signum: int) -> str:
    """The one line that says why the program ended."""
    return "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"


def exit_code(signum: int) -> int:
    """128 + the signal's number, as a shell reports a process it stopped."""
    return 128 + signum


@contextlib.contextmanager
def _handling(handler: Handler, signals: tuple[int, ...] = SIGNALS) -> Iterator[None]:
    """``handler`` for ``signals``, except those ignored from the start: under
    ``nohup`` (SIGHUP) or ``&`` in a script (SIGINT) they stay ignored."""
    previous = {sig: signal.signal(sig, handler) for sig in signals
                if signal.getsignal(sig) is not signal.SIG_IGN}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _exit_now(signum: int, frame: FrameType | None) -> None:
    clear = "\r\033[K" if sys.stderr.isatty() else ""  # over a "starting..." line
    os.write(2, f"{clear}tui-mlp: {stopped_message(signum)}\n".encode())
    os._exit(exit_code(signum))


def exit_at_once() -> contextlib.AbstractContextManager[None]:
    """Around imports of torch, textual and the modules that use them."""
    return _handling(_exit_now)


class Signalled(KeyboardInterrupt):
    """SIGTERM or SIGHUP outside the training loop and the imports."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_signalled(signum: int, frame: FrameType | None) -> None:
    raise Signalled(signum)


def raise_signalled() -> contextlib.AbstractContextManager[None]:
    """SIGTERM and SIGHUP unwind as Ctrl-C does (Python's own SIGINT handler)."""
    return _handling(_raise_signalled, (signal.SIGTERM, signal.SIGHUP))


def on_loop(loop: asyncio.AbstractEventLoop, callback: Callable[[int], object]) -> None:
    """SIGTERM and SIGHUP (the terminal closed) call ``callback(signum)`` on
    ``loop``, an app's own, so it quits as ``q`` does; those ignored from the
    start stay ignored. A raised ``Signalled`` would not reach the app's loop."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            loop.add_signal_handler(sig, callback, sig)


class StopFlag:
    """Set by Ctrl-C, SIGTERM or SIGHUP while training, so the loop stops after
    the current epoch and the outputs are still written."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._handling: contextlib.AbstractContextManager[None] | None = None

    @property
    def is_set(self) -> bool:
        return self.signum is not None

    @property
    def exit_code(self) -> int:
        return exit_code(self.signum or signal.SIGINT)

    def __enter__(self) -> StopFlag:
        self._handling = _handling(self._set)
        self._handling.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._handling is not None
        self._handling.__exit__(*exc)

    def _set(self, signum: int, frame: FrameType | None) -> None:
        self.signum = signum
