"""How the app is put together: no name of ours shadows one of Textual's, the
private API of plotext and Textual is reached from one module, and every key
a pane names is bound."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.app import App, ComposeResult
from textual.dom import DOMNode

import tui_mlp
import tui_mlp.app
from tui_mlp.app import TrainerApp
from tui_mlp.app.widgets.log import TrainLog

ROOT = Path(tui_mlp.__file__).parent
#: Textual's methods that a subclass is meant to override.
HOOKS = {"compose", "get_default_screen", "render", "render_line", "get_line_filters", "check_action", "run_action",
         "action_quit", "run"}


def app_modules() -> list[str]:
    names = ["tui_mlp.app.app"]
    for package in ("panes", "widgets"):
        path = importlib.import_module(f"tui_mlp.app.{package}").__path__
        names += [f"tui_mlp.app.{package}.{m.name}" for m in pkgutil.iter_modules(path)]
    return names


def extends(method: object, name: str) -> bool:
    """The method does what Textual's does and more: it calls it."""
    return f"super().{name}(" in inspect.getsource(method)  # type: ignore[arg-type]


def test_no_method_of_ours_shadows_one_of_textuals_but_its_hooks() -> None:
    shadowing = []
    for name in app_modules():
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, DOMNode) and cls.__module__ == name):
                continue
            textual = [base for base in cls.__mro__ if base.__module__.startswith("textual")]
            for attr, value in vars(cls).items():
                if attr.startswith("__") or attr in HOOKS or not callable(value) or extends(value, attr):
                    continue
                shadowing += [f"{cls.__name__}.{attr} ({base.__name__})" for base in textual[:1]
                              if any(attr in vars(b) for b in textual)]
    assert shadowing == []


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


def test_every_key_a_pane_names_is_bound_in_the_app() -> None:
    app = TrainerApp()
    actions = {binding.action for binding in TrainerApp.BINDINGS}
    for pane in app.panes.values():
        assert pane.KEYS <= actions, pane.TAB
        assert app.panes[pane.TAB] is pane and pane.TITLE
