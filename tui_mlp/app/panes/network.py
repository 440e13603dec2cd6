"""The network tab: the network as TensorFlow Playground draws it, the
selected unit large beside it, and the keys that select a unit and edit its
bias and incoming weights.

The pictures are drawn from the snapshot's parameters (which need not be
the latest epoch's) by ``render.network``; an edit goes to the training
worker as an ``EditWeight`` command, and the worker publishes the edited
network at once.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Click
from textual.widgets import Input, Label

from tui_mlp.app.engine import nn, render_boundary, render_network, session
from tui_mlp.app.pacing import Pace
from tui_mlp.app.panes.base import Pane
from tui_mlp.app.widgets.lines import retitle
from tui_mlp.app.widgets.network import NetworkView, UnitView
from tui_mlp.app.widgets.palette import app_palette
from tui_mlp.config import EDIT_STEP, MAX_EDIT_WEIGHT, ConfigError, parse_weight

if TYPE_CHECKING:
    from tui_mlp.render.network import Frame, Unit
    from tui_mlp.session import Command, EditWeight, Snapshot

#: How to leave the field for a typed value.
EDIT_HINT = "enter sets it, esc cancels"
#: Rows of the unit view besides its map (name, scale, health, table head, three entries, hint).
UNIT_TEXT_ROWS = 8


class NetworkPane(Pane):
    """The network (focused on entering the tab) beside the selected unit."""

    TAB, TITLE = "network-tab", "Network"
    BINDINGS = [
        # one footer entry per kind of key, so the footer fits in 80 columns
        Binding("up", "select(0, -1)", "unit", key_display="↑↓←→"),
        Binding("down", "select(0, 1)", "unit below", show=False),
        Binding("left", "select(-1, 0)", "layer left", show=False),
        Binding("right", "select(1, 0)", "layer right", show=False),
        Binding("comma", "pick(-1)", "edit", key_display=",.[]⏎"),
        Binding("full_stop", "pick(1)", "next entry", show=False),
        Binding("left_square_bracket", "nudge(-1)", "nudge down", show=False),
        Binding("right_square_bracket", "nudge(1)", "nudge up", show=False),
        Binding("enter", "type_value", "type a value", show=False),
        Binding("o", "toggle_points", "points"),
        Binding("escape", "cancel_edit", "cancel", show=False),
    ]

    def __init__(self, submit: Callable[[Command], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._submit = submit
        self.view = NetworkView(id="net-view")
        self.unit = UnitView(id="net-unit")
        self.editor = Input(id="net-edit", compact=True)
        self.editor_label = Label(id="net-edit-label")
        self.selected: Unit = (1, 0)
        self.picked = 0  # the selected unit's entry to edit: 0 its bias, then its weights
        self.show_points = False
        self._top = self._left = 0
        self._snap: Snapshot | None = None
        self._drawn: tuple | None = None  # ``_key()`` of the pictures shown...
        self._drawn_refs: tuple = ()  # ...and the weights it names, kept alive so their ids stay theirs
        self._frame: Frame | None = None
        self._frame_key: tuple | None = None
        self._pace = Pace(0.25)  # while training, at most 4 redraws a second

    def compose(self) -> ComposeResult:
        yield self.view
        with Vertical(id="net-side"):
            yield self.unit
            with Vertical(id="net-editing"):
                yield self.editor_label
                yield self.editor

    def on_mount(self) -> None:
        self.view.border_title = "network: ←↑↓→ select a unit, o points on the output"
        self.editing.display = False

    # ------------------------------------------------------------ drawing
    def show(self, snap: Snapshot) -> None:
        self._snap = snap
        if self._key() != self._drawn and self._pace.due(snap.state == session.State.RUNNING):
            self.draw()

    def on_resize(self) -> None:
        self.call_after_refresh(self.draw)

    def _key(self) -> tuple | None:
        """What the pictures show: the snapshot's weights and gradients by
        identity (each snapshot's are new copies), the rest by value."""
        snap = self._snap
        if snap is None:
            return None
        return (id(snap.params), id(snap.grads), snap.state, snap.data_version, self.selected, self.picked,
                self.show_points, self.view.size, self.unit.size)

    def draw(self) -> None:
        """Redraw both pictures if what they show changed."""
        snap = self._snap
        if snap is None or snap.params is None or snap.data is None:
            return
        sizes = render_network.sizes_of(snap.params)
        column = min(self.selected[0], len(sizes) - 1)  # the network may have changed shape
        self.selected = (column, min(self.selected[1], sizes[column] - 1))
        width, height = self.view.size
        unit_height = self.unit.size.height
        key = self._key()
        if key == self._drawn or width < 1 or height < 2:
            return
        self._drawn, self._drawn_refs = key, (snap.params, snap.grads)
        detail = (min(render_network.DETAIL_W, max(self.unit.size.width, 1)),
                  max(min(render_network.DETAIL_H, unit_height - UNIT_TEXT_ROWS), 1))
        features, head = snap.config.model.features, nn.head_for(snap.config.data)
        frame_key = (snap.data_version, detail, self.show_points, features, head)
        if self._frame is None or frame_key != self._frame_key:
            points = render_boundary.Points.of(*snap.data)
            self._frame = render_network.Frame.of(points, detail, self.show_points, features, head)
            self._frame_key = frame_key
        column, index = self.selected
        self._left = render_network.follow_columns(sizes, self._left, column, width)
        slot = render_network.SLOT_H
        self._top = render_network.follow(self._top, index * slot, slot, height - 1)
        activation = snap.config.model.activation
        units = render_network.units_in_view(sizes, width, height, self._top, self._left)
        palette = app_palette(self.app)
        picture = render_network.draw(snap.params, activation, self._frame, snap.data[0][0], self.selected,
                                      units, palette)
        self.view.show_rows(render_network.network_rows(picture, sizes, activation, self.selected, width, height,
                                         self._top, self._left, features))
        self.unit.show_rows(render_network.detail_rows(picture, snap.params, snap.grads, activation, self.selected,
                                        self.picked, self._refusal(), unit_height, features,
                                        self.unit.size.width, head, palette))
        epoch = snap.weights_epoch
        when = "initial weights" if epoch is None else \
            f"epoch {epoch}" + (", timeline" if snap.viewing is not None else "")
        retitle(self.unit, f"{render_network.unit_name(sizes, self.selected, features)} ({when})")
        slots = max(sizes)
        first, last = self._top // slot + 1, min((self._top + height - 1) // slot, slots)
        retitle(self.view, subtitle=f"{activation}; units {first}-{last} of {slots}"
                if last < slots or first > 1 else activation)

    def on_click(self, event: Click) -> None:
        """A click on a unit's thumbnail or caption selects it."""
        if self._snap is None or self._snap.params is None or event.widget is not self.view:
            return
        sizes = render_network.sizes_of(self._snap.params)
        unit = render_network.unit_at(sizes, self.view.size.width, self._top, self._left, *self._view_offset(event))
        if unit is not None and unit != self.selected:
            self.selected, self.picked = unit, 0
            self.draw()
        self.view.focus()

    def _view_offset(self, event: Click) -> tuple[int, int]:
        """Where in the network's picture (inside its border) a click fell."""
        offset = event.get_content_offset(self.view)
        return (offset.x, offset.y) if offset is not None else (-1, -1)

    @property
    def editing(self) -> Vertical:
        """The field for a typed value, with its label: shown while one is typed."""
        return self.query_one("#net-editing", Vertical)

    def _refusal(self) -> str | None:
        """Why the weights cannot be edited now, or None."""
        if self._snap is not None and self._snap.state == session.State.RUNNING:
            return session.EditWeight.REFUSED
        if self._snap is not None and self._snap.viewing is not None:
            return session.EditWeight.PAST
        return None

    # ------------------------------------------------------------ keys
    def action_select(self, columns: int, units: int) -> None:
        """Arrows: the next unit up or down its column, or in the next column left or right."""
        if self._snap is None or self._snap.params is None:
            return
        sizes = render_network.sizes_of(self._snap.params)
        column = min(max(self.selected[0] + columns, 0), len(sizes) - 1)
        index = min(max(self.selected[1] + units, 0), sizes[column] - 1)
        if (column, index) != self.selected:
            self.selected, self.picked = (column, index), 0
            self.draw()

    def action_pick(self, step: int) -> None:
        """``,``/``.``: the previous or next of the selected unit's bias and weights."""
        entries = self._entries()
        if entries:
            self.picked = min(max(self.picked + step, 0), len(entries) - 1)
            self.draw()

    def action_nudge(self, sign: int) -> None:
        """``[``/``]``: the picked bias or weight one step smaller or larger."""
        edit = self._edit(delta=sign * EDIT_STEP)
        if edit is not None:
            self._submit(edit)

    def action_type_value(self) -> None:
        """Enter: a field to type the picked bias or weight's new value in."""
        edit = self._edit()
        if edit is None or self._snap is None or self._snap.params is None:
            return
        value = float(self._snap.params[edit.layer][edit.key][edit.index])
        self.editor.value = f"{value:.4g}"
        self.editor_label.update(f"{edit.name}, from -{MAX_EDIT_WEIGHT:g} to {MAX_EDIT_WEIGHT:g}:\n{EDIT_HINT}")
        self.editing.display = True
        self.editor.focus()

    def action_toggle_points(self) -> None:
        """``o``: the data on the output's maps, or not."""
        self.show_points = not self.show_points
        self.draw()

    def action_cancel_edit(self) -> None:
        if self.editing.display:
            self.editing.display = False
            self.view.focus()

    @on(Input.Submitted, "#net-edit")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        edit = self._edit()
        if edit is not None:
            try:
                value = parse_weight(edit.name, event.value)
            except ConfigError as exc:  # said in the box, which stays open for another try
                self.editor_label.update(f"{exc}\n{EDIT_HINT}")
                return
        self.action_cancel_edit()
        if edit is None:
            return
        self._submit(session.EditWeight(edit.layer, edit.key, edit.index, value=value))

    def _entries(self) -> list[tuple[str, tuple[int, int], str]]:
        if self._snap is None or self._snap.params is None:
            return []
        sizes = render_network.sizes_of(self._snap.params)
        return render_network.unit_params(sizes, self.selected, self._snap.config.model.features)

    def _edit(self, delta: float = 0.0) -> EditWeight | None:
        """The command for the picked entry (None, with a word why, if there is none)."""
        entries = self._entries()
        if not entries or self._snap is None or self._snap.params is None:
            self.notice("an input has no weights: select a hidden or output unit (arrows)", "warning")
            return None
        refusal = self._refusal()
        if refusal is not None:
            self.notice(refusal, "warning")
            return None
        key, index, _ = entries[min(self.picked, len(entries) - 1)]
        layer = list(self._snap.params)[self.selected[0] - 1]
        return session.EditWeight(layer, key, index, delta=delta)
