"""An Input whose editing keys keep their place among the typed characters.

textual inserts a printable key as soon as the Input sees it, but runs a
key binding (backspace, delete, arrows, home, end, enter) only after the
event has bubbled up to the app. Typed fast (a paste, tmux send-keys, a
busy UI thread while training), "⌫⌫⌫⌫300" over "1000" became "100" instead
of "300". Here the Input's own bindings run on the spot, in order.
"""
from __future__ import annotations

from textual import events
from textual.widgets import Input


class OrderedInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            bindings = self._bindings.key_to_bindings.get(event.key)
            if bindings:
                event.stop()
                event.prevent_default()
                await self.run_action(bindings[0].action)
                return
        await super()._on_key(event)
