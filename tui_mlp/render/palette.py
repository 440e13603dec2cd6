"""Every colour the pictures use, one ``Palette`` per colour system.

A terminal with 16 colours shows each colour as the nearest of its 16, and
NO_COLOR shows each as a grey of its luminance, so one set of colours cannot
serve all three: colours that differ in 256 colours (a bright point over a
region of its own hue) merge in 16, and any two of the same luminance merge
in NO_COLOR. Each palette is chosen for its system, and the pictures keep
every distinction by glyphs and plot markers as well (``render.boundary``,
``render.plot``); colour is a second cue, never the only one.

Each palette has a region colour (four shades, unsure to confident) for each
of up to ``config.MAX_CLASSES`` classes, the first two the two-class map's;
NO_COLOR has too few greys for eight, so its classes past the first two also
get a fill glyph each (``fills``).

The 16-colour palette names exact entries of the standard palette (the
values rich matches colours to), so each colour is the entry meant, not a
neighbour.
"""
from __future__ import annotations

from dataclasses import dataclass

from tui_mlp.config import MAX_CLASSES

RGB = tuple[int, int, int]

#: The 16 standard colours, by number, as rich matches a colour to them.
STANDARD_COLOURS: tuple[RGB, ...] = (
    (0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0), (0, 0, 170), (170, 0, 170), (0, 170, 170),
    (170, 170, 170), (85, 85, 85), (255, 85, 85), (85, 255, 85), (255, 255, 85), (85, 85, 255),
    (255, 85, 255), (85, 255, 255), (255, 255, 255))


def _hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _standard(index: int) -> RGB:
    """Entry ``index`` (0-15) of the 16-colour palette."""
    return STANDARD_COLOURS[index]


@dataclass(frozen=True)
class Palette:
    """The colours of one colour system."""

    name: str
    #: Per predicted class, from unsure (near p = 0.5, or 1 / K) to confident.
    region: tuple[tuple[str, ...], ...]
    #: A point's glyph colour by its true label, then by the class of the region beneath it.
    point: tuple[tuple[str, ...], ...]
    #: A misclassified point: its glyph's colour and its cell's background.
    wrong: tuple[str, str]
    #: A regression's value map, diverging: from the most negative value
    #: through zero to the most positive (``render.boundary.VALUE_BINS`` colours)...
    values: tuple[str, ...]
    #: ...and a point's glyph colour by the sign of its target (-, 0, +), then
    #: by the region beneath it (zero or negative, positive).
    value_points: tuple[tuple[str, str], tuple[str, str], tuple[str, str]]
    legend: str
    #: Train, dev: the curves (the compare tab's run B)...
    curves: tuple[RGB, RGB]
    #: ...and the compare tab's run A.
    paler: tuple[RGB, RGB]
    #: One per layer in the norms plot, cycled.
    layers: tuple[RGB, ...]
    #: The two functions drawn together on the activations tab.
    functions: tuple[RGB, RGB]
    #: A vertical mark on the curves (the epoch the timeline shows).
    mark: RGB
    #: The lab's table: a norm, its bars, a layer with dead units.
    norm_style: str
    bar_style: str
    dead_style: str
    #: Where the winning class changes on a map of more than two classes.
    edge: str = "#101010"
    #: Per class, a glyph that fills its regions ("": the half blocks' colours alone).
    fills: tuple[str, ...] = ("",) * MAX_CLASSES
    #: The network tab's activations and weights: negative (strongest first),
    #: zero, positive (strongest last), 2 * 4 + 1 shades; with ``shade_glyphs``
    #: a cell is one glyph (░▒▓█ by magnitude) in the sign's colour over zero's.
    #: In 256 colours each shade is an entry of its own that keeps its hue.
    diverging: tuple[str, ...] = ("#c74fc0", "#9a4596", "#78287a", "#4e1e4d", "#303030",
                                  "#1e502d", "#3c7551", "#43a066", "#4cc97b")
    shade_glyphs: bool = False


def _every_region(colour: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The same point colours for every label: ``colour[c]`` over a region of class c."""
    assert len(colour) == MAX_CLASSES
    return tuple(colour for _ in range(MAX_CLASSES))


#: Truecolour: a hue per class, its unsure shade greyish; the points in a pale tint of it.
_HUES = (("#3a3f4b", "#20409a", "#1848b8", "#1c62c2"),  # blue
         ("#4b403a", "#7a4a25", "#9e5a1c", "#c26a12"),  # orange
         ("#3d4b3a", "#2f6e2a", "#2f8a2a", "#36a82e"),  # green
         ("#473a4b", "#5e2f7a", "#7a2f9c", "#963ac2"),  # purple
         ("#3a4a4b", "#1f6b6e", "#188a8e", "#12a8ad"),  # teal
         ("#4b3a3a", "#7a2525", "#9e1c1c", "#c21212"),  # red
         ("#4a4a3a", "#6e6a1f", "#8e8a18", "#b0aa12"),  # olive
         ("#4b3a45", "#7a2f62", "#9e2f7c", "#d23c98"))  # pink
_TINTS = ("#9cc9ff", "#ffd08a", "#a6f0a0", "#dcb0ff", "#9ff3f5", "#ffa0a0", "#fff59a", "#ffb0dc")

TRUECOLOR = Palette(
    name="truecolor",
    region=_HUES,
    point=tuple(tuple(tint for _ in range(MAX_CLASSES)) for tint in _TINTS),
    wrong=("#ffffff", "#000000"),
    values=("#1c62c2", "#1848b8", "#20409a", "#2a3d6e", "#3a3a3a", "#6e4a2a", "#9e5a1c", "#c26a12",
            "#e07f10"),  # the classes' blue and orange, meeting in grey at zero
    value_points=(("#9cc9ff", "#9cc9ff"), ("#ffffff", "#ffffff"), ("#ffd08a", "#ffd08a")),
    legend="#c0c0c0",
    curves=((230, 120, 40), (90, 160, 255)),
    paler=((240, 200, 150), (170, 210, 255)),
    layers=((90, 160, 255), (120, 200, 120), (240, 200, 80), (230, 120, 40), (220, 90, 160), (170, 140, 255)),
    functions=((230, 0, 127), (241, 158, 194)),  # the book's '#e4007f' and '#f19ec2'
    mark=(235, 220, 60),
    norm_style="bold #ffd08a",
    bar_style="#5fafff",
    dead_style="bold #ff6060",
)

_S = {name: _hex(_standard(i)) for i, name in enumerate(
    ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white", "grey", "bright_red",
     "bright_green", "bright_yellow", "bright_blue", "bright_magenta", "bright_cyan", "bright_white"))}

def _pair(dim: str, bright: str) -> tuple[str, ...]:
    """Four shades of 16 colours: the dim entry when unsure, the bright one when confident."""
    return (_S[dim], _S[dim], _S[bright], _S[bright])


STANDARD = Palette(
    name="standard",
    # red is kept for the misclassified points' cells, black for the boundaries
    region=(_pair("blue", "bright_blue"), _pair("yellow", "bright_yellow"),
            _pair("green", "bright_green"), _pair("magenta", "bright_magenta"),
            _pair("cyan", "bright_cyan"), _pair("grey", "grey"), _pair("white", "white"),
            _pair("bright_white", "bright_white")),
    # bright white over the dark regions, black over the light ones, whichever class the point is
    point=_every_region(tuple(_S[c] for c in ("bright_white", "black", "black", "bright_white",
                                               "black", "bright_white", "black", "black"))),
    wrong=(_S["bright_white"], _S["red"]),
    values=(_S["bright_blue"], _S["bright_blue"], _S["blue"], _S["blue"], _S["black"],
            _S["yellow"], _S["yellow"], _S["bright_yellow"], _S["bright_yellow"]),
    value_points=((_S["bright_cyan"], _S["blue"]), (_S["bright_white"], _S["black"]),
                  (_S["bright_red"], _S["red"])),
    legend=_S["white"],
    curves=(_standard(11), _standard(14)),  # bright yellow, bright cyan
    paler=(_standard(3), _standard(6)),  # yellow, cyan
    layers=tuple(_standard(i) for i in (14, 10, 11, 9, 13, 12)),  # six different entries
    functions=(_standard(13), _standard(10)),  # bright magenta, bright green
    mark=_standard(15),  # bright white, apart from both curves
    norm_style=f"bold {_S['bright_yellow']}",
    bar_style=_S["bright_cyan"],
    dead_style=f"bold {_S['bright_red']}",
    edge=_S["black"],
    # two hues at two intensities: magenta negative, green positive, bright when strong
    diverging=(_S["bright_magenta"], _S["bright_magenta"], _S["magenta"], _S["magenta"], _S["black"],
               _S["green"], _S["green"], _S["bright_green"], _S["bright_green"]),
)

#: NO_COLOR's dark greys: class 0's, and under the fill glyphs of classes 2 and up.
_DARK = ("#4e4e4e", "#3a3a3a", "#262626", "#121212")

#: NO_COLOR: greys (what a colour becomes there), the classes dark and light,
#: and the classes past two dark with a fill glyph each.
MONO = Palette(
    name="mono",
    region=(_DARK, ("#767676", "#8a8a8a", "#9e9e9e", "#b2b2b2"), *(_DARK,) * (MAX_CLASSES - 2)),
    point=_every_region(("#ffffff", "#000000", *("#ffffff",) * (MAX_CLASSES - 2))),
    wrong=("#000000", "#ffffff"),
    # dark (negative) to light (positive): luminance is all NO_COLOR keeps; the
    # points' glyphs (▼ ◆ ▲) tell a target's sign
    values=("#080808", "#1c1c1c", "#303030", "#444444", "#585858", "#6c6c6c", "#808080", "#a8a8a8",
            "#d0d0d0"),
    value_points=(("#ffffff", "#000000"), ("#ffffff", "#000000"), ("#ffffff", "#000000")),
    legend="#c0c0c0",
    curves=((255, 255, 255), (150, 150, 150)),
    paler=((200, 200, 200), (110, 110, 110)),
    layers=((255, 255, 255), (200, 200, 200), (150, 150, 150), (110, 110, 110)),
    functions=((255, 255, 255), (150, 150, 150)),
    mark=(200, 200, 200),  # and its own marker
    norm_style="bold #ffffff",
    bar_style="#c0c0c0",
    dead_style="bold underline #ffffff",
    edge="#ffffff",
    fills=("", "", "/", "\\", "+", "=", ":", "~"),
    # black glyphs for negative, white for positive, over a middle grey
    diverging=("#000000",) * 4 + ("#767676",) + ("#ffffff",) * 4,
    shade_glyphs=True,
)

PALETTES = {p.name: p for p in (TRUECOLOR, STANDARD, MONO)}


def palette_for(color_system: str | None, no_color: bool) -> Palette:
    """The palette for a terminal: ``color_system`` as rich names it
    ("truecolor", "256", "standard", "windows", or None for none)."""
    if no_color or color_system is None:
        return MONO
    return STANDARD if color_system in ("standard", "windows") else TRUECOLOR
