"""The ``?`` help screen: every key of the tab shown, with what it does.

Built each time it opens from the bindings themselves (the app's, filtered by
its ``check_action`` as the footer is, and those of the tab's own widgets),
so a key added anywhere is listed without touching this module."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from rich.text import Text
from textual.actions import parse
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

#: One section: its title and (keys, what they do) rows.
Section = tuple[str, list[tuple[str, str]]]
#: Moving between the areas of a tab (textual's own screen keys).
FOCUS_KEYS: Section = ("moving around", [("tab / shift+tab", "next / previous field or pane, in screen order")])


def own_bindings(cls: type) -> list[BindingType]:
    """The bindings the project's classes in ``cls``'s ancestry declare (not textual's own)."""
    return [binding for base in reversed(cls.__mro__) if base.__module__.split(".")[0] != "textual"
            for binding in vars(base).get("BINDINGS", ())]


def _rows(app: App[Any], bindings: Iterable[BindingType], node: Any) -> list[tuple[str, str]]:
    """(keys, description) for each binding ``node`` would run now, the keys
    that do the same joined."""
    rows: dict[str, list[str]] = {}
    for binding in Binding.make_bindings(bindings):
        _, name, params = parse(binding.action)
        if not binding.description or node.check_action(name, params) is False:
            continue
        what = binding.tooltip or binding.description
        if binding.group is not None and binding.group.description not in what:
            what = f"{what} ({binding.group.description})"
        # the key itself, not a footer's display for a pair ("←→" for left)
        rows.setdefault(what, []).append(app.get_key_display(replace(binding, key_display=None)))
    return [(" ".join(keys), what) for what, keys in rows.items()]


def key_sections(app: App[Any], pane: Widget) -> list[Section]:
    """The keys of the app that work on ``pane``'s tab, then each of the tab's
    widgets that binds keys of its own (they work while it has the focus)."""
    sections: list[Section] = [("keys on this tab", _rows(app, own_bindings(type(app)), app))]
    seen: set[type] = set()
    for widget in pane.walk_children(Widget, with_self=True):
        own = [] if type(widget) in seen else own_bindings(type(widget))
        seen.add(type(widget))
        if own:
            rows = _rows(app, own, widget)
            if rows:
                where = getattr(widget, "HELP_PLACE", None) or widget.border_title or widget.id \
                    or type(widget).__name__
                sections.append((f"in the {where} (when focused)", rows))
    sections.append(FOCUS_KEYS)
    return sections


def help_text(sections: list[Section]) -> Text:
    """The sections as one text: titles in bold, keys in a column."""
    width = max((len(keys) for _, rows in sections for keys, _ in rows), default=0)
    text = Text()
    for index, (title, rows) in enumerate(sections):
        if index:
            text.append("\n")
        text.append(f"{title}\n", style="bold underline")
        for keys, what in rows:
            text.append(f"  {keys:<{width}}", style="bold")
            text.append(f"  {what}\n")
    return text


class HelpScreen(ModalScreen[None]):
    """The keys, scrollable (arrows, PgUp/PgDn); Escape, ``?`` or ``q`` closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "close", priority=True)]
    AUTO_FOCUS = "#help-body"

    def __init__(self, title: str, sections: list[Section], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = f"keys: {self.title_text}"
            body.border_subtitle = "↑↓ pgup pgdn: scroll  esc: close"
            yield Static(help_text(self.sections), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
