"""History -> the few points a plot of a given width can show.

plotext costs about 0.1-0.2 ms per point, so a curve is cut down to at most
one point per column before it is plotted: a million-epoch run then costs
the same to draw as a hundred-epoch one.
"""
from __future__ import annotations

from typing import Sequence


def decimate(xs: Sequence[float], ys: Sequence[float], width: int) -> tuple[list[float], list[float]]:
    """At most ``width`` evenly spaced samples of (xs, ys), always keeping the
    first and the last point."""
    n = len(xs)
    if n <= width:
        return list(xs), list(ys)
    if width < 2:
        return list(xs[n - width:]), list(ys[n - width:])
    step = (n - 1) / (width - 1)
    idx = [round(i * step) for i in range(width)]
    return [xs[i] for i in idx], [ys[i] for i in idx]


def whole_ticks(first: float, last: float, count: int = 5) -> list[int]:
    """At most ``count`` whole numbers spread evenly from ``first`` to ``last``
    (epochs are counted in whole numbers: an axis should say 250, not 249.8)."""
    first, last = round(first), round(last)
    count = max(1, min(count, 5, last - first + 1))
    return sorted({round(first + i * (last - first) / max(count - 1, 1)) for i in range(count)})


def turned_up_at(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The x of the lowest y (the first, if several), if the curve has risen
    after it (a dev loss turning up: overfitting); None while the last point
    is the lowest."""
    if len(ys) < 2:
        return None
    i = min(range(len(ys)), key=ys.__getitem__)
    return xs[i] if ys[-1] > ys[i] else None
