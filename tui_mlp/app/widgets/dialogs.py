"""The directory prompt for ctrl+s (save) and ctrl+o (load)."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class PathDialog(ModalScreen[str | None]):
    """Ask for a directory; Enter returns it, Escape returns None."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]
    AUTO_FOCUS = "#path"

    def __init__(self, title: str, default: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="dialog-title")
            yield Input(self.default, id="path", placeholder="directory", select_on_focus=False)
            yield Label("enter: ok   escape: cancel", id="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#path", Input).action_end()  # edit the default from its end

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        self.dismiss(path or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
