"""Where the app reaches past the public API of plotext and Textual.

Neither library offers what these functions need as public API, and both may
change such internals in any release, so every such use lives here, next to
the reason for it, and nowhere else:

- ``Plotter`` draws a ``Chart`` with the installed plotext and hands back
  rows of rich Segments. plotext 5 has no public way to build a figure
  without printing it or encoding it as ANSI text, so its figure class and
  matrices are used directly (``plotext._figure``, ``plotext._dict``); plotext
  6, a rewrite with another API, builds its one figure (``plotext.figure``)
  through public calls, and its ANSI text is decoded by ``render.plot``.
- ``own_binding``: the action an Input binds to a key (Textual keeps a
  widget's merged bindings private), so editing keys can run in order with
  the typed characters (``widgets.inputs``).
- ``paint_now``: composite and write the given widgets at once, as Textual's
  idle handler would, so the benchmark can time a frame.
- ``KeysFooter``: Textual's footer lists no key until the screen's first
  bindings update (``_bindings_ready``), a frame after the first; this one
  lists them in the first frame, which then is the whole screen.
- ``clear_toasts``: Textual's toast rack removes a cleared toast but keeps
  the holder it sits in, so each later toast would sit a row lower, down over
  the map; the holders (``ToastHolder``, not public) go too.
"""
from __future__ import annotations

from typing import Any, Hashable, Iterable

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from tui_mlp.render.plot import RGB, Chart, ansi_rows, cell_rows, legend_corner


class KeysFooter(Footer):
    """The footer, with its keys from the first frame on."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._bindings_ready = True


class Plotter:
    """Draws one widget's charts with whichever plotext is installed. plotext
    is imported for the first chart (it takes a fifth of a second, and the
    app's first frame has no chart)."""

    def __init__(self) -> None:
        self._backend: _Plotext5 | _Plotext6 | None = None

    def rows(self, chart: Chart, width: int, height: int, key: Hashable, canvas: RGB, text: RGB
             ) -> list[list[Segment]]:
        """``chart`` drawn ``width`` x ``height`` cells on a ``canvas`` background,
        axes and labels in ``text``. ``key`` names the figure's settings: plotext 5
        keeps a figure between pictures of the same size and key, and only
        replaces its data."""
        if self._backend is None:
            import plotext

            self._backend = _Plotext5() if int(plotext.__version__.split(".")[0]) < 6 else _Plotext6()
        return self._backend.rows(chart, width, height, key, canvas, text)


class _Plotext5:
    def __init__(self) -> None:
        from plotext._figure import _figure_class

        self._figure = _figure_class()
        self._shown: tuple | None = None  # size and key of the figure's settings

    def rows(self, chart: Chart, width: int, height: int, key: Hashable, canvas: RGB, text: RGB
             ) -> list[list[Segment]]:
        from plotext._dict import themes

        plt = self._figure
        if (width, height, key) == self._shown:
            plt.clear_data()
        else:
            plt.clear_figure()
            self._shown = (width, height, key)
        for s in chart.series:
            (plt.plot if s.lines else plt.scatter)(s.xs, s.ys, label=s.label, color=s.colour, marker=s.marker)
        if chart.ylim is not None:
            plt.ylim(*chart.ylim)
        if chart.yticks is not None:
            plt.yticks(*chart.yticks)
        if chart.xticks is not None:
            plt.xticks(*chart.xticks)
        if chart.xlabel:
            plt.xlabel(chart.xlabel)
        if chart.title:
            plt.title(chart.title)
        theme = f"tui-mlp {canvas} {text}"
        if theme not in themes:  # canvas, axes, ticks, ticks style, colours of series without one
            themes[theme] = (canvas, canvas, text, "default", [text])
        plt.plotsize(width, height)
        plt._set_size(width, height)  # plotsize alone leaves the size of a reused figure stale
        plt.theme(theme)
        plt._set_sizes()
        plt._build_matrix()
        m = plt.monitor.matrix
        return cell_rows(m.marker, m.fullground, m.style, m.background, _style5)


def _colour5(value: Any) -> Color | None:
    """plotext 5's colour (a name, a 256-colour code or an RGB triple) as rich's."""
    from plotext._dict import color_codes, no_color

    if value is None or value == no_color:
        return None
    if isinstance(value, str):
        code = color_codes.get(value.strip())
        return None if code is None else Color.from_ansi(code)
    if isinstance(value, int):
        return Color.from_ansi(value)
    if isinstance(value, (tuple, list)) and len(value) == 3:
        return Color.from_rgb(*value)
    return None


_STYLES5 = {"bold": "bold", "dim": "dim", "italic": "italic", "underline": "underline",
            "double-underline": "underline2", "strike": "strike", "inverted": "reverse",
            "flash": "blink"}


def _style5(fg: Any, text_style: Any, bg: Any) -> Style:
    from plotext._dict import no_color

    words = str(text_style).split() if text_style and text_style != no_color else []
    return Style.combine([Style(color=_colour5(fg), bgcolor=_colour5(bg)),
                          *(Style.parse(_STYLES5[w]) for w in words if w in _STYLES5)])


class _Plotext6:
    """plotext 6 draws on one figure per process: each picture is set up on it
    from nothing (the UI thread draws one at a time)."""

    def __init__(self) -> None:
        import plotext

        self._themes: set[tuple[RGB, RGB]] = set()
        plotext.terminal.limit(width=False, height=False)  # a pane, not the terminal, sets the size

    def rows(self, chart: Chart, width: int, height: int, key: Hashable, canvas: RGB, text: RGB
             ) -> list[list[Segment]]:
        import plotext

        figure = plotext.figure
        figure.clear()
        theme = f"tui-mlp {canvas} {text}"
        if (canvas, text) not in self._themes:
            plotext.add_theme(theme, canvas=canvas, text=plotext.pixel(foreground=text))
            self._themes.add((canvas, text))
        figure.theme(theme)
        figure.plot_size(width, height)
        for s in chart.series:
            signal = figure.signal(list(s.xs), list(s.ys),
                                   marker=plotext.marker(s.marker, plotext.pixel(foreground=s.colour)))
            figure.draw(signal.label(s.label).lines(s.lines))
        if chart.ylim is not None:
            figure.ruler(1, 0).lim(*chart.ylim)
        if chart.yticks is not None:
            figure.ruler(1, 0).ticks(*chart.yticks)
        if chart.xticks is not None:
            figure.ruler(0, 0).ticks(*chart.xticks)
        if chart.xlabel:
            figure.label(chart.xlabel, 0, 0)
        if chart.title:
            figure.title(chart.title)
        xs = [x for s in chart.series for x in s.xs]
        ys = [y for s in chart.series for y in s.ys]
        if xs and ys and any(s.label for s in chart.series):  # the corner the data leave most empty
            low, high = chart.ylim if chart.ylim is not None else (min(ys), max(ys))
            ha, va, _ = legend_corner(chart.series, chart.ylim)
            figure.legend(x=max(xs) if ha == "right" else min(xs), y=high if va == "top" else low,
                          ha=ha, va=va, relative=True)
        return ansi_rows(figure.build().string())


def own_binding(widget: Widget, key: str) -> str | None:
    """The action ``widget`` itself (not its ancestors) binds to ``key``, if any."""
    bindings = widget._bindings.key_to_bindings.get(key)
    return bindings[0].action if bindings else None


def paint_now(screen: Screen, widgets: Iterable[Widget], whole_screen: bool = False) -> None:
    """Composite ``widgets`` (``whole_screen``: everything) and write the frame
    now, rather than when the screen is next idle."""
    if whole_screen:
        screen._compositor._dirty_regions.add(screen.region)
    screen._dirty_widgets.update(widgets)
    screen._on_timer_update()


def clear_toasts(app: App[Any]) -> None:
    """Clear every notification and the holders of their toasts."""
    app.clear_notifications()
    app.screen.query("ToastHolder").remove()
