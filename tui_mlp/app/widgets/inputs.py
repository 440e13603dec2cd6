"""An Input whose editing keys keep their place among the typed characters.

textual inserts a printable key as soon as the Input sees it, but runs a
key binding (backspace, delete, arrows, home, end, enter) only after the
event has bubbled up to the app. Typed fast (a paste, tmux send-keys, a
busy UI thread while training), "⌫⌫⌫⌫300" over "1000" would give "100",
not "300". Here the Input's own bindings run on the spot, in order.
"""
from __future__ import annotations

from textual import events
from textual.binding import Binding
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
