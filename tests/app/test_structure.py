"""How the app is put together: no name of ours shadows one of Textual's,
and the private API of plotext and Textual is reached from one module."""
from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App, ComposeResult

import tui_mlp
from tui_mlp.app.widgets.log import TrainLog

ROOT = Path(tui_mlp.__file__).parent


class LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TrainLog()


async def test_scroll_to_on_the_log_is_textuals_own() -> None:
    app = LogApp()
    async with app.run_test(size=(40, 8)) as pilot:
        log = app.query_one(TrainLog)
        log.write_lines([f"[Train] epoch: {i}" for i in range(30)])
        log.scroll_to(y=3)
        await pilot.pause()
        assert log.offset_from_end == 0 and log.render_line(7).text.rstrip() == "[Train] epoch: 29"
        await pilot.press("tab", "up", "up")  # the log's own scrolling still works
        assert log.offset_from_end == 2


def private_imports(path: Path) -> list[str]:
    """Modules of plotext or textual whose name has a part starting with "_"
    that ``path`` imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in ("plotext", "textual")
                  and any(part.startswith("_") for part in n.split(".")[1:])]
    return found


def test_only_the_adapter_imports_private_modules_of_plotext_or_textual() -> None:
    files = [*ROOT.rglob("*.py"), ROOT.parent / "benchmarks" / "bench_app.py"]
    found = {str(p.relative_to(ROOT.parent)): private_imports(p) for p in files}
    assert {path for path, names in found.items() if names} == {"tui_mlp/app/adapter.py"}
