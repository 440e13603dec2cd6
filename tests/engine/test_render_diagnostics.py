"""The lab's text: the trend sparkline's scale, the words of the table's
header, and the confusion matrices' alignment."""
from __future__ import annotations

import re

import pytest

from tui_mlp.diagnostics import Diagnosis, Histogram
from tui_mlp.render.diagnostics import BARS, diagnostics_text, results_text, sparkline
from tui_mlp.results import Confusion, TestResult


def test_a_nearly_constant_series_draws_flat():
    """A gradient norm drifting from 2.72e-3 to 2.68e-3 is steady, not a fall."""
    values = [2.72e-3 - 0.04e-3 * k / 99 for k in range(100)]
    line = sparkline(values, 40)
    assert line == BARS[5] * 40


def test_a_series_over_decades_uses_the_whole_height():
    values = [10.0 ** (-11 + 9 * k / 49) for k in range(50)]
    line = sparkline(values, 50)
    assert line[0] == BARS[1] and line[-1] == BARS[8]
    assert list(line) == sorted(line, key=BARS.index)


def test_a_tenfold_change_still_shows():
    """At the minimum span a factor of 10 is the full height."""
    line = sparkline([1e-3, 1e-2], 2)
    assert line == BARS[1] + BARS[8]


@pytest.mark.parametrize("values, expected", [([], ""), ([0.0, 0.0], BARS[1] * 2),
                                              ([0.0, 1e-3], BARS[1] + BARS[8])])
def test_empty_and_zero_series(values, expected):
    assert sparkline(values, 10) == expected


def diagnosis() -> Diagnosis:
    hist = Histogram("fc1", (-1.0, 0.0, 1.0), (1, 2))
    return Diagnosis(layers=("fc1", "fc2"), grad_norms=(1e-3, 1e-6), dead=(0,), widths=(3,),
                     identical=(False,), histograms=(hist, Histogram("fc2", (-1.0, 0.0, 1.0), (2, 1))))


def test_the_header_says_in_words_what_the_magnitude_bar_counts():
    plain = diagnostics_text(diagnosis(), (), ["2x3", "3x1"], 120).plain
    header = plain.splitlines()[0]
    assert "log" not in header and "1e-12+" not in header
    assert "█ = ×10" in header
    assert "one █ per factor of 10 above 1e-12" in plain


def column_ends(line: str) -> list[int]:
    """Where each column heading ("pred 0") or count of ``line`` ends."""
    return [m.end() for m in re.finditer(r"pred \d|(?<!true )\b\d+\b", line)]


def test_confusion_columns_line_up_in_the_app_and_the_cli():
    tested = TestResult(0.9, 0.2, 3, Confusion.binary(71, 9, 8, 72), Confusion.binary(1234, 5, 6, 7))
    app = results_text(tested, None, 3).plain.splitlines()[1:4]
    assert app[0].startswith("dev") and "[Confusion]" not in app[0]
    cli = tested.test.lines("test")
    for lines in (app, cli):
        header, *rows = (column_ends(line) for line in lines)
        for row in rows:  # each count ends where its column's header ends
            assert row == header, lines
