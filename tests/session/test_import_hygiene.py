"""Nothing below the app imports textual, and ``tui-mlp --help`` imports
neither torch nor textual: checked in fresh interpreters, as Harlequin does."""
from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui_mlp


def modules_below_the_app() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(tui_mlp.__path__, "tui_mlp.")]
    return sorted(n for n in names if n != "tui_mlp.app" and not n.startswith("tui_mlp.app.")
                  and n not in ("tui_mlp.cli", "tui_mlp.__main__"))


def loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return set(out.split())


def test_the_walk_finds_the_session_and_the_engine() -> None:
    names = modules_below_the_app()
    assert {"tui_mlp.session.trainer", "tui_mlp.runner", "tui_mlp.render.boundary",
            "tui_mlp.nn.linear"} <= set(names)


def test_no_module_below_the_app_loads_textual() -> None:
    names = modules_below_the_app()
    loaded = loaded_after("\n".join(f"import {n}" for n in names))
    assert set(names) <= loaded
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_help_imports_neither_torch_nor_textual() -> None:
    loaded = loaded_after(
        "import contextlib, io\nfrom tui_mlp.cli import main\n"
        "for argv in (['--help'], ['train', '--help'], ['compare', '--help'], ['serve', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):\n"
        "        main(argv)\n"
        "    assert 'usage: tui-mlp' in out.getvalue(), argv")
    assert "tui_mlp.cli" in loaded
    assert "torch" not in loaded and "textual" not in loaded
