"""SVG written directly: a plot area that maps data to pixels, its axes and grid, and lines as
single ``<path>`` elements, for the figures of the HTML report.

A figure is a few dozen elements however many points it draws: each line or histogram is one
path whose coordinates are rounded to a tenth of a pixel, and the points that a straight
segment passes within a tenth of a pixel of are left out (``simplified``). The ``<svg>`` has a ``viewBox`` and
no fixed size, so it scales to the width of its container; it is plain text in the page (no
base64, no fonts, no scripts). Ticks are the 1-2-5 steps of Heckbert's "Nice numbers for graph
labels" (Graphics Gems, 1990); a log axis puts its ticks at the powers of ten.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import numpy as np

# Okabe & Ito's colour-blind safe palette (2008), with dashes cycled beside the colours so that
# curves lying on each other stay apart.
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#999933")
DASHES = ("", "6 3", "2 2", "8 3 2 3")
FONT = 'font-family="system-ui, sans-serif" font-size="11" fill="#1f2328"'
TICKS = 5
CHARACTER_WIDTH = 6.2  # mean advance of an 11 px sans-serif character, to fit a legend


def colour(k: int) -> str:
    return COLOURS[k % len(COLOURS)]


def dash(k: int) -> str:
    """The dash pattern of the ``k``-th line (solid for the first ``len(COLOURS)``)."""
    pattern = DASHES[(k // len(COLOURS) + k) % len(DASHES)]
    return f' stroke-dasharray="{pattern}"' if pattern else ""


def number(v: float) -> str:
    """A pixel coordinate to a tenth of a pixel, without a needless ``.0``."""
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ticks(low: float, high: float, count: int = TICKS) -> list[float]:
    """About ``count`` round values (1, 2 or 5 times a power of ten apart) in ``[low, high]``."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    raw = (high - low) / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    return [round(k * step, 12) for k in range(first, math.floor(high / step + 1e-9) + 1)]


def tick_text(v: float) -> str:
    return f"{v:.4g}"


@dataclass(frozen=True)
class Plot:
    """A plot area of ``width`` x ``height`` pixels at (``left``, ``top``) showing
    ``x_range`` x ``y_range``; ``y_log``: the y axis in powers of ten (``y_range`` positive)."""

    left: float
    top: float
    width: float
    height: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    y_log: bool = False

    def px(self, x):
        low, high = self.x_range
        return self.left + (np.asarray(x, dtype=np.float64) - low) / (high - low) * self.width

    def py(self, y):
        low, high = self.y_range
        y = np.asarray(y, dtype=np.float64)
        if self.y_log:
            y, low, high = np.log10(np.maximum(y, low)), math.log10(low), math.log10(high)
        return self.top + self.height - (y - low) / (high - low) * self.height

    def attributes(self) -> str:
        """The data ranges and the pixel box as ``data-*``, so a reader can map pixels back."""
        box = f"{number(self.left)} {number(self.top)} {number(self.width)} {number(self.height)}"
        return (
            f' data-x="{self.x_range[0]!r} {self.x_range[1]!r}" data-y="{self.y_range[0]!r} {self.y_range[1]!r}"'
            f' data-box="{box}"' + (' data-y-log="true"' if self.y_log else "")
        )


def simplified(xs: np.ndarray, ys: np.ndarray, tolerance: float = 0.1) -> list[tuple[float, float]]:
    """The points of a polyline without those that lie within ``tolerance`` pixels of the
    segment that replaces them: from the last point kept, each segment is stretched as far as
    every point it passes over stays that close."""
    points = np.column_stack([xs, ys])
    kept, start = [0], 0
    for end in range(2, len(points)):
        x0, y0 = points[start]
        x1, y1 = points[end]
        between = points[start + 1 : end]
        length = math.hypot(x1 - x0, y1 - y0)
        if length:
            off = np.abs((x1 - x0) * (y0 - between[:, 1]) - (x0 - between[:, 0]) * (y1 - y0)) / length
        else:
            off = np.hypot(between[:, 0] - x0, between[:, 1] - y0)
        if off.max() > tolerance:
            start = end - 1
            kept.append(start)
    if len(points) > 1:
        kept.append(len(points) - 1)
    return [(float(x), float(y)) for x, y in points[kept]]


def path_data(points: list[tuple[float, float]]) -> str:
    """``M x y L x y ...`` rounded to a tenth of a pixel, repeated points left out."""
    texts = [(number(x), number(y)) for x, y in points]
    texts = [t for i, t in enumerate(texts) if i == 0 or t != texts[i - 1]]
    return "M" + " L".join(f"{x} {y}" for x, y in texts)


def line(plot: Plot, x, y, k: int, *, width: float = 1.6, data: str = "") -> str:
    """The points (x, y) joined, in the ``k``-th colour and dash; non-finite points cut the line."""
    xs, ys = plot.px(x), plot.py(y)
    finite = np.isfinite(xs) & np.isfinite(ys)
    runs, start = [], None
    for i, ok in enumerate([*finite.tolist(), False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            runs.append(path_data(simplified(xs[start:i], ys[start:i])))
            start = None
    return (
        f'<path d="{" ".join(runs)}" fill="none" stroke="{colour(k)}" stroke-width="{width}"'
        f'{dash(k)} stroke-linejoin="round"{data}/>'
    )


def clip(plot: Plot, name: str) -> str:
    """A clip path of the plot area, to be used as ``clip-path="url(#name)"``."""
    return (
        f'<clipPath id="{name}"><rect x="{number(plot.left)}" y="{number(plot.top)}" '
        f'width="{number(plot.width)}" height="{number(plot.height)}"/></clipPath>'
    )


def axes(plot: Plot, x_label: str, y_label: str, *, title: str = "") -> str:
    """The frame, the grid (one path), the tick labels and the axis titles of ``plot``."""
    x_ticks = nice_ticks(*plot.x_range)
    if plot.y_log:
        low, high = (math.log10(v) for v in plot.y_range)
        y_ticks = [10.0**k for k in range(math.ceil(low), math.floor(high) + 1)]
    else:
        y_ticks = nice_ticks(*plot.y_range)
    left, top, right, bottom = plot.left, plot.top, plot.left + plot.width, plot.top + plot.height
    grid = [f"M{number(x)} {number(top)} V{number(bottom)}" for x in plot.px(x_ticks).tolist()]
    grid += [f"M{number(left)} {number(y)} H{number(right)}" for y in plot.py(y_ticks).tolist()]
    parts = [
        f'<path d="{" ".join(grid)}" stroke="#d0d7de" stroke-width="0.6" fill="none"/>',
        f'<rect x="{number(left)}" y="{number(top)}" width="{number(plot.width)}" height="{number(plot.height)}" '
        'fill="none" stroke="#57606a" stroke-width="0.8"/>',
    ]
    labels = [
        f'<text x="{number(x)}" y="{number(bottom + 14)}" text-anchor="middle">{tick_text(v)}</text>'
        for x, v in zip(plot.px(x_ticks).tolist(), x_ticks, strict=True)
    ]
    labels += [
        f'<text x="{number(left - 4)}" y="{number(y + 4)}" text-anchor="end">{tick_text(v)}</text>'
        for y, v in zip(plot.py(y_ticks).tolist(), y_ticks, strict=True)
    ]
    middle_x, middle_y = left + plot.width / 2, top + plot.height / 2
    labels.append(
        f'<text x="{number(middle_x)}" y="{number(bottom + 30)}" text-anchor="middle">{escape(x_label)}</text>'
    )
    labels.append(
        f'<text transform="translate({number(left - 38)} {number(middle_y)}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    if title:
        labels.append(
            f'<text x="{number(middle_x)}" y="{number(top - 7)}" text-anchor="middle" '
            f'font-weight="600">{escape(title)}</text>'
        )
    return "".join(parts) + "".join(labels)


def legend(names: list[str], x: float, y: float) -> str:
    """A key of the lines ``names`` (the ``k``-th in the ``k``-th style), one a row from (x, y)."""
    rows = []
    for k, name in enumerate(names):
        top = y + 16 * k
        rows.append(
            f'<path d="M{number(x)} {number(top)} h22" stroke="{colour(k)}" stroke-width="2"{dash(k)}/>'
            f'<text x="{number(x + 28)}" y="{number(top + 4)}">{escape(name)}</text>'
        )
    return "".join(rows)


def legend_width(names: list[str]) -> float:
    return 34 + CHARACTER_WIDTH * max((len(n) for n in names), default=0)


def document(width: int, height: int, parts: list[str], label: str, *, kind: str = "") -> str:
    """An inline ``<svg>`` scaling to its container's width, described by ``label``."""
    data = f' data-figure="{escape(kind)}"' if kind else ""
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}"{data} {FONT}><title>{escape(label)}</title>' + "".join(parts) + "</svg>"
    )
