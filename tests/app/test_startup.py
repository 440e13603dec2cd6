"""The first frame before torch: the app's modules import without it, the
form and the layout are drawn while it loads, the app's keys pressed
meanwhile wait for it (and say so), and quit works at once."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input

import tui_mlp.app.app as app_module
from tui_mlp.app import TrainerApp, engine
from tui_mlp.app.widgets.help import HelpScreen

from .helpers import SMALL, PtyApp, app_code, send_keys, settle, type_into, wait_until

#: A ``sitecustomize`` that holds ``import torch`` until the file RELEASE exists.
HOLD_TORCH = '''
import os, sys, time

RELEASE = {release!r}


class HoldTorch:
    """Holds the first import of torch until the test lets it go."""

    def find_spec(self, name, path=None, target=None):
        if name == "torch":
            sys.meta_path.remove(self)
            while not os.path.exists(RELEASE):
                time.sleep(0.01)
        return None


sys.meta_path.insert(0, HoldTorch())
'''


def test_importing_the_app_loads_neither_torch_nor_plotext() -> None:
    out = subprocess.run([sys.executable, "-c", "import sys, tui_mlp.app; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True, timeout=120).stdout.split()
    assert "tui_mlp.app.app" in out
    assert not {m for m in out if m.split(".")[0] in ("torch", "plotext")}


@pytest.fixture
def held_torch(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """The environment of an app whose ``import torch`` waits, and the file that lets it go."""
    shim, release = tmp_path / "shim", tmp_path / "release"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(HOLD_TORCH.format(release=str(release)))
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(shim), os.environ.get("PYTHONPATH")]))}, release


def test_the_form_is_drawn_before_torch_and_a_key_pressed_meanwhile_acts_once_it_loads(held_torch, tmp_path):
    env, release = held_torch
    app = PtyApp(app_code(n_samples=200, train=120, dev=40, epochs=30, log_epochs=10), cwd=tmp_path,
                 size=(120, 40), env=env)
    try:
        assert app.read_for(60, until=b"loading torch"), bytes(app.output[-300:])
        assert app.read_for(30, until=b"learning rate")  # the form, drawn while torch is held
        assert b"idle" not in app.output
        app.send(b"s")
        assert app.read_for(30, until=b"1 key pressed: acting once it has loaded")
        release.touch()
        assert app.read_for(60, until=b"finished"), bytes(app.output[-300:])  # the s pressed before
        app.send(b"q")
        app.wait_exit(timeout=30)
    finally:
        release.touch()
        app.close()
    assert app.proc.returncode == 0 and b"Traceback" not in app.output


def test_q_quits_while_torch_loads(held_torch, tmp_path):
    env, release = held_torch
    app = PtyApp(app_code(n_samples=200, train=120, dev=40), cwd=tmp_path, size=(120, 40), env=env)
    try:
        assert app.read_for(60, until=b"loading torch"), bytes(app.output[-300:])
        app.send(b"q")
        app.wait_exit(timeout=30)  # torch is still held: quit does not wait for it
        assert app.proc.poll() == 0
    finally:
        release.touch()
        app.close()
    assert b"Traceback" not in app.output


@pytest.fixture
def held_engine(monkeypatch) -> threading.Event:
    """Apps made in this test load torch (in their thread) only once the event is set."""
    release = threading.Event()
    real = app_module.load_torch

    def held() -> int:
        assert release.wait(timeout=60)
        return real()

    monkeypatch.setattr(engine, "loaded", lambda: False)
    monkeypatch.setattr(app_module, "load_torch", held)
    yield release
    release.set()


async def test_keys_pressed_while_loading_act_in_order_once_it_has_loaded(held_engine):
    app = TrainerApp(SMALL.with_values(epochs=5_000_000, log_epochs=1000))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.ready and "loading torch" in app.status.text
        await type_into(pilot, "epochs", "25")  # a field left while loading: applied when it arrives
        send_keys(app, "plus", "s")
        await wait_until(lambda: "2 keys pressed: acting once it has loaded" in app.status.text)
        await pilot.press("question_mark")  # help works at once...
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        held_engine.set()
        await settle(pilot)  # ...and the pace, then the start, once torch is here
        snap = app.trainer.snapshot
        assert (snap.state, snap.epoch, snap.config.train.epochs, snap.pace) == ("finished", 25, 25, 300)


async def test_the_first_frame_has_the_footer_and_its_keys(held_engine):
    """The footer's keys are there when the app is mounted, before its first
    refresh, so the first frame shows how to quit and get help."""
    class Watched(TrainerApp):
        def on_mount(self) -> None:
            self.keys_at_mount = [key.description for key in self.query("FooterKey")]

    app = Watched(SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert {"quit", "help"} <= set(app.keys_at_mount)
        assert not app.ready  # it was the screen before torch
        held_engine.set()
        await settle(pilot)


async def test_a_key_of_a_disabled_action_is_not_kept_while_loading(held_engine):
    app = TrainerApp(SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        send_keys(app, "left")  # the timeline is closed: nothing to wait for
        await pilot.pause()
        assert "key" not in app.status.text
        held_engine.set()
        await settle(pilot)
        assert app.trainer.snapshot.viewing is None


async def test_the_advanced_fields_hold_their_values_before_they_are_mounted(held_engine):
    """The advanced group's fields are mounted after the first frame; until
    then the form reads and sets them all the same, and what was set before
    shows once they are mounted (a Select too, not its prompt)."""
    from textual.widgets import Select, Static

    from tui_mlp.config import Config

    changed = SMALL.with_values(optimizer="momentum", l2=0.01, shuffle=False)

    class Watched(TrainerApp):
        def on_mount(self) -> None:
            form = self.train_pane.form
            self.mounted_at_mount = bool(self.query("#optimizer"))
            self.values_at_mount = form.values()
            form.set_config(changed)
            self.config_at_mount = form.check()

    app = Watched(SMALL)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.mounted_at_mount  # a frame without them came first
        assert app.values_at_mount["optimizer"] == SMALL.get("optimizer") == Config().get("optimizer")
        assert app.config_at_mount == changed
        held_engine.set()
        await settle(pilot)
        select = app.query_one("#optimizer", Select)
        assert str(select.query_one("#label", Static).render()) == "momentum"
        assert app.query_one("#l2").value == "0.01"
        assert app.train_pane.form.values()["optimizer"] == "momentum"


def test_tui_mlp_opens_the_app_with_the_collector_off(monkeypatch) -> None:
    """Start-up makes objects that all live on: ``run_app`` turns the cyclic
    collector off before the app's modules import (the app turns it on again)."""
    import gc

    import tui_mlp.app
    from tui_mlp import cli

    seen: list[bool] = []

    class Opened:
        ready, return_code = False, 0

        def __init__(self, config) -> None:
            seen.append(gc.isenabled())

        def run(self, loop) -> None:
            loop.close()

    monkeypatch.setattr(tui_mlp.app, "TrainerApp", Opened)
    monkeypatch.setattr(cli, "end_now", lambda code: None)
    try:
        cli.run_app(SMALL)
    finally:
        gc.enable()
    assert seen == [False]


async def test_the_collector_is_on_again_once_torch_has_loaded(held_engine) -> None:
    import gc

    gc.disable()  # as tui-mlp starts the app
    try:
        app = TrainerApp(SMALL)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert not app.ready and not gc.isenabled()
            held_engine.set()
            await settle(pilot)
            assert app.ready and gc.isenabled()
    finally:
        gc.enable()


async def test_the_collector_is_on_again_when_torch_cannot_load(monkeypatch) -> None:
    import gc

    def broken() -> int:
        raise ImportError("libtorch_cpu.so: cannot open shared object file")

    monkeypatch.setattr(engine, "loaded", lambda: False)
    monkeypatch.setattr(app_module, "load_torch", broken)
    gc.disable()  # as tui-mlp starts the app
    try:
        app = TrainerApp(SMALL)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(lambda: "cannot load torch" in app.status.text)
            await pilot.pause()
            assert not app.ready and gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("size", [(60, 16), (80, 24), (120, 40)])
async def test_the_screen_is_born_with_the_size_classes_of_its_terminal(held_engine, size) -> None:
    """So its first resize changes no class, which would restyle every widget."""
    class Watched(TrainerApp):
        def get_default_screen(self) -> Screen:
            screen = super().get_default_screen()
            self.born = set(screen.classes)
            return screen

    app = Watched(SMALL)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.born and app.born == set(app.screen.classes)
        held_engine.set()
        await settle(pilot)


async def test_each_widget_of_the_first_frame_is_styled_at_most_twice(held_engine, monkeypatch) -> None:
    """Not again when the screen first resumes or resizes, nor for each class
    a widget's constructor sets before it is mounted."""
    styled: Counter[DOMNode] = Counter()
    apply = Stylesheet.apply

    def counted(self: Stylesheet, node: DOMNode, *args: Any, **kwargs: Any) -> None:
        styled[node] += 1
        apply(self, node, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", counted)
    app = TrainerApp(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        nodes = list(app.screen.walk_children(with_self=True))
        assert len(nodes) > 100 and max(styled[node] for node in nodes) <= 2
        held_engine.set()
        await settle(pilot)


async def test_a_widget_is_styled_as_it_mounts_and_again_when_its_classes_change(held_engine) -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        probe = Input("1", compact=True)  # its constructor sets the class that makes it one row
        await app.screen.mount(probe)
        await pilot.pause()
        assert probe.region.height == 1
        probe.compact = False  # a framed field: three rows
        await pilot.pause()
        assert probe.region.height == 3
        held_engine.set()
        await settle(pilot)
