"""What every tab's pane is to the app."""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.containers import Container
from textual.message import Message
from textual.notifications import SeverityLevel

if TYPE_CHECKING:
    from tui_mlp.session import Comparer, Snapshot, Trainer


class Notice(Message):
    """Something to tell the user: the app shows it as a toast of one row and
    puts it in the log whole."""

    def __init__(self, text: str, severity: SeverityLevel = "information", timeout: float | None = None) -> None:
        super().__init__()
        self.text, self.severity, self.timeout = text, severity, timeout


class Pane(Container):
    """A tab's content: it owns what the tab shows and the keys that act on it.

    While the tab is shown, the app hands ``show`` the latest snapshot in every
    frame the redraw policy allows (``pacing``); the pane redraws the parts
    whose data changed, each at the pace it declared."""

    #: The tab's id.
    TAB: ClassVar[str]
    #: The tab's title.
    TITLE: ClassVar[str]
    #: App actions that work, and are listed in the footer, only on the tabs
    #: that name them (the footer must fit in 80 columns); an action no tab
    #: names works everywhere.
    KEYS: ClassVar[frozenset[str]] = frozenset()

    def engine_ready(self, trainer: Trainer, comparer: Comparer) -> None:
        """Torch and the session have loaded (the app's first frame is drawn
        without them): keep what the pane reads of them, draw what needs torch."""

    def show(self, snap: Snapshot) -> None:
        """Redraw what changed since the last call; a tab that shows nothing of
        the run keeps this as is."""

    def notice(self, text: str, severity: SeverityLevel = "information", timeout: float | None = None) -> None:
        """Tell the user ``text`` (through the app, which owns the toasts and the log)."""
        self.post_message(Notice(text, severity, timeout))
