"""The dialogs: the path prompt (a directory for ctrl+s (save) and ctrl+o
(load), a file for the settings file and the exports), the preset picker, and
the question before a settings change resets a trained run."""
from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui_mlp.app.widgets.inputs import OrderedInput
from tui_mlp.presets import PRESETS

SAVE_FILE, LOAD_FILE = "save-settings", "load-settings"  # the picker's settings-file options


class DialogInput(OrderedInput):
    """The path dialog's field. Enter closes the dialog, but keys typed after
    it in the same burst (``path⏎q`` from tmux or a paste) are already on their
    way to this field: they go to the app instead, as if typed after the
    dialog closed, rather than into a field nobody sees."""

    _submitted = False

    async def action_submit(self) -> None:
        self._submitted = True
        await super().action_submit()

    async def on_key(self, event: events.Key) -> None:
        if self._submitted:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        await super().on_key(event)


class PathDialog(ModalScreen[str | None]):
    """Ask for a path (a directory unless ``placeholder`` says otherwise);
    Enter returns it, Escape returns None."""

    # Enter is the field's own (an Input.Submitted, in order after every key
    # typed before it): a priority binding would run ahead of characters still
    # on their way to the field and cut the path short. Escape may jump the queue.
    BINDINGS = [Binding("escape", "cancel", "cancel", priority=True)]
    AUTO_FOCUS = "#path"

    def __init__(self, title: str, default: str, placeholder: str = "directory", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.default = default
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="dialog-title")
            yield DialogInput(self.default, id="path", placeholder=self.placeholder,
                               select_on_focus=False)
            yield Label("enter: ok   escape: cancel", id="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#path", Input).action_end()  # edit the default from its end

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PresetPicker(ModalScreen[str | None]):
    """The presets with their titles and descriptions, then saving and loading
    the settings file (TOML, as ``tui-mlp train --config`` reads it); Enter
    picks, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel", priority=True)]
    AUTO_FOCUS = "#preset-list"

    def compose(self) -> ComposeResult:
        with Vertical(id="preset-dialog"):
            yield Label("a preset fills the settings and resets the run", id="preset-title")
            yield OptionList(*(Option(self._prompt(name), id=name) for name in PRESETS), None,
                             Option("save the settings to a TOML file...", id=SAVE_FILE),
                             Option("load the settings from a TOML file...", id=LOAD_FILE),
                             id="preset-list")
            yield Label("up/down: choose   enter: apply   escape: cancel", id="preset-help")

    @staticmethod
    def _prompt(name: str) -> Text:
        p = PRESETS[name]
        text = Text(no_wrap=False)
        text.append(f"{p.name}", style="bold")
        text.append(f"  {p.title}\n")
        text.append(p.description, style="dim")
        return text

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmReset(ModalScreen[bool]):
    """Ask before a settings change discards the trained weights: Enter or
    ``y`` applies it and resets the run (True), Escape or ``n`` keeps the run
    (False)."""

    BINDINGS = [Binding("enter,y", "answer(True)", "apply and reset", priority=True),
                Binding("escape,n", "answer(False)", "keep the run", priority=True)]

    def __init__(self, question: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(self.question, id="confirm-question")
            yield Label("enter/y: apply and reset   escape/n: keep the run", id="confirm-help")

    def action_answer(self, apply: bool) -> None:
        self.dismiss(apply)
