"""Faults as the app meets them: bad input, divergence, faults in an
epoch, key storms, quitting at any moment, bad files, tiny terminals, long runs."""
from __future__ import annotations

import asyncio
import math
import random
import signal
import threading
import time

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.geometry import Size
from textual.widgets import Input

from tui_mlp import checkpoint
from tui_mlp.app import TrainerApp
from tui_mlp.checkpoint import load_params
from tui_mlp.config import FIELDS, ConfigError, parse_field
from tui_mlp.runner import Runner
from tui_mlp.session import State

from .helpers import (
    ENDLESS,
    SIZE,
    SMALL,
    LoopCounter,
    PtyApp,
    app_code,
    epoch,
    replace_text,
    send_keys,
    settle,
    started,
    state,
    wait_until,
)

TEXT_FIELDS = [name for name in FIELDS if not FIELDS[name].choices and name != "shuffle"]
NASTY = ["", " ", "abc", "nan", "inf", "-inf", "-0", "1e309", "9" * 40, "5,,x", "0", "-3",
         "100000", "１２", "0x10", "1_000", "2,3,4,5,6,7,8,9,10", "💥", "\t7 "]


def finite(params: dict) -> bool:
    return all(torch.isfinite(t).all() for layer in params.values() for t in layer.values())


async def resize(app: TrainerApp, width: int, height: int) -> None:
    """Resize the terminal without Pilot's wait for an idle CPU."""
    size = Size(width, height)
    app._driver._size = size
    app.post_message(events.Resize(size, size))
    await wait_until(lambda: app.screen.size == size)


# ------------------------------------------------------ bad input
@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(TEXT_FIELDS),
                          st.one_of(st.sampled_from(NASTY), st.text(max_size=12))),
                min_size=8, max_size=16))
def test_any_text_in_any_field_is_accepted_or_refused_naming_the_field(entries) -> None:
    async def run() -> None:
        app = TrainerApp(SMALL)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            for name, text in entries:
                app.query_one(f"#{name}", Input).value = text
                await pilot.pause()
                try:
                    parse_field(name, text)
                except ConfigError as exc:
                    message = app.train_pane.form.errors.get(name, "")
                    assert message == str(exc.relabel(FIELDS[name].label))
                    assert message.startswith(f"{FIELDS[name].label}: ") and exc.accepted in message
                else:
                    assert name not in app.train_pane.form.errors or "train + dev" in app.train_pane.form.errors[name] \
                        or name in ("n_samples", "train", "dev")
            error = app.train_pane.form.first_error()
            if error is not None:
                await pilot.press("s")
                await asyncio.sleep(0.05)
                assert (state(app), epoch(app)) == (State.IDLE, 0)
                assert any(FIELDS[error[0]].label in n.message for n in app._notifications)
            await settle(pilot)
    asyncio.run(run())


# ----------------------------------------------------- divergence
async def test_divergence_stops_in_error_keeps_the_best_and_the_last_finite_picture(tmp_path) -> None:
    app = TrainerApp(SMALL.with_values(lr=100.0, epochs=300))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        snap = app.trainer.snapshot
        assert snap.state == State.ERROR
        assert snap.error.startswith(f"training diverged at epoch {snap.epoch} (loss = ")
        assert snap.error.endswith("lower the learning rate")
        assert "error" in app.status.text and "diverged" in app.status.text
        assert any(line.startswith("[Error] training diverged") for line in app.train_pane.train_log.lines)
        assert finite(snap.params)
        assert all(math.isfinite(v) for v in snap.curves.train_loss + snap.curves.dev_loss)
        assert len(snap.curves.epochs) == snap.epoch
        runner = app.trainer._exp.runner
        assert runner.best_params is not None and finite(runner.best_params)
        await pilot.press("c")  # still responsive
        assert app.train_pane.curves.mode == "accuracy"
        await pilot.press("ctrl+s", "enter")  # the best so far can still be saved
        await settle(pilot)
        saved = load_params(tmp_path / "best_model", {n: {k: tuple(v.shape) for k, v in p.items()}
                                                     for n, p in runner.best_params.items()})
        assert all(torch.equal(saved[n][k], runner.best_params[n][k]) for n in saved for k in saved[n])
        await pilot.click("#lr")
        await replace_text(pilot, app.query_one("#lr", Input), "0.2")
        await pilot.press("enter", "s")
        await settle(pilot)
        assert state(app) == State.FINISHED and app.trainer.snapshot.error is None


# -------------------------------------------- a fault in an epoch
async def test_an_exception_in_an_epoch_is_logged_and_the_next_start_works(monkeypatch) -> None:
    calls = 0
    real_step = Runner.step

    def flaky(self, train_set, dev_set):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("injected fault")
        return real_step(self, train_set, dev_set)

    monkeypatch.setattr(Runner, "step", flaky)
    loops = LoopCounter().install(monkeypatch)
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert state(app) == State.ERROR and epoch(app) == 2
        assert "[Error] epoch 2: RuntimeError: injected fault" in app.train_pane.train_log.lines
        assert "injected fault" in app.status.text
        assert any("injected fault" in n.message for n in app._notifications)
        await pilot.press("s")
        await settle(pilot)
        assert (state(app), epoch(app)) == (State.FINISHED, SMALL.train.epochs)
        assert loops.most == 1


# ----------------------------------------------------- key storms
def expected_state(keys: list[str]) -> str:
    """The state machine of s/n/r/t on a run too long to finish."""
    now = State.IDLE
    for key in keys:
        if key == "s":
            now = State.PAUSED if now == State.RUNNING else State.RUNNING
        elif key == "n" and now in (State.IDLE, State.PAUSED):
            now = State.PAUSED
        elif key == "r":
            now = State.IDLE
    return now


async def test_a_key_storm_runs_one_loop_never_rewinds_and_ends_as_the_last_key_says(monkeypatch) -> None:
    loops = LoopCounter().install(monkeypatch)
    rng = random.Random(4)
    keys = [rng.choice("snrt") for _ in range(300)]
    app = TrainerApp(ENDLESS)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        submitted: list[str] = []
        real_submit = app.trainer.submit

        def spy(command):
            submitted.append(type(command).__name__)
            return real_submit(command)

        app.trainer.submit = spy
        seen: list[tuple[int, int]] = []
        storming = True

        async def sample() -> None:
            while storming:
                snap = app.trainer.snapshot
                seen.append((snap.run, snap.epoch))
                await asyncio.sleep(0.001)

        sampler = asyncio.create_task(sample())
        for key in keys:
            send_keys(app, key)
            await asyncio.sleep(rng.uniform(0, 0.004))
        names = {"s": "Toggle", "n": "Step", "r": "Reset", "t": "Test"}
        await wait_until(lambda: len(submitted) == len(keys))
        assert submitted == [names[k] for k in keys]  # every key, in order
        final = expected_state(keys)
        if final == State.RUNNING:
            await wait_until(lambda: not app.trainer._commands and state(app) == State.RUNNING)
            await asyncio.sleep(0.3)
        else:  # the worker stops only once it has handled every command
            await wait_until(lambda: not app.trainer.busy)
        storming = False
        await sampler
        assert state(app) == final
        assert loops.most == 1
        for (run_a, epoch_a), (run_b, epoch_b) in zip(seen, seen[1:]):
            assert run_b >= run_a
            if run_a == run_b:
                assert epoch_b >= epoch_a
        if final == State.RUNNING:
            send_keys(app, "s")
        await settle(pilot)


# ------------------------------------------------------- quitting
@pytest.mark.parametrize("moment", ["running", "paused", "finished", "saving"])
async def test_q_at_any_moment_exits_within_a_second(moment: str, tmp_path, monkeypatch) -> None:
    saving = threading.Event()
    if moment == "saving":
        real_save = checkpoint.torch.save

        def slow_save(obj, fh):  # a save that takes 0.2 s per file, so q lands in the middle
            saving.set()
            time.sleep(0.2)
            real_save(obj, fh)

        monkeypatch.setattr(checkpoint.torch, "save", slow_save)
    loops = LoopCounter().install(monkeypatch)
    app = TrainerApp(SMALL if moment == "finished" else ENDLESS)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        if moment == "finished":
            await pilot.press("s")
            await settle(pilot)
        elif moment in ("running", "paused"):
            send_keys(app, "s")
            await wait_until(lambda: epoch(app) > 5)
            if moment == "paused":
                send_keys(app, "s")
                await wait_until(lambda: state(app) == State.PAUSED)
        else:
            await pilot.press("n")
            await settle(pilot)
            await pilot.press("ctrl+s", "enter")
            await wait_until(saving.is_set)
        start = time.monotonic()
        send_keys(app, "q")
        await wait_until(lambda: not app.is_running, timeout=1.0)
    await wait_until(lambda: loops.now == 0, timeout=1.0)
    assert time.monotonic() - start < 1.0
    if moment == "saving":
        files = sorted(p.name for p in (tmp_path / "best_model").iterdir())
        assert files == ["fc1.pdparams", "fc2.pdparams"]  # whole, no temporary left
        shapes = {n: {k: tuple(v.shape) for k, v in p.items()} for n, p in app.trainer.snapshot.params.items()}
        load_params(tmp_path / "best_model", shapes)


async def test_a_poll_tick_during_shutdown_does_nothing() -> None:
    """The poll timer can fire after the screens are gone and before the app's
    timers stop: with a state change to report, it must not touch the screen."""
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert state(app) == State.FINISHED
    assert not app.screen_stack
    app._past_open = not app._past_open  # so this tick has bindings to refresh
    app.poll()


@pytest.mark.parametrize("values", [
    {"epochs": 5_000_000},
    # epochs of seconds each: quit may not wait for the one in progress
    {"n_samples": 100_000, "train": 0.64, "dev": 0.16, "hidden": (512, 512, 512), "epochs": 1000}],
    ids=["book", "big-network"])
def test_the_real_process_quits_within_a_second_while_training(tmp_path, values) -> None:
    """The app in a pseudo-terminal: start a long run, press q, time the exit."""
    app = PtyApp(app_code(**values), cwd=tmp_path)
    try:
        assert app.read_for(90, until=b"idle"), app.output[-500:]
        app.send(b"s")
        assert app.read_for(60, until=b"running")
        app.read_for(1.0)
        app.send(b"q")
        elapsed = app.wait_exit(timeout=30)
        app.read_for(0.2)
    finally:
        app.close()
    assert app.proc.returncode == 0
    assert elapsed < 1.0
    assert b"Traceback" not in app.output


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_the_app_quits_on_sighup_and_sigterm_while_training(tmp_path, signum) -> None:
    """The console script's app in a pseudo-terminal: a closed terminal (tmux
    killed, an SSH link gone) sends SIGHUP; the app must end, not spin on."""
    code = ("import sys\nsys.argv = ['tui-mlp', '--epochs', '5000000']\n"
            "from tui_mlp.__main__ import run\nrun()\n")
    app = PtyApp(code, cwd=tmp_path)
    try:
        assert app.read_for(90, until=b"idle"), app.output[-500:]
        app.send(b"s")
        assert app.read_for(60, until=b"running")
        app.proc.send_signal(signum)
        app.wait_exit(timeout=30)
        app.read_for(0.2)
    finally:
        app.close()
    assert app.proc.returncode == 128 + signum
    assert f"stopped by {signal.Signals(signum).name}".encode() in app.output
    assert b"Traceback" not in app.output


# ---------------------------------------------------------- files
async def test_a_failed_save_says_why_and_keeps_the_earlier_checkpoint(tmp_path) -> None:
    (tmp_path / "a_file").write_text("not a directory")
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+s", "enter")
        await settle(pilot)
        before = {p.name: p.read_bytes() for p in (tmp_path / "best_model").iterdir()}
        await pilot.press("ctrl+s")
        await replace_text(pilot, app.screen.query_one("#path", Input), "a_file/sub")
        await pilot.press("enter")
        await settle(pilot)
        assert any("cannot save the model to a_file/sub" in n.message for n in app._notifications)
        assert state(app) == State.FINISHED
        assert {p.name: p.read_bytes() for p in (tmp_path / "best_model").iterdir()} == before


async def test_loading_another_architecture_is_refused_with_the_model_unchanged(tmp_path) -> None:
    app = TrainerApp(SMALL.with_values(hidden=(7,)))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("ctrl+s", "enter")
        await settle(pilot)
        await pilot.click("#hidden")
        await replace_text(pilot, app.query_one("#hidden", Input), "5")
        await pilot.press("enter")
        await settle(pilot)
        before = app.trainer.snapshot
        await pilot.press("ctrl+o", "enter")
        await settle(pilot)
        assert any("another architecture" in n.message for n in app._notifications)
        after = app.trainer.snapshot
        assert after.run == before.run
        assert all(torch.equal(after.params[n][k], before.params[n][k]) for n in after.params for k in after.params[n])


# -------------------------------------------------- terminal size
async def test_resizing_while_training_and_a_too_small_terminal_hint() -> None:
    app = TrainerApp(ENDLESS)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        send_keys(app, "s")
        await wait_until(lambda: epoch(app) > 5)
        for width, height in ((200, 60), (40, 12), (61, 17), (40, 12), (120, 40)):
            await resize(app, width, height)
            await asyncio.sleep(0.15)
            app.poll()
            await pilot.pause(0.05)
            too_small = width < 60 or height < 16
            assert app.query_one("#too-small").display == too_small
            assert app.query_one("#main").display == (not too_small)
            if not too_small:
                boundary = app.train_pane.boundary
                assert boundary.size.width > 0 and boundary.render_line(0).cell_length == boundary.size.width
        assert state(app) == State.RUNNING
        send_keys(app, "s")
        await settle(pilot)
        assert state(app) == State.PAUSED


# ------------------------------------------------------ long runs
async def test_the_log_stays_bounded_and_the_curves_decimated_on_a_long_run() -> None:
    from tui_mlp.session import LOG_LINES

    app = TrainerApp(SMALL.with_values(epochs=2600, log_epochs=1))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert epoch(app) == 2600
        assert len(app.train_pane.train_log.lines) == LOG_LINES
        assert app.train_pane.train_log.lines[-1].startswith("[Test] score/loss")
        assert app.train_pane.train_log.lines[-3].startswith("[Train] epoch: 2599/2600")
        assert app.train_pane.train_log.lines[-2].startswith("[Final] epoch 2599:")
        assert len(app.trainer.log._lines) <= app.trainer.log._lines.maxlen
        assert len(app.trainer.snapshot.curves.epochs) == 2600
        assert app.train_pane.curves.points_plotted <= 2 * app.train_pane.curves.size.width
