"""Any terminal: the real app in a pseudo-terminal with 256 and 16 colours
(each palette as those terminals show it: tests/engine/test_palette.py)."""
from __future__ import annotations

import re

import pytest

from .helpers import PtyApp, app_code

SGR = re.compile(rb"\x1b\[([0-9;]*)m")


def sgr_params(output: bytes) -> list[list[str]]:
    return [m.group(1).decode().split(";") for m in SGR.finditer(output)]


@pytest.mark.parametrize("system", ["256", "standard"])
def test_the_app_runs_and_draws_within_the_colour_system(system: str, tmp_path) -> None:
    app = PtyApp(app_code(n_samples=200, train=120, dev=40, epochs=50), cwd=tmp_path, size=(80, 24),
                 env={"TEXTUAL_COLOR_SYSTEM": system})
    try:
        assert app.read_for(30, until=b"idle"), bytes(app.output[-300:])
        app.send(b"s")
        assert app.read_for(5, until=b"finished")
        app.read_for(0.3)
        app.send(b"q")
        app.wait_exit(timeout=5)
    finally:
        app.close()
    assert app.proc.returncode == 0 and b"Traceback" not in app.output
    params = sgr_params(bytes(app.output))
    truecolor = [p for p in params if any(p[i:i + 2] in (["38", "2"], ["48", "2"]) for i in range(len(p)))]
    assert truecolor == []
    indexed = [p for p in params if any(p[i:i + 2] in (["38", "5"], ["48", "5"]) for i in range(len(p)))]
    if system == "standard":
        assert indexed == []
        codes = {c for p in params for c in p}
        assert {"44", "43"} <= codes or {"104", "43"} <= codes  # both classes' regions drawn
    else:
        assert indexed


def test_the_command_says_it_is_starting_and_leaves_no_trace_on_quit(tmp_path) -> None:
    """`tui-mlp` spends seconds importing torch and textual before the first
    frame: a line says so, and is taken away again when the app ends."""
    code = "import sys\nfrom tui_mlp.cli import main_exit\nsys.argv = ['tui-mlp']\nmain_exit()\n"
    app = PtyApp(code, cwd=tmp_path, size=(80, 24))
    try:
        assert app.read_for(30, until=b"tui-mlp: starting...")
        assert app.read_for(30, until=b"idle")
        assert app.output.index(b"starting...") < app.output.index(b"\x1b[?1049h")  # before the app's screen
        app.send(b"q")
        app.wait_exit(timeout=5)
    finally:
        app.close()
    assert app.proc.returncode == 0
    assert bytes(app.output).rstrip(b"\r\n").endswith(b"\r\x1b[K")
