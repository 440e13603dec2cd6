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
