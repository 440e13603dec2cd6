"""The path prompt: a directory for ctrl+s (save) and ctrl+o (load), a file
for the settings file and the exports."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui_mlp.app.widgets.inputs import OrderedInput


class PathDialog(ModalScreen[str | None]):
    """Ask for a path (a directory unless ``placeholder`` says otherwise);
    Enter returns it, Escape returns None."""

    # priority: the answer is taken while the key is dispatched, so keys typed
    # right after enter or escape reach the main screen, not this field
    BINDINGS = [Binding("escape", "cancel", "cancel", priority=True),
                Binding("enter", "submit", "ok", priority=True)]
    AUTO_FOCUS = "#path"

    def __init__(self, title: str, default: str, placeholder: str = "directory", **kwargs) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.default = default
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="dialog-title")
            yield OrderedInput(self.default, id="path", placeholder=self.placeholder,
                               select_on_focus=False)
            yield Label("enter: ok   escape: cancel", id="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#path", Input).action_end()  # edit the default from its end

    def action_submit(self) -> None:
        self.dismiss(self.query_one("#path", Input).value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
