"""The settings form, built from ``config.FIELDS``: an Input per text field
(id = the field name), a Select for fields with choices, a Checkbox for
yes/no fields. The fields of ``PRIMARY`` come first; every other field goes
into a collapsed "advanced" group, so new fields need no code here. The
group's fields are mounted just after the first frame (which so builds half
as many widgets); the form reaches every field through the widget it made,
mounted or not, so nothing waits for them.

Each field is parsed as typed by ``config.parse_field`` and the whole form by
``config.build_config``; the message shows beside the field. When the whole
form is valid and differs from the last config sent, ``Applied`` goes up and
the app collects the config with ``take_pending``.
"""
from __future__ import annotations

from typing import Any

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.lazy import Lazy
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Checkbox, Collapsible, Input, Label, Select, Static

from tui_mlp.app.widgets.inputs import OrderedInput, PathInput
from tui_mlp.config import (
    CSV_DEFAULTS,
    FIELDS,
    GENERATED_ONLY,
    Config,
    ConfigError,
    build_config,
    parse_field,
    text_of,
)

#: The fields shown first, in this order: the data, the network, the training.
PRIMARY = ("n_samples", "noise", "train", "dev", "seed", "shuffle",
           "hidden", "activation", "lr", "epochs", "log_epochs")
GROUP_TITLES = {"data": "data", "model": "model", "train": "training"}


def field_message(name: str, exc: ConfigError) -> str:
    """The user-facing text: the form's label for the field, the value, what is accepted."""
    return str(exc.relabel(FIELDS[name].label))


class FieldValidator(Validator):
    """Textual validation through the one parser of the field."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.field_name = name

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_field(self.field_name, value)
        except ConfigError as exc:
            return self.failure(field_message(self.field_name, exc))
        return self.success()


class FieldSelect(Select[str]):
    """A Select whose value holds before it is mounted as well as after (the
    advanced group's are mounted after the first frame): a plain one reads
    blank until mounted, and shows its prompt if its value was set before."""

    def __init__(self, choices: tuple[str, ...], value: str, **kwargs: Any) -> None:
        super().__init__([(c, c) for c in choices], value=value, allow_blank=False, **kwargs)
        self.value = value

    def on_mount(self) -> None:
        # once Select's own handler has set it up: show the value it holds now
        # (mypy cannot type a generic class's reactive read from the class)
        self.call_next(self.mutate_reactive, Select.value)  # type: ignore[misc]


class SettingsForm(VerticalScroll, can_focus=False):
    """Data, model and training settings. The form itself takes no focus (its
    fields do, and scroll into view), so tab goes from the tabs to the first field."""

    # Priority bindings run while the app dispatches the key, before it hands
    # the next key to the focused field: "esc s" typed fast leaves the field,
    # then starts training, instead of typing an "s".
    BINDINGS = [Binding("escape", "leave", "leave field", priority=True),
                Binding("enter", "submit", "leave field", show=False, priority=True)]

    class Applied(Message):
        """The form is valid and describes a new config: the app takes it with
        ``take_pending`` (so a command key that gets there first sends it first)."""

    def __init__(self, config: Config, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config = config  # the initial settings
        self._sent: Config | None = config  # the last valid config sent up
        self._errors: dict[str, str] = {}
        self._external: dict[str, tuple[Any, str]] = {}  # refusals from outside (a bad CSV)
        self._csv_shown = False  # the fields show a CSV's settings
        self._generated: dict[str, str] = {}  # what CSV_DEFAULTS replaced in the fields, for going back
        self._editors: dict[str, Input | Select[str] | Checkbox] = {}  # field name -> its widget
        self._error_boxes: dict[str, Static] = {}  # field name -> where its message shows

    #: The border's hint: how to get out of a field, or into one.
    IN_FIELD, OUTSIDE = "esc: leave field", "tab or click: edit"

    def on_mount(self) -> None:
        self.border_subtitle = self.OUTSIDE
        self._show_generated_fields(self.config.data.dataset != "csv")

    def on_descendant_focus(self) -> None:
        self.border_subtitle = self.IN_FIELD

    def on_descendant_blur(self) -> None:
        self.border_subtitle = self.IN_FIELD if self.has_focus_within else self.OUTSIDE

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        for group, title in GROUP_TITLES.items():
            yield Label(title, classes="group-title")
            for name in PRIMARY:
                if FIELDS[name].group == group:
                    yield from self._field(name)
        rest = [name for name in FIELDS if name not in PRIMARY]
        if rest:
            with Collapsible(title="advanced", collapsed=True, id="advanced"), \
                    Lazy(Container(id="advanced-fields")):
                for name in rest:
                    yield from self._field(name)

    def _field(self, name: str) -> ComposeResult:
        spec = FIELDS[name]
        value = self.config.get(name)
        with Horizontal(classes="field", id=f"{name}-row"):
            yield Label(spec.label, classes="field-label")
            self._editors[name] = self._editor(name, value)
            yield self._editors[name]
        self._error_boxes[name] = Static("", id=f"{name}-error", classes="field-error")
        yield self._error_boxes[name]

    @staticmethod
    def _editor(name: str, value: Any) -> Input | Select[str] | Checkbox:
        spec = FIELDS[name]
        tip = f"{spec.help}; {spec.accepted}"
        if spec.choices:
            select = FieldSelect(spec.choices, value, id=name, compact=True)
            select.tooltip = tip
            return select
        if isinstance(value, bool):
            box = Checkbox(value=value, id=name, compact=True)
            box.tooltip = tip
            return box
        editor = (PathInput if spec.is_path else OrderedInput)(
            text_of(value), id=name, validators=[FieldValidator(name)],
            validate_on=["changed", "submitted"], compact=True, select_on_focus=False)
        editor.tooltip = tip
        return editor

    # ------------------------------------------------------------ values
    def _widget_of(self, name: str) -> Input | Select[str] | Checkbox:
        """The widget of one field (its id is the field's name), mounted or not."""
        return self._editors[name]

    def values(self) -> dict[str, Any]:
        """Each field's raw value: text, a choice, or a bool."""
        out: dict[str, Any] = {}
        for name in FIELDS:
            out[name] = self._widget_of(name).value
        return out

    @property
    def errors(self) -> dict[str, str]:
        """Field name -> message, for every field the form refuses now."""
        return dict(self._errors)

    def first_error(self) -> tuple[str, str] | None:
        for name in FIELDS:
            if name in self._errors:
                return name, self._errors[name]
        return None

    def set_field_error(self, name: str, message: str | None) -> None:
        """Show (or clear) a message beside a field."""
        if message:
            self._errors[name] = message
        else:
            self._errors.pop(name, None)
        box = self._error_boxes[name]
        box.update(message or "")
        box.set_class(bool(message), "-shown")
        self._widget_of(name).set_class(bool(message), "-invalid")
        if message and name not in PRIMARY:
            self.query_one("#advanced", Collapsible).collapsed = False

    def set_config(self, config: Config) -> None:
        """Show ``config`` in every field (a preset, a settings file) and take it
        as sent: the caller applies it, and the fields' change events that
        follow find nothing new to send."""
        for name in FIELDS:
            value = config.get(name)
            plain = FIELDS[name].choices or isinstance(value, bool)
            self._widget_of(name).value = value if plain else text_of(value)
        self._external.clear()
        self._generated.clear()
        self._show_generated_fields(config.data.dataset != "csv")
        self._sent = config
        self.check()

    def refuse(self, name: str, message: str) -> None:
        """An error found outside the form (e.g. the CSV file cannot be read):
        shown beside the field until its value changes."""
        self._external[name] = (self.values()[name], message)
        self._sent = None
        self.set_field_error(name, message)

    def check(self) -> Config | None:
        """Validate every field and the whole; show the messages; return the
        config if valid."""
        values = self.values()
        field_errors: dict[str, str] = {}
        for name, value in values.items():
            try:
                parse_field(name, value)
            except ConfigError as exc:
                field_errors[name] = field_message(name, exc)
        for name, (value, message) in list(self._external.items()):
            if values[name] == value:
                field_errors.setdefault(name, message)
            else:
                del self._external[name]
        config = None
        if not field_errors:
            try:
                config = build_config(values)
            except ConfigError as exc:
                field_errors[exc.name] = field_message(exc.name, exc)
        for name in FIELDS:
            if field_errors.get(name) != self._errors.get(name):
                self.set_field_error(name, field_errors.get(name))
        return config

    def unsent(self) -> Config | None:
        """The form's config if it is valid and not sent yet (it still is not)."""
        config = self.check()
        return None if config is None or config == self._sent else config

    def take_pending(self) -> Config | None:
        """The form's config if it is valid and not sent yet (it counts as sent now)."""
        config = self.unsent()
        if config is not None:
            self._sent = config
        return config

    def _apply(self) -> None:
        config = self.check()
        if config is not None and config != self._sent:
            self.post_message(self.Applied())

    # ------------------------------------------------------------ events
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        if isinstance(event, Select.Changed) and event.select.id == "dataset":
            self._dataset_chosen(str(event.value))
        self._apply()

    def _dataset_chosen(self, dataset: str) -> None:
        """A CSV's rows are used as they are: the fields of generated data it
        has no use for are disabled, and those with a CSV default show it
        (noise 0, the book's split as fractions); a generated set gets back
        the values they had."""
        csv = dataset == "csv"
        if csv == self._csv_shown:
            return
        for name, default in CSV_DEFAULTS.items():
            widget = self._widget_of(name)
            if csv:
                self._generated[name] = str(widget.value)
                widget.value = text_of(default)
            else:
                widget.value = self._generated.pop(name, text_of(Config().get(name)))
        self._show_generated_fields(not csv)

    def _show_generated_fields(self, generated: bool) -> None:
        self._csv_shown = not generated
        for name in GENERATED_ONLY:
            self._widget_of(name).disabled = not generated

    def action_leave(self) -> None:
        """Escape leaves the field (an open Select list closes first)."""
        if any(select.expanded for select in self.query(Select)):
            raise SkipAction()
        self.screen.set_focus(None)

    def action_submit(self) -> None:
        """Enter leaves a text field, so single-letter keys reach the app again;
        elsewhere (a Select, the checkbox) it keeps its usual meaning."""
        if not isinstance(self.screen.focused, Input):
            raise SkipAction()
        self.screen.set_focus(None)
