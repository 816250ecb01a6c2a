"""Plots drawn with text: loss curves in braille characters, histograms of per-sample losses
in block characters. The result is a ``rich.text.Text`` whose ``plain`` text is the same
with or without colour, so it reads on any terminal, in a log and in a test.

Curves are told apart by colour and, without colour, by a marker: curve k carries its number
(``1``..``9``, then ``a``..``z``) at the point of its own, ``k/(K+1)`` of the way along the
axis, and the legend names each number.
"""

from __future__ import annotations

import math

import numpy as np
from rich.text import Text

from lossctl.errors import UsageError, printable
from lossctl.output.numbers import format_value
from lossctl.plot.braille import BrailleCanvas
from lossctl.plot.curves import CurveSet
from lossctl.plot.samples import SampleSummary

MARKERS = "123456789abcdefghijklmnopqrstuvwxyz"
COLOURS = ("blue", "red", "green", "magenta", "cyan", "yellow")
AXIS_DIGITS = 3
MIN_CANVAS_COLUMNS = 10
BAR = "█"
EIGHTHS = " ▏▎▍▌▋▊▉"


def _colour(series: int) -> str:
    return COLOURS[series % len(COLOURS)]


def _y_interval(curves: CurveSet, y_max: float | None) -> tuple[float, float]:
    values = np.concatenate([c.y for c in curves.curves])
    values = values[np.isfinite(values)]
    low = min(0.0, float(values.min())) if len(values) else 0.0
    high = y_max if y_max is not None else (float(values.max()) if len(values) else 1.0)
    return low, (high if high > low else low + 1.0)


FAR_DOTS = 1e12
"""How far off the canvas a point is placed at most, in dots: a value beyond it (or an
infinite one) leaves the canvas on the same side, at a slope no cell can tell apart."""


def _dots(values: np.ndarray, low: float, high: float, dots: int) -> np.ndarray:
    """Where ``values`` fall on ``dots`` dots spanning [low, high] (0 at ``low``), within
    FAR_DOTS. Halves are subtracted, so that an interval as wide as the floats (``--range
    1e308``) does not overflow; the scale is a ratio, so that one as narrow as a subnormal
    (``--y-max 1e-320``) does not either."""
    fraction = (values / 2 - low / 2) / (high / 2 - low / 2)
    return np.clip(fraction * (dots - 1), -FAR_DOTS, FAR_DOTS)


def _x_labels(curves: CurveSet, columns: int) -> str:
    """The interval's ends under the canvas's ends, and its middle under its middle."""
    low, high = format_value(curves.low, AXIS_DIGITS), format_value(curves.high, AXIS_DIGITS)
    middle = format_value((curves.low + curves.high) / 2, AXIS_DIGITS)
    line = [" "] * columns
    line[: len(low)] = low
    line[columns - len(high) :] = high
    start = columns // 2 - len(middle) // 2
    if start > len(low) + 1 and start + len(middle) < columns - len(high) - 1:
        line[start : start + len(middle)] = middle
    return "".join(line)


def _legend(labels: list[str], width: int, indent: int) -> list[Text]:
    lines, line = [], Text(" " * indent)
    for k, label in enumerate(labels):
        entry = f"{MARKERS[k]} {printable(label)}"
        if len(line) > indent and len(line) + 2 + len(entry) > width:
            lines.append(line)
            line = Text(" " * indent)
        if len(line) > indent:
            line.append("  ")
        line.append(entry, style=_colour(k))
    lines.append(line)
    return lines


def render_curves(curves: CurveSet, *, width: int, height: int, y_max: float | None = None) -> Text:
    """Curves in a ``width``-character-wide drawing whose plot area is ``height`` rows: the
    loss axis on the left, the curve axis below it, then the legend."""
    if len(curves.curves) > len(MARKERS):
        raise UsageError(f"at most {len(MARKERS)} curves fit one terminal plot")
    y_low, y_high = _y_interval(curves, y_max)
    ticks = {0: y_high, (height - 1) // 2: (y_low + y_high) / 2, height - 1: y_low}
    tick_labels = {row: format_value(v, AXIS_DIGITS) for row, v in ticks.items()}
    gutter = max(map(len, tick_labels.values()))
    columns = width - gutter - 2
    if columns < MIN_CANVAS_COLUMNS or height < 3:
        raise UsageError(
            f"a {width}x{height} terminal plot is too small: give at least --width {gutter + 12} --height 3"
        )

    canvas = BrailleCanvas(columns, height)
    markers: dict[tuple[int, int], int] = {}
    for k, curve in enumerate(curves.curves):
        xs = _dots(curve.x, curves.low, curves.high, canvas.dot_width)
        ys = (canvas.dot_height - 1) - _dots(curve.y, y_low, y_high, canvas.dot_height)
        for i in range(len(xs) - 1):
            canvas.line((xs[i], ys[i]), (xs[i + 1], ys[i + 1]), k)
        target = curves.low + (curves.high - curves.low) * (k + 1) / (len(curves.curves) + 1)
        j = int(np.argmin(np.abs(curve.x - target)))
        if 0 <= round(ys[j]) < canvas.dot_height:
            markers[(round(ys[j]) // 4, round(xs[j]) // 2)] = k

    text = Text()
    for row in range(height):
        text.append(tick_labels.get(row, "").rjust(gutter) + " " + ("┤" if row in ticks else "│"))
        for column in range(columns):
            if (row, column) in markers:
                k = markers[(row, column)]
                text.append(MARKERS[k], style=f"bold {_colour(k)}")
            else:
                owner = canvas.owner[row][column]
                text.append(canvas.char(row, column), style=_colour(owner) if owner >= 0 else "")
        text.append("\n")
    indent = gutter + 2
    text.append(" " * (gutter + 1) + "└" + "─" * columns + "\n")
    text.append(" " * indent + _x_labels(curves, columns) + "\n")
    text.append(" " * indent + curves.axis.title + "\n")
    for line in _legend([c.label for c in curves.curves], width, indent):
        text.append_text(line)
        text.append("\n")
    return text


def _bar(count: int, largest: int, length: int) -> str:
    """A bar of ``count`` out of ``largest`` in eighths of a character; any non-zero count
    shows at least one eighth."""
    eighths = math.ceil(count / largest * length * 8) if count else 0
    full, part = divmod(eighths, 8)
    return BAR * full + (EIGHTHS[part] if part else "")


def render_samples(summary: SampleSummary, input_name: str, *, width: int, precision: int = 6) -> Text:
    """One loss's per-sample distribution over ``input_name``: a histogram with one line per
    bin, the quantiles, the share of the total carried by the worst rows, and those rows."""

    def show(value: float) -> str:
        return format_value(value, precision)

    text = Text()
    title = printable(f"{summary.label} on {input_name}")  # a file name from outside
    text.append(f"{title}: {summary.n} rows, mean {show(summary.mean)}\n", style="bold")
    bins = [
        f"[{format_value(a, AXIS_DIGITS + 1)}, {format_value(b, AXIS_DIGITS + 1)}{']' if i == len(summary.counts) - 1 else ')'}"
        for i, (a, b) in enumerate(zip(summary.edges[:-1], summary.edges[1:], strict=True))
    ]
    label_width = max(map(len, bins))
    count_width = len(str(int(summary.counts.max())))
    length = max(1, width - label_width - count_width - 2)
    largest = int(summary.counts.max())
    for label, count in zip(bins, summary.counts, strict=True):
        text.append(label.ljust(label_width) + " " + str(int(count)).rjust(count_width))
        if count:
            text.append(" ")
            text.append(_bar(int(count), largest, length), style="cyan")
        text.append("\n")
    text.append("  ".join(f"{name} {show(value)}" for name, value in summary.quantiles) + "\n")
    shares = [
        f"worst {s.fraction:.0%} ({s.rows} row{'s' if s.rows != 1 else ''}): "
        + ("n/a (the losses do not sum to a positive total)" if s.share is None else f"{s.share:.1%} of the total")
        for s in summary.shares
    ]
    text.append("; ".join(shares) + "\n")
    if summary.worst:
        text.append("worst rows: " + ", ".join(f"{row} ({show(value)})" for row, value in summary.worst) + "\n")
    return text
