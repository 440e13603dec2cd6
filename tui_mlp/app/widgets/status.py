"""The status line: state word, epoch e/N, losses and accuracies, best dev
accuracy, epochs per second, and the last note or error."""
from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui_mlp.app.trainer import ERROR, FINISHED, PAUSED, RUNNING, Snapshot

STATE_STYLES = {
    "idle": "bold reverse",
    RUNNING: "bold reverse green",
    PAUSED: "bold reverse yellow",
    FINISHED: "bold reverse blue",
    ERROR: "bold reverse red",
}


class StatusLine(Widget):
    """Draws the latest snapshot's numbers in one line, fitted to the width."""

    DEFAULT_CSS = "StatusLine { height: 1; }"
    #: Narrower than this, the line breaks in two after the epoch (give it height 2).
    TWO_LINES_BELOW = 70

    #: Off in snapshot tests: the only figure that depends on the machine.
    show_speed: reactive[bool] = reactive(True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._snapshot: Snapshot | None = None
        self._key: tuple | None = None

    def show(self, snap: Snapshot) -> None:
        """Redraw only when something shown has changed."""
        key = (snap.state, snap.epoch, snap.config.train.epochs, snap.metrics, snap.best_score,
               round(snap.speed), snap.error, snap.note)
        if key != self._key:
            self._key, self._snapshot = key, snap
            self.refresh()

    @property
    def text(self) -> str:
        """The line as plain text (what a test reads)."""
        return self.render().plain

    def render(self) -> Text:
        snap = self._snapshot
        if snap is None:
            return Text(" starting ", style=STATE_STYLES["idle"])
        wide = self.size.width >= 110
        out = Text(no_wrap=True, overflow="ellipsis", end="")
        out.append(f" {snap.state} ", style=STATE_STYLES.get(snap.state, "bold"))
        if snap.state == ERROR and snap.error:
            out.append(f" {snap.error} ", style="bold red")
        out.append(f" epoch {snap.epoch}/{snap.config.train.epochs}", style="bold")
        if self.size.width < self.TWO_LINES_BELOW and self.size.height >= 2:
            out.append("\n")
        if snap.metrics is not None:
            tl, ta, dl, da = snap.metrics
            if wide:
                out.append(f"  train loss {tl:.4f} acc {ta:.4f}  dev loss {dl:.4f} acc {da:.4f}")
            else:
                out.append(f"  loss {tl:.3f}/{dl:.3f}  acc {ta:.3f}/{da:.3f}")
        if snap.best_epoch >= 0:
            out.append(f"  best dev {snap.best_score:.4f} @{snap.best_epoch}" if wide else
                       f"  best {snap.best_score:.3f}")
        if snap.speed and snap.state in (RUNNING, PAUSED, FINISHED):
            speed = f"{snap.speed:,.0f}" if self.show_speed else "-"
            out.append(f"  {speed} ep/s", style="" if snap.state == RUNNING else "dim")
        if snap.note and snap.state != ERROR:
            out.append(f"  {snap.note}", style="italic")
        return out
