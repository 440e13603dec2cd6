"""An Input whose editing keys keep their place among the typed characters,
and one that completes a path from the disk.

textual inserts a printable key as soon as the Input sees it, but runs a
key binding (backspace, delete, arrows, home, end, enter) only after the
event has bubbled up to the app. Typed fast (a paste, tmux send-keys, a
busy UI thread while training), "⌫⌫⌫⌫300" over "1000" would give "100",
not "300". Here the Input's own bindings run on the spot, in order.
"""
from __future__ import annotations

import os
from typing import Any

from textual import events
from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

from tui_mlp.app.adapter import own_binding


class OrderedInput(Input):
    #: A text field takes ``q`` and ``?`` as text: the footer names the keys
    #: that quit and open the help from inside one (ctrl+q a priority key, as
    #: textual's own hidden one is, so the footer lists this one).
    BINDINGS = [Binding("ctrl+q", "app.quit", "quit", priority=True), Binding("f1", "app.help", "help")]
    #: How the ``?`` help names the place where these keys work.
    HELP_PLACE = "a text field"

    async def on_key(self, event: events.Key) -> None:
        """Runs before ``Input``'s own key handler, which a bound key skips."""
        action = None if event.is_printable else own_binding(self, event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(action)


def complete_path(text: str) -> str | None:
    """``text`` completed to the first entry (by name) of its directory whose
    name starts with what follows the last "/" (``~`` expanded for the
    lookup, kept in the text); a directory gets a trailing "/". Hidden entries
    only when a "." is typed. None if nothing completes it."""
    if not text:
        return None
    folder, prefix = os.path.split(os.path.expanduser(text))
    try:
        names = sorted(os.listdir(folder or "."))
    except OSError:
        return None
    for name in names:
        if not name.startswith(prefix) or (name.startswith(".") and not prefix.startswith(".")):
            continue
        slash = "/" if os.path.isdir(os.path.join(folder or ".", name)) else ""
        rest = name[len(prefix):] + slash
        if rest:
            return text + rest
    return None


class PathSuggester(Suggester):
    """Suggests ``complete_path`` of what is typed (read anew each time: files come and go)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


class PathInput(OrderedInput):
    """A path field: the completion shows greyed after the text; right (at the
    end) or tab takes it, tab with nothing to complete goes to the next field."""

    BINDINGS = [Binding("tab", "complete", "complete path")]
    HELP_PLACE = "a path field"

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value, suggester=PathSuggester(), **kwargs)

    def action_complete(self) -> None:
        completed = complete_path(self.value) if self.cursor_at_end else None
        if completed is None:
            self.screen.focus_next()
            return
        self.value = completed
        self.cursor_position = len(completed)
