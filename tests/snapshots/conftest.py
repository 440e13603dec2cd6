"""``snap_compare``: a picture of the app compared with the one stored beside
the tests, in ``__snapshots__/<test module>/<test name>.svg``.

The picture is Textual's own SVG export (``App.export_screenshot``, as
pytest-textual-snapshot takes it), after the test's ``run_before`` and once
the screen has settled (scheduled animations, such as a tab's underline
sliding, have finished). Two things in that SVG are not the screen, and are
made constant before pictures are compared or stored:

- the title in the window's bar is always ``TITLE``, whatever the app's title;
- rich prefixes every CSS class and clip-path id with "terminal-" and a
  checksum of the content (``terminal-2913542386-r1``); the checksum is
  dropped (``terminal-r1``), as pytest-textual-snapshot's ``normalize_svg``
  does, so that a stored file differs from a new picture only where the
  screen does.

The export is always in 24-bit colour. An app made for 16 colours (the
``colour_system`` fixture, tests/conftest.py) has every colour of its picture
replaced by the one of the 16 its console would write (rich's match), so the
picture shows what such a terminal shows; an app made with NO_COLOR draws
its greys itself (Textual's filter).

``--snapshot-update`` stores the new pictures instead of comparing (look at
them before committing). A failing comparison names the rows that differ and
adds the stored and the new picture, side by side, to the report of the
session (``snapshot_report``, tests/conftest.py).

This replaces pytest-textual-snapshot, whose last release (1.1.0) pins
syrupy 4.8 and so pytest < 9.
"""
from __future__ import annotations

import asyncio
import base64
import html
import inspect
import re
from pathlib import Path
from typing import Awaitable, Callable, Iterable

import pytest
from rich.cells import cell_len
from textual.app import App
from textual.pilot import Pilot

from tui_mlp.app.pictures import in_16_colours

TITLE = "tui-mlp"
STORE = "__snapshots__"

_CHECKSUM = re.compile(r"\bterminal-\d+-")
_RULE = re.compile(r"\.terminal-(r\d+) \{ ([^}]*) \}")
_CLIP = re.compile(r'<clipPath id="terminal-line-(\d+)">\s*<rect x="[^"]*" y="([^"]*)"')
_TEXT = re.compile(r'<text class="terminal-(r\d+)" x="([^"]*)" y="[^"]*" textLength="([^"]*)" '
                   r'clip-path="url\(#terminal-line-(\d+)\)">([^<]*)</text>')
_BACKGROUND = re.compile(r'<rect fill="([^"]*)" x="([^"]*)" y="([^"]*)" width="([^"]*)" height="[^"]*" '
                         r'shape-rendering="crispEdges"/>')
#: Rows that differ in text quoted in a failure message; the report has the rest.
QUOTED_ROWS = 6

RunBefore = Callable[[Pilot], Awaitable[None] | None]


def normalise(svg: str) -> str:
    """``svg`` without rich's content checksum in its class names and ids."""
    return _CHECKSUM.sub("terminal-", svg)


async def take_svg(app: App, size: tuple[int, int], run_before: RunBefore | None,
                   press: Iterable[str] = ()) -> str:
    """Run ``app`` headless at ``size``, then ``run_before`` and the keys in
    ``press``; the SVG of the settled screen."""
    async with app.run_test(size=size) as pilot:
        if run_before is not None:
            result = run_before(pilot)
            if inspect.isawaitable(result):
                await result
        if press:
            await pilot.press(*press)
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        svg = app.export_screenshot(title=TITLE, simplify=True)
        return in_16_colours(svg) if app.console.color_system == "standard" else svg


def screen_rows(svg: str) -> dict[int, tuple[str, tuple]]:
    """Each terminal row of a (normalised) SVG: its text, and everything drawn
    on it (texts with their style's CSS, background rectangles) to compare.
    Rich leaves out the text of blank cells, so texts are put at their columns."""
    css = dict(_RULE.findall(svg))
    row_of_y = {y: int(row) for row, y in _CLIP.findall(svg)}
    drawn: dict[int, list] = {}
    texts: dict[int, list[tuple[int, str]]] = {}
    for cls, x, length, row, text in _TEXT.findall(svg):
        text = html.unescape(text).replace("\xa0", " ")
        drawn.setdefault(int(row), []).append(("text", x, css.get(cls, cls), text))
        cells = cell_len(text)
        if cells:
            texts.setdefault(int(row), []).append((round(float(x) / (float(length) / cells)), text))
    for fill, x, y, width in _BACKGROUND.findall(svg):
        drawn.setdefault(row_of_y.get(y, -1), []).append(("rect", x, fill, width))
    rows = {}
    for row, items in drawn.items():
        line = ""
        for column, text in sorted(texts.get(row, [])):
            line = line.ljust(column) + text
        rows[row] = (line, tuple(items))
    return rows


def describe_difference(expected: str, actual: str) -> str:
    """The rows that differ, the first few of those whose text differs quoted."""
    old, new = screen_rows(expected), screen_rows(actual)
    rows = sorted(r for r in old.keys() | new.keys() if old.get(r) != new.get(r))
    if not rows:
        return "the rows are the same; the SVGs differ elsewhere (size, title or fonts)"
    empty = ("", ())
    text_rows = [r for r in rows if old.get(r, empty)[0] != new.get(r, empty)[0]]
    lines = [f"{len(rows)} row(s) differ: {', '.join(map(str, rows))}"]
    if text_rows:
        lines.append(f"text differs on {len(text_rows)} of them (stored / new):")
        for r in text_rows[:QUOTED_ROWS]:
            lines += [f"  row {r:>2}: {old.get(r, empty)[0].rstrip()!r}",
                      f"          {new.get(r, empty)[0].rstrip()!r}"]
    else:
        lines.append("the text is the same on all of them: colours or styles differ")
    return "\n".join(lines)


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def report_section(node: pytest.Item, stored: Path, expected: str | None, actual: str,
                   summary: str) -> str:
    """This test's part of the report: what differs, and the two pictures."""
    function = getattr(node, "function", None)
    doc = html.escape((inspect.getdoc(function) if function else None) or "")
    left = (f'<img alt="stored" src="{_data_uri(expected)}">' if expected is not None
            else "<p>(nothing stored yet)</p>")
    return f"""<section>
<h2>{html.escape(node.nodeid)}</h2>
<p>{doc}</p>
<pre>{html.escape(summary)}</pre>
<div class="pair">
<figure><figcaption>stored: {html.escape(str(stored))}</figcaption>{left}</figure>
<figure><figcaption>new (this run)</figcaption><img alt="new" src="{_data_uri(actual)}"></figure>
</div>
</section>"""


def stored_path(node: pytest.Item) -> Path:
    """``__snapshots__/<test module>/<test name>.svg`` beside the test module."""
    module = Path(node.path)
    name = re.sub(r"[^\w.-]", "_", node.name)  # a parametrised test's [id] too
    return module.parent / STORE / module.stem / f"{name}.svg"


@pytest.fixture
def snap_compare(request: pytest.FixtureRequest, snapshot_report) -> Callable[..., bool]:
    """``snap_compare(app, terminal_size=(w, h), run_before=None, press=())``:
    True if the picture of ``app`` matches the stored one (or was stored, with
    ``--snapshot-update``); otherwise the test fails, naming the rows that
    differ."""
    update = request.config.getoption("--snapshot-update", default=False)
    node = request.node

    def compare(app: App, terminal_size: tuple[int, int] = (80, 24),
                run_before: RunBefore | None = None, press: Iterable[str] = ()) -> bool:
        actual = normalise(asyncio.run(take_svg(app, terminal_size, run_before, press)))
        path = stored_path(node)
        expected = normalise(path.read_text(encoding="utf-8")) if path.is_file() else None
        if update:
            if expected != actual:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(actual, encoding="utf-8")
            return True
        if expected == actual:
            return True
        if expected is None:
            summary = f"no snapshot stored at {path}"
        else:
            summary = f"the picture differs from {path}\n" + describe_difference(expected, actual)
        snapshot_report.add(node.nodeid, report_section(node, path, expected, actual, summary))
        pytest.fail(f"{summary}\nthe stored and the new picture side by side: {snapshot_report.path}; "
                    f"if the new one is right, store it with --snapshot-update", pytrace=False)

    return compare
