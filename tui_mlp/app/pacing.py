"""The redraw policy: how often the UI thread draws while a run trains.

Training and drawing share the GIL, so every millisecond the UI thread spends
is taken from training. The screen reads the latest snapshot every
``POLL_INTERVAL`` seconds; then

- ``Pacer`` decides whether a frame is drawn at all: while training, at most
  one per ``FRAME_INTERVAL``, and only while the UI thread has used no more
  than ``UI_SHARE`` of the wall clock (a token bucket charged with the
  thread's measured CPU time, which includes Textual's compositing of the
  frames it caused, and owing at most ``MAX_DEBT``, so one slow frame cannot
  stall drawing for long);
- in a frame, each part of a pane redraws only if its data changed and, if
  that data streams in, at most once per the interval the pane declared for
  it (``Pace``).

When nothing streams in, every change is drawn at the next poll, and so is
the first frame of a run: it is the answer to the key that started it.
"""
from __future__ import annotations

import time

#: Seconds between two reads of the latest snapshot.
POLL_INTERVAL = 1 / 10
#: While training: seconds between frames at least...
FRAME_INTERVAL = 0.09
#: ...the share of the wall clock the UI thread may use...
UI_SHARE = 0.05
#: ...and the seconds of it the thread may owe.
MAX_DEBT = 0.05


class Pacer:
    """Rations the frames of the UI thread (the one thread that calls it)."""

    def __init__(self) -> None:
        self._cpu_mark, self._wall_mark = time.thread_time(), time.perf_counter()
        self._debt = 0.0
        self._frame_time = 0.0
        self._training = False

    def frame(self, training: bool) -> bool:
        """True if a frame may be drawn now; a True counts as a frame drawn."""
        now, cpu = time.perf_counter(), time.thread_time()
        rationed = training and self._training  # not the run's first frame
        self._training = training
        if rationed:
            spent, elapsed = cpu - self._cpu_mark, now - self._wall_mark
            self._debt = min(max(self._debt + spent - UI_SHARE * elapsed, 0.0), MAX_DEBT)
        else:
            self._debt = 0.0
        self._cpu_mark, self._wall_mark = cpu, now
        if rationed and (self._debt > 0 or now - self._frame_time < FRAME_INTERVAL):
            return False
        self._frame_time = now
        return True


class Pace:
    """One part's minimum interval between redraws while its data streams in."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last = 0.0

    def due(self, streaming: bool) -> bool:
        """True if the part may redraw now: always when its data is not
        streaming in, else once ``interval`` seconds have passed since it last
        did. Ask only when there is something new to draw: a True counts as a
        redraw."""
        now = time.perf_counter()
        if streaming and now - self._last < self.interval:
            return False
        self._last = now
        return True
