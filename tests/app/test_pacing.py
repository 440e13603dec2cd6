"""The redraw policy (``pacing``) on a clock the test moves."""
from __future__ import annotations

import pytest

from tui_mlp.app import pacing
from tui_mlp.app.pacing import FRAME_INTERVAL, MAX_DEBT, UI_SHARE, Pace, Pacer


class Clock:
    """Wall and UI-thread CPU seconds, moved by hand."""

    def __init__(self) -> None:
        self.wall, self.cpu = 1000.0, 10.0

    def perf_counter(self) -> float:
        return self.wall

    def thread_time(self) -> float:
        return self.cpu

    def tick(self, wall: float, cpu: float = 0.0) -> None:
        self.wall += wall
        self.cpu += cpu


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(pacing, "time", clock)
    return clock


def test_without_training_every_poll_draws(clock: Clock) -> None:
    pacer = Pacer()
    clock.tick(0.001, cpu=0.5)  # even after an expensive frame
    assert all(pacer.frame(training=False) for _ in range(5))


def test_while_training_frames_are_at_least_the_frame_interval_apart(clock: Clock) -> None:
    pacer = Pacer()
    assert pacer.frame(training=True)
    clock.tick(FRAME_INTERVAL * 0.6)
    assert not pacer.frame(training=True)
    clock.tick(FRAME_INTERVAL * 0.6)
    assert pacer.frame(training=True)


def test_a_ui_thread_over_its_share_waits_until_it_has_paid_back(clock: Clock) -> None:
    pacer = Pacer()
    assert pacer.frame(training=True)
    clock.tick(0.1, cpu=0.03)  # 30% of the clock: 0.025 s over a 5% share
    assert not pacer.frame(training=True)
    owed = 0.03 - UI_SHARE * 0.1
    clock.tick(owed / UI_SHARE * 0.9)
    assert not pacer.frame(training=True)
    clock.tick(owed / UI_SHARE * 0.2)
    assert pacer.frame(training=True)


def test_the_debt_is_capped_so_one_slow_frame_cannot_stall_drawing_for_long(clock: Clock) -> None:
    pacer = Pacer()
    pacer.frame(training=True)
    clock.tick(0.1, cpu=2.0)  # a two-second frame
    assert not pacer.frame(training=True)
    clock.tick(MAX_DEBT / UI_SHARE * 1.01)
    assert pacer.frame(training=True)


def test_a_pause_forgives_the_debt(clock: Clock) -> None:
    pacer = Pacer()
    pacer.frame(training=True)
    clock.tick(0.1, cpu=1.0)
    assert not pacer.frame(training=True)
    assert pacer.frame(training=False)
    clock.tick(FRAME_INTERVAL)
    assert pacer.frame(training=True)


def test_the_first_frame_of_a_run_is_drawn_whatever_the_ui_thread_spent_before(clock: Clock) -> None:
    pacer = Pacer()
    assert pacer.frame(training=False)
    clock.tick(0.01, cpu=1.0)  # the UI thread was busy just before the start (loading, a tab switch)
    assert pacer.frame(training=True)  # the start shows at once...
    clock.tick(0.01, cpu=1.0)
    assert not pacer.frame(training=True)  # ...and from then on the frames are rationed


def test_a_pace_while_streaming_allows_one_redraw_per_interval(clock: Clock) -> None:
    pace = Pace(0.25)
    assert pace.due(streaming=True)
    clock.tick(0.2)
    assert not pace.due(streaming=True)  # a refusal is not a redraw...
    clock.tick(0.05)
    assert pace.due(streaming=True)  # ...so the interval counts from the last one
    assert pace.due(streaming=False)  # data at rest: at once
