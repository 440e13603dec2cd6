"""The status line: state word, epoch e/N (or the past epoch the timeline's
cursor shows), losses and accuracies, best dev accuracy, epochs per second,
and the last note or error.

Drawn through the Line API: the two lines are built once per change, not
re-rendered from rich Text on every repaint."""
from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip

from tui_mlp.app.engine import nn, session
from tui_mlp.app.widgets.lines import MUTED, PAD, StripPane

if TYPE_CHECKING:
    from tui_mlp.session import Snapshot, State

_WORD = "#101010"
#: The state word while there is no run yet (torch loading): as idle.
WAITING = Style(bold=True, color=_WORD, bgcolor="#c0c0c0")
BOLD, PLAIN = Style(bold=True), PAD
NOTE = Style(italic=True)
PAST = Style(bold=True, reverse=True)  # a past epoch shown: marked in any colour mode
FAULT = Style(bold=True, color="#ff6060")
ELLIPSIS = "…"

Line = list[tuple[str, Style]]


@cache
def state_styles() -> dict[State, Style]:
    """The state word's style, by state (once the session has loaded)."""
    state = session.State
    return {
        state.IDLE: WAITING,
        state.RUNNING: Style(bold=True, color=_WORD, bgcolor="#4cb860"),
        state.PAUSED: Style(bold=True, color=_WORD, bgcolor="#e0b030"),
        state.FINISHED: Style(bold=True, color=_WORD, bgcolor="#5b9be0"),
        state.ERROR: Style(bold=True, color=_WORD, bgcolor="#e05050"),
    }


class StatusLine(StripPane):
    """Two lines from the latest snapshot: what is happening (state, epoch,
    speed, the last note or error), then the numbers (losses, accuracies,
    best dev accuracy), labelled when there is room."""

    DEFAULT_CSS = "StatusLine { height: 2; }"
    #: Off in snapshot tests: the only figure that depends on the machine.
    show_speed: reactive[bool] = reactive(True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._snapshot: Snapshot | None = None
        self._key: tuple | None = None
        self._loading: Line = []  # what follows "loading torch" until the first snapshot

    def show(self, snap: Snapshot) -> None:
        """Redraw only when something shown has changed."""
        key = (snap.state, snap.epoch, snap.config.train.epochs, snap.metrics, snap.best_score,
               round(snap.speed), snap.pace, snap.error, snap.note, snap.viewing, snap.replaying)
        if key != self._key:
            self._key, self._snapshot = key, snap
            self._redraw()

    def show_loading(self, waiting: int, error: str = "") -> None:
        """Before the first snapshot: how many keys wait for torch, or why it did not load."""
        self._loading = [(f"  {error}", FAULT)] if error else \
            [(f"  {waiting} key{'s' if waiting > 1 else ''} pressed: acting once it has loaded", NOTE)] \
            if waiting else []
        self._redraw()

    def watch_show_speed(self) -> None:
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    @property
    def text(self) -> str:
        """Both lines as plain text (what a test reads)."""
        return "\n".join("".join(text for text, _ in line) for line in self.lines(self.size.width))

    def lines(self, width: int) -> list[Line]:
        """The two lines as (text, style) pieces, labelled if ``width`` allows."""
        snap = self._snapshot
        if snap is None:
            return [[(" loading torch… ", WAITING), *self._loading], []]
        head: Line = [(f" {snap.state} ", state_styles().get(snap.state, BOLD))]
        if snap.viewing is None:
            head.append((f" epoch {snap.epoch}/{snap.config.train.epochs}", BOLD))
        else:  # the metrics below are that epoch's
            verb, hint = ("replaying", "y: stop") if snap.replaying else ("viewing", "end: latest")
            head += [(" ", PLAIN), (f"{verb} epoch {snap.viewing} of {snap.epoch - 1}", PAST), (f" - {hint}", PLAIN)]
        pace: Line = [(f"  pace {session.pace_text(snap.pace)}", PLAIN)]
        state = session.State
        if snap.speed and snap.state in (state.RUNNING, state.PAUSED, state.FINISHED):
            speed = f"{snap.speed:,.0f}" if self.show_speed else "-"
            pace.append((f"  {speed} ep/s", PLAIN if snap.state == state.RUNNING else MUTED))
        tail: Line = []
        if snap.state == state.ERROR and snap.error:
            tail.append((f"  {snap.error}", FAULT))
        elif snap.note:
            tail.append((f"  {snap.note}", NOTE))
        # the note or error matters more than the pace: the pace gives way first
        for first in (head + pace + tail, head + pace[:1] + tail, head + tail):
            if sum(len(text) for text, _ in first) <= width:
                break
        return [first, self._numbers(snap, width)]

    @staticmethod
    def _numbers(snap: Snapshot, width: int) -> Line:
        """The numbers, in the first of these forms that fits ``width``: fully
        labelled, with a shorter "best", unlabelled; the score the task's
        (accuracy, or a regression's RMSE and R²)."""
        scoring = nn.head_for(snap.config.data).scoring
        labelled = short = ""
        if snap.metrics is not None:
            tl, ta, dl, da = snap.metrics
            labelled = f" train {scoring.summary(tl, ta)}  dev {scoring.summary(dl, da)}"
            short = f" loss {tl:.3f}/{dl:.3f}  {scoring.label} {ta:.3f}/{da:.3f}"
        forms = [(labelled, "  best dev {b:.4f} @{e}"), (labelled, "  best {b:.4f} @{e}"),
                 (short, "  best {b:.3f}")]
        values: dict[str, float | int] = {"b": snap.best_score, "e": snap.best_epoch}
        line = ""
        for metrics, best in forms:
            line = metrics + (best.format(**values) if snap.best_epoch >= 0 else "")
            if len(line) <= width:
                break
        return [(line, PLAIN)] if line else []

    def _redraw(self) -> None:
        width = self.size.width
        self.show_strips([_strip(line, width) for line in self.lines(width)])


def _strip(line: Line, width: int) -> Strip:
    """One line cut to ``width`` cells, an ellipsis marking the cut."""
    strip = Strip([Segment(text, style) for text, style in line if text])
    if strip.cell_length > width:
        kept = list(strip.crop(0, max(width - 1, 0)))
        style = kept[-1].style if kept else PAD
        strip = Strip([*kept, Segment(ELLIPSIS, style)]) if width else Strip([])
    return strip.extend_cell_length(width, PAD)
