"""The network tab's two pictures, drawn through the Line API: the network
(focusable: the tab's keys act while it has the focus) and the selected unit."""
from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip

from tui_mlp.app.widgets.lines import PAD, StripPane


class RowsPane(StripPane):
    """A StripPane fed rows of Segments of any length."""

    def show_rows(self, rows: list[list[Segment]]) -> None:
        """``rows``, each cut or padded to the pane's width."""
        width = self.size.width
        self.show_strips([Strip(row).crop_extend(0, width, PAD) for row in rows])


class NetworkView(RowsPane):
    """The network's columns of thumbnails and weight cells."""

    can_focus = True
    DEFAULT_CSS = "NetworkView { width: 1fr; height: 1fr; }"


class UnitView(RowsPane):
    """The selected unit, large, with its numbers."""

    DEFAULT_CSS = "UnitView { width: 1fr; height: 1fr; }"
