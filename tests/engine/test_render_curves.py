"""What the curves get before plotext sees them: decimated series and whole-epoch ticks."""
from __future__ import annotations

import pytest

from tui_mlp.render.curves import decimate, turned_up_at, whole_ticks


@pytest.mark.parametrize("n, width", [(1000, 23), (10, 23), (5000, 2), (3, 1)])
def test_decimate_keeps_at_most_width_points_and_both_ends(n, width):
    xs = list(range(n))
    ys = [x * 0.5 for x in xs]
    dx, dy = decimate(xs, ys, width)
    assert len(dx) == min(n, width) and dy == [x * 0.5 for x in dx]
    assert dx[-1] == n - 1 and (width < 2 or dx[0] == 0)
    assert dx == sorted(set(dx))


@pytest.mark.parametrize("first, last, count, expected", [
    (0, 999, 5, [0, 250, 500, 749, 999]),
    (0, 999, 2, [0, 999]),
    (181, 300, 5, [181, 211, 240, 270, 300]),
    (3, 5, 5, [3, 4, 5]),  # no more ticks than epochs
    (7, 7, 5, [7]),
    (0, 10**6, 40, [0, 250000, 500000, 750000, 1000000]),  # never more than five
])
def test_whole_ticks_are_whole_evenly_spread_and_include_both_ends(first, last, count, expected):
    assert whole_ticks(first, last, count) == expected


def test_the_lowest_point_is_marked_only_once_the_curve_has_turned_up():
    xs = [0, 10, 20, 30, 40]
    assert turned_up_at(xs, [0.9, 0.5, 0.3, 0.4, 0.6]) == 20
    assert turned_up_at(xs, [0.9, 0.5, 0.3, 0.2, 0.1]) is None  # still falling: the end is lowest
    assert turned_up_at(xs, [0.9, 0.2, 0.2, 0.3, 0.3]) == 10  # the first of equal lows
    assert turned_up_at([0], [0.5]) is None and turned_up_at([], []) is None


def test_the_legend_goes_to_the_corner_the_data_leave_most_empty():
    from tui_mlp.render.plot import Series, legend_corner

    xs = list(range(100))

    def series(ys: list[float]) -> Series:
        return Series(xs, ys, "s", (0, 0, 0), True)

    falling, rising = series([1.0 - x / 100 for x in xs]), series([x / 100 for x in xs])
    assert legend_corner([falling], (0.0, 1.0)) == ("right", "top", 0)  # a falling loss leaves the top right
    assert legend_corner([rising], (0.0, 1.0)) == ("right", "bottom", 0)
    assert legend_corner([falling, rising], (0.0, 1.0))[2] > 0  # a cross fills every corner
    three_corners = Series([0, 99, 99], [1.0, 1.0, 0.0], "s", (0, 0, 0), False)
    assert legend_corner([three_corners], (0.0, 1.0)) == ("left", "bottom", 0)  # only it is free
