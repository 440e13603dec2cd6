"""Plots through the installed plotext (5 or 6): a ``Chart`` drawn by the
adapter, and the two ways plotext's output becomes Segments."""
from __future__ import annotations

from rich.color import Color
from rich.segment import Segment
from rich.style import Style

from tui_mlp.app.adapter import Plotter
from tui_mlp.render.plot import Chart, ansi_rows, cell_rows

CANVAS, TEXT = (30, 30, 40), (220, 220, 220)
ORANGE, BLUE = (230, 120, 40), (90, 160, 255)


def chart() -> Chart:
    c = Chart()
    xs = list(range(1, 41))
    c.line(xs, [1 / x ** 0.5 for x in xs], "train", ORANGE)
    c.points(xs, [1.2 / x ** 0.5 for x in xs], "dev", BLUE)
    c.xticks = ([1, 20, 40], ["1", "20", "40"])
    c.yticks = ([0.2, 1.0], ["lo", "hi"])
    c.ylim = (0.1, 1.3)
    c.xlabel, c.title = "epoch", "loss"
    return c


def test_a_chart_is_drawn_at_its_size_with_its_colours_ticks_and_labels() -> None:
    rows = Plotter().rows(chart(), 60, 16, (), CANVAS, TEXT)
    text = ["".join(s.text for s in row) for row in rows]
    assert len(rows) == 16 and all(len(line) <= 60 for line in text)
    assert "loss" in text[0] and "epoch" in text[-1]
    assert {"1", "20", "40"} <= set(text[-2].split())
    assert any(line.lstrip().startswith("hi") for line in text) and any("lo" in line for line in text)
    colours = {s.style.color.triplet for row in rows for s in row if s.style and s.style.color}
    assert {ORANGE, BLUE} <= {tuple(c) for c in colours}
    backgrounds = {s.style.bgcolor for row in rows for s in row if s.style and s.style.bgcolor}
    assert backgrounds <= {Color.from_rgb(*CANVAS)}  # RGB only: no ANSI filter needed


def test_a_plotter_draws_again_at_another_size() -> None:
    plotter = Plotter()
    assert len(plotter.rows(chart(), 60, 16, (), CANVAS, TEXT)) == 16
    assert len(plotter.rows(chart(), 40, 10, (), CANVAS, TEXT)) == 10
    again = plotter.rows(chart(), 40, 10, (), CANVAS, TEXT)  # same size and key: data replaced
    assert again == plotter.rows(chart(), 40, 10, (), CANVAS, TEXT)


def test_sgr_coded_lines_become_segments_each_with_a_style() -> None:
    rows = ansi_rows("\x1b[38;2;1;2;3m\x1b[48;5;4mab\x1b[0mcd\n\x1b[1mx\x1b[0m\n")
    assert rows == [[Segment("ab", Style(color=Color.from_rgb(1, 2, 3), bgcolor=Color.from_ansi(4))),
                     Segment("cd", Style())],
                    [Segment("x", Style(bold=True))]]


def test_cell_matrices_become_rows_top_first_with_equal_cells_merged() -> None:
    def style_of(fg: object, st: object, bg: object) -> Style:
        return Style(color=Color.from_rgb(*fg), bold=st == "bold")

    red, green = (255, 0, 0), (0, 255, 0)
    rows = cell_rows([list("ab"), list("cd")], [[red, red], [red, green]],
                     [["", ""], ["bold", "bold"]], [[None, None], [None, None]], style_of)
    assert rows == [[Segment("c", style_of(red, "bold", None)), Segment("d", style_of(green, "bold", None))],
                    [Segment("ab", style_of(red, "", None))]]
