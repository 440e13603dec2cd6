"""The lab's diagnostics and results as rich Text: one row per linear layer
(gradient norm, its order of magnitude, its trend over the last epochs, dead
units, a histogram of the weights), and the confusion matrices of the last test.

Pure functions over immutable results (``diagnostics.Diagnosis``, per-epoch
gradient norms, ``results.Confusion``); the app only wraps them in a widget.
"""
from __future__ import annotations

import math
from typing import Sequence

from rich.text import Text

from tui_mlp.diagnostics import Diagnosis, GradCheck
from tui_mlp.render.palette import TRUECOLOR, Palette
from tui_mlp.results import TestResult

BARS = " ▁▂▃▄▅▆▇█"
#: The magnitude bar has one block per power of ten above this norm.
MAGNITUDE_FLOOR = 1e-12
MAGNITUDE_BLOCKS = 14  # up to 1e2
HIST_BINS = 10
#: The trend's scale spans at least this many powers of ten: changes smaller
#: than a factor of about 3 stay within a block or two of the middle.
SPARK_MIN_DECADES = 1.0
#: The magnitude column's header: one block per power of ten.
MAGNITUDE_HEADER = "size (█ = ×10)"



def sparkline(values: Sequence[float], width: int) -> str:
    """``values`` as one row of eighth blocks, the last ``width`` of them, on a
    log scale from their own minimum to maximum, but spanning at least
    ``SPARK_MIN_DECADES``, a short span centred on the fifth block: a norm that
    stays near 2.7e-3 draws flat, not as a steep fall across its tiny range.
    Zeros (and NaNs) sit at the bottom."""
    values = list(values)[-width:] if width > 0 else []
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    if not positive:
        return BARS[1] * len(values)
    floor = math.log10(min(positive)) - 1
    logs = [math.log10(v) if v > 0 and math.isfinite(v) else floor for v in values]
    lo, hi = min(logs), max(logs)
    if hi - lo < SPARK_MIN_DECADES:
        lo = (lo + hi) / 2 - SPARK_MIN_DECADES * 9 / 16  # the middle of block 5 of 8
        hi = lo + SPARK_MIN_DECADES
    return "".join(BARS[1 + min(7, int(8 * (v - lo) / (hi - lo)))] for v in logs)


def histogram_bars(counts: Sequence[int]) -> str:
    """Bin counts as eighth blocks from zero: an empty bin stays blank, the
    fullest is a full block."""
    top = max(counts, default=0) or 1
    return "".join(BARS[0 if c == 0 else max(1, round(8 * c / top))] for c in counts)


def magnitude_bar(norm: float) -> str:
    """One block per power of ten above ``MAGNITUDE_FLOOR``: layers whose
    gradients differ by orders of magnitude (4.4.2) differ by whole blocks."""
    if not (norm > 0 and math.isfinite(norm)):
        return ""
    return "█" * max(0, min(MAGNITUDE_BLOCKS, math.floor(math.log10(norm / MAGNITUDE_FLOOR)) + 1))


def _norm(value: float) -> str:
    return "0" if value == 0 else f"{value:.2e}"


def diagnostics_text(diagnosis: Diagnosis | None, norms: Sequence[Sequence[float]],
                     shapes: Sequence[str], width: int, palette: Palette = TRUECOLOR) -> Text:
    """The table of layers, fitted to ``width`` columns: the trend (the last
    epochs' norms, each layer on its own log scale) gets what the fixed
    columns leave; the shapes and the weight ranges go first when short."""
    out = Text(no_wrap=True, overflow="crop", end="")
    if diagnosis is None:
        out.append("no diagnosis yet: it appears with the first weights", style="dim")
        return out
    layers = diagnosis.layers
    show_shape = show_range = True
    fixed = 5 + 10 + MAGNITUDE_BLOCKS + 7 + HIST_BINS + 6  # layer, norm, bar, dead, histogram, gaps
    trend = width - fixed - 7 - 16
    if trend < 10:
        show_shape, trend = False, trend + 7
    if trend < 10:
        show_range, trend = False, trend + 16
    trend = max(trend, 0)
    cells = [("layer", 5), ("‖dL/dW‖", 10), (MAGNITUDE_HEADER, MAGNITUDE_BLOCKS)]
    if trend:
        cells.append((f"last {len(norms)} epochs" if norms else "per epoch", trend))
    cells += [("dead", 7)]
    if show_shape:
        cells.append(("W", 7))
    cells.append(("weights", HIST_BINS))
    if show_range:
        cells.append(("range", 16))
    out.append(" ".join(f"{title[:w]:<{w}}" for title, w in cells).rstrip() + "\n", style="bold")
    history = list(zip(*norms)) if norms else [() for _ in layers]
    for i, name in enumerate(layers):
        norm = diagnosis.grad_norms[i]
        out.append(f"{name:<5} ")
        out.append(f"{_norm(norm):<10} ", style=palette.norm_style)
        out.append(f"{magnitude_bar(norm):<{MAGNITUDE_BLOCKS}} ", style=palette.bar_style)
        if trend:
            out.append(f"{sparkline(history[i], trend):<{trend}} ", style=palette.bar_style)
        if i < len(diagnosis.dead):
            dead, units = diagnosis.dead[i], diagnosis.widths[i]
            cell = f"{dead}/{units}" + (" ≡" if diagnosis.identical[i] else "")
            out.append(f"{cell:<7} ", style=palette.dead_style if dead else "")
        else:
            out.append(f"{'out':<7} ", style="dim")
        if show_shape:
            out.append(f"{shapes[i] if i < len(shapes) else '':<7} ", style="dim")
        hist = diagnosis.histograms[i]
        out.append(f"{histogram_bars(hist.counts):<{HIST_BINS}}", style=palette.bar_style)
        if show_range:
            out.append(f" {hist.edges[0]:+.2g}..{hist.edges[-1]:+.2g}", style="dim")
        out.append("\n")
    first, last = diagnosis.grad_norms[0], diagnosis.grad_norms[-1]
    if len(layers) > 1 and last > 0:
        out.append(f"{layers[0]}/{layers[-1]} gradient ratio {first / last:.2g}   ", style="italic")
    if any(diagnosis.identical):
        out.append("≡: every unit of the layer identical (symmetry never broken)   ", style="italic")
    out.append(f"size: one █ per factor of 10 above {MAGNITUDE_FLOOR:.0e}", style="italic")
    return out


def results_text(tested: TestResult | None, grad_check: tuple[int, GradCheck] | None, epoch: int) -> Text:
    """The last test (score, loss, which model) with its confusion matrices on
    dev and test side by side, and the last gradient check."""
    out = Text(end="")
    if tested is None:
        out.append("no test yet: t evaluates the best-dev model on the test set "
                   "(a run also does when it ends)\n", style="dim")
    else:
        best = tested.best_epoch
        which = "the current model" if best is None else f"the best-dev model (epoch {best})"
        figures = ", ".join(f"{label} {value:.4f}" for label, value in
                            tested.scoring.figures(tested.loss, tested.score))
        title = figures if tested.scoring.with_rmse else f"{tested.scoring.title} {tested.score:.4f}"
        out.append(f"test {title}, loss {tested.loss:.4f}, of {which}\n", style="bold")
        if tested.dev is None or tested.test is None:
            out.append("no confusion matrices: a regression's targets are values, not classes\n",
                       style="dim")
        else:
            left, right = tested.dev.lines("dev", tag=""), tested.test.lines("test", tag="")
            pad = max(map(len, left)) + 4
            for a, b in zip(left, right):
                out.append(f"{a:<{pad}}{b}\n")
    if grad_check is None:
        out.append("no gradient check yet: g compares the backward with finite differences", style="dim")
    else:
        at, result = grad_check
        stale = "" if at == epoch else f" (at epoch {at}; the weights have moved since)"
        out.append(result.line().replace("[Gradient check] ", f"gradient check{stale}: "),
                   style="bold" if result.worst < 1e-4 else "bold #ff6060")
    return out
