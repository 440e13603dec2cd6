"""Every distinction survives each colour system: what each palette's colours
become on a terminal with 16 colours (the nearest standard entry) or with
NO_COLOR (a grey of their luminance) still differs where it must."""
from __future__ import annotations

from itertools import product

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.color import Color

from tui_mlp.config import MAX_CLASSES
from tui_mlp.render.boundary import GLYPHS, LEVELS
from tui_mlp.render.palette import MONO, STANDARD, STANDARD_COLOURS, TRUECOLOR, Palette, palette_for

#: Luminance (0-1) apart for two greys to tell apart.
GREY_STEP = 0.08


def standard(colour: str | tuple[int, int, int]) -> int:
    """The entry of the 16 a 16-colour terminal shows ``colour`` as."""
    rich = RichColor.parse(colour) if isinstance(colour, str) else RichColor.from_rgb(*colour)
    number = rich.downgrade(ColorSystem.STANDARD).number
    assert number is not None
    return number


def grey(colour: str | tuple[int, int, int]) -> float:
    """The luminance NO_COLOR shows ``colour`` with (Textual's monochrome filter)."""
    c = Color.parse(colour) if isinstance(colour, str) else Color(*colour)
    return c.monochrome.r / 255


def test_the_standard_colours_are_the_entries_they_name():
    assert [standard(c) for c in STANDARD_COLOURS] == list(range(16))


@pytest.mark.parametrize("system, no_color, name", [
    ("truecolor", False, "truecolor"), ("256", False, "truecolor"), ("standard", False, "standard"),
    ("windows", False, "standard"), ("truecolor", True, "mono"), (None, False, "mono")])
def test_the_palette_follows_the_terminal(system, no_color, name):
    assert palette_for(system, no_color).name == name


def test_glyphs_tell_every_class_and_set_apart():
    assert len({g for row in GLYPHS for g in row}) == 3 * len(GLYPHS) == 3 * MAX_CLASSES


def regions(palette: Palette, cls: int) -> list[str]:
    return list(palette.region[cls])


def test_in_16_colours_points_stand_out_from_every_region_and_classes_differ():
    palette = STANDARD
    zero, one = ({standard(c) for c in regions(palette, k)} for k in (0, 1))
    assert not zero & one
    for label, cls, level in product((0, 1), (0, 1), range(LEVELS)):
        assert standard(palette.point[label][cls]) != standard(palette.region[cls][level])
    fg, bg = palette.wrong
    assert standard(fg) != standard(bg) and standard(bg) not in zero | one


def test_in_16_colours_curves_layers_and_functions_differ():
    assert len({standard(c) for c in STANDARD.curves}) == 2
    assert len({standard(c) for c in STANDARD.layers}) == len(STANDARD.layers)
    assert len({standard(c) for c in STANDARD.functions}) == 2


def test_without_colour_points_stand_out_and_classes_differ():
    zero, one = ([grey(c) for c in regions(MONO, k)] for k in (0, 1))
    assert max(zero) + GREY_STEP <= min(one)  # class 0 dark, class 1 light
    for label, cls, level in product((0, 1), (0, 1), range(LEVELS)):
        assert abs(grey(MONO.point[label][cls]) - grey(MONO.region[cls][level])) > 3 * GREY_STEP
    fg, bg = MONO.wrong
    assert abs(grey(fg) - grey(bg)) > 0.5
    assert all(abs(grey(bg) - g) > 3 * GREY_STEP for g in zero + one)
    for colours in (MONO.curves, MONO.functions):
        assert abs(grey(colours[0]) - grey(colours[1])) > GREY_STEP


def test_in_256_colours_the_full_palette_keeps_points_and_classes_apart():
    def shown(colour: str) -> int:
        number = RichColor.parse(colour).downgrade(ColorSystem.EIGHT_BIT).number
        assert number is not None
        return number

    zero, one = ({shown(c) for c in regions(TRUECOLOR, k)[1:]} for k in (0, 1))
    assert not zero & one  # away from the contour, whose unsure shade is one grey
    for label, cls, level in product((0, 1), (0, 1), range(LEVELS)):
        assert shown(TRUECOLOR.point[label][cls]) != shown(TRUECOLOR.region[cls][level])
    assert shown(TRUECOLOR.wrong[1]) not in zero | one


def test_in_256_colours_the_network_shades_keep_their_sign_and_order():
    """Each diverging shade is an entry of its own: negative ones magenta
    (red and blue over green), positive ones green, zero grey, each side
    brighter as it grows."""
    shown = [RichColor.parse(c).downgrade(ColorSystem.EIGHT_BIT).get_truecolor() for c in TRUECOLOR.diverging]
    assert len(set(shown)) == len(shown), shown
    mid = len(shown) // 2
    assert shown[mid].red == shown[mid].green == shown[mid].blue
    assert all(min(c.red, c.blue) > c.green for c in shown[:mid]), shown[:mid]
    assert all(c.green > max(c.red, c.blue) for c in shown[mid + 1:]), shown[mid + 1:]
    assert all(sum(a) > sum(b) for a, b in zip(shown[:mid], shown[1:mid]))
    assert all(sum(a) < sum(b) for a, b in zip(shown[mid + 1:], shown[mid + 2:]))


# ------------------------------------------------------------------ K classes
def test_in_16_colours_every_class_has_regions_of_its_own():
    entries = [{standard(c) for c in regions(STANDARD, k)} for k in range(MAX_CLASSES)]
    for a, b in product(range(MAX_CLASSES), repeat=2):
        assert a == b or not entries[a] & entries[b], (a, b)
    kept = {standard(STANDARD.wrong[1]), standard(STANDARD.edge)}
    assert not kept & set().union(*entries)  # misclassified cells and boundaries stay apart
    for label, cls, level in product(range(MAX_CLASSES), range(MAX_CLASSES), range(LEVELS)):
        assert standard(STANDARD.point[label][cls]) != standard(STANDARD.region[cls][level])


def test_in_256_colours_every_class_has_regions_of_its_own():
    def shown(colour: str) -> int:
        number = RichColor.parse(colour).downgrade(ColorSystem.EIGHT_BIT).number
        assert number is not None
        return number

    entries = [{shown(c) for c in regions(TRUECOLOR, k)[1:]} for k in range(MAX_CLASSES)]
    for a, b in product(range(MAX_CLASSES), repeat=2):
        assert a == b or not entries[a] & entries[b], (a, b)
    assert shown(TRUECOLOR.edge) not in set().union(*entries)
    for label, cls, level in product(range(MAX_CLASSES), range(MAX_CLASSES), range(LEVELS)):
        assert shown(TRUECOLOR.point[label][cls]) != shown(TRUECOLOR.region[cls][level])


def test_without_colour_the_classes_past_two_have_a_fill_each():
    assert MONO.fills[:2] == ("", "") and all(len(f) == 1 for f in MONO.fills[2:])
    assert len(set(MONO.fills[2:])) == MAX_CLASSES - 2
    for label, cls, level in product(range(MAX_CLASSES), range(MAX_CLASSES), range(LEVELS)):
        assert abs(grey(MONO.point[label][cls]) - grey(MONO.region[cls][level])) > 3 * GREY_STEP
    assert all(abs(grey(MONO.edge) - grey(c)) > 3 * GREY_STEP for k in range(MAX_CLASSES) for c in regions(MONO, k))
