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
    """Two lines from the latest snapshot: what is happening (state, epoch,
    speed, the last note or error), then the numbers (losses, accuracies,
    best dev accuracy), labelled when there is room."""

    DEFAULT_CSS = "StatusLine { height: 2; text-wrap: nowrap; text-overflow: ellipsis; }"
    #: Narrower than this, the numbers lose their labels.
    LABELS_FROM = 78

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
        """Both lines as plain text (what a test reads)."""
        return self.render().plain

    def render(self) -> Text:
        snap = self._snapshot
        if snap is None:
            return Text(" starting ", style=STATE_STYLES["idle"])
        out = Text(no_wrap=True, overflow="ellipsis", end="")
        out.append(f" {snap.state} ", style=STATE_STYLES.get(snap.state, "bold"))
        out.append(f" epoch {snap.epoch}/{snap.config.train.epochs}", style="bold")
        if snap.speed and snap.state in (RUNNING, PAUSED, FINISHED):
            speed = f"{snap.speed:,.0f}" if self.show_speed else "-"
            out.append(f"  {speed} ep/s", style="" if snap.state == RUNNING else "dim")
        if snap.state == ERROR and snap.error:
            out.append(f"  {snap.error}", style="bold red")
        elif snap.note:
            out.append(f"  {snap.note}", style="italic")
        out.append("\n")
        labels = self.size.width >= self.LABELS_FROM
        if snap.metrics is not None:
            tl, ta, dl, da = snap.metrics
            out.append(f" train loss {tl:.4f} acc {ta:.4f}  dev loss {dl:.4f} acc {da:.4f}" if labels
                       else f" loss {tl:.3f}/{dl:.3f}  acc {ta:.3f}/{da:.3f}")
        if snap.best_epoch >= 0:
            out.append(f"  best dev {snap.best_score:.4f} @{snap.best_epoch}" if labels
                       else f"  best {snap.best_score:.3f}")
        return out
