"""The figures of the HTML report as inline SVG (see ``svg``): the loss curves of an axis, the
per-sample distribution of one loss over every input, and a reliability diagram.

Each figure carries the numbers it draws as ``data-*`` attributes (a histogram's counts, a
mean, a bin's accuracy, the pixel box and data ranges of each plot), so a program, or a test,
can check a picture against ``compare``'s JSON.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from lossctl.output.numbers import format_value
from lossctl.plot import svg
from lossctl.plot.curves import CurveSet
from lossctl.plot.reliability import Diagram
from lossctl.plot.samples import SampleSummary

CURVES_SIZE = (760, 340)
CARD_SIZE = (560, 210)
RELIABILITY_SIZE = (480, 380)
HEADROOM = 1.05  # the top of a y axis, over the largest value drawn


def _top(values: list[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    top = max(finite, default=1.0) * HEADROOM
    return top if top > 0 else 1.0


def curves_svg(curves: CurveSet) -> str:
    """Every curve of one axis on one plot, with their key on the right."""
    width, height = CURVES_SIZE
    names = [c.label for c in curves.curves]
    key = svg.legend_width(names)
    bottom = min(0.0, *(float(np.nanmin(c.y)) for c in curves.curves))
    top = _top([float(np.nanmax(c.y)) for c in curves.curves])
    plot = svg.Plot(52, 12, width - 52 - key - 16, height - 12 - 42, (curves.low, curves.high), (bottom, top))
    parts = [svg.clip(plot, f"curves-{curves.axis.name}"), svg.axes(plot, curves.axis.title, "loss of one sample")]
    parts.append(f'<g clip-path="url(#curves-{curves.axis.name})"{plot.attributes()}>')
    parts += [svg.line(plot, c.x, c.y, k, data=f' data-loss="{escape(c.label)}"') for k, c in enumerate(curves.curves)]
    parts.append("</g>")
    parts.append(svg.legend(names, width - key - 4, 20))
    label = f"{', '.join(names)} against the {curves.axis.title}"
    return svg.document(width, height, parts, label, kind="curves")


def _histogram_path(plot: svg.Plot, summary: SampleSummary, k: int, name: str) -> str:
    """The histogram as one step path over the baseline, its counts and mean as ``data-*``."""
    xs = plot.px(summary.edges).tolist()
    ys = plot.py(np.maximum(summary.counts, plot.y_range[0])).tolist()
    base = svg.number(plot.top + plot.height)
    steps = "".join(f" V{svg.number(y)} H{svg.number(x)}" for y, x in zip(ys, xs[1:], strict=True))
    counts = " ".join(str(int(c)) for c in summary.counts)
    return (
        f'<path d="M{svg.number(xs[0])} {base}{steps} V{base}" fill="{svg.colour(k)}" fill-opacity="0.12" '
        f'stroke="{svg.colour(k)}" stroke-width="1.2" data-input="{escape(name)}" data-counts="{counts}"/>'
    )


def _mean_mark(plot: svg.Plot, summary: SampleSummary, k: int, name: str) -> str:
    x = svg.number(float(plot.px(summary.mean)))
    return (
        f'<path d="M{x} {svg.number(plot.top)} V{svg.number(plot.top + plot.height)}" stroke="{svg.colour(k)}" '
        f'stroke-width="1.2" stroke-dasharray="4 2" data-input="{escape(name)}" data-mean="{summary.mean!r}">'
        f"<title>mean on {escape(name)}: {format_value(summary.mean, 6)}</title></path>"
    )


def samples_svg(label: str, inputs: list[tuple[str, SampleSummary]]) -> str:
    """One loss over every input, the ``k``-th input in the ``k``-th colour: the histograms of
    the per-sample values on shared bins (rows on a log scale, so that a few large losses show
    beside many small ones), each mean a dashed line; and the concentration curves (the share
    of the total carried by the worst x of the rows; the diagonal is equal shares)."""
    width, height = CARD_SIZE
    summaries = [s for _, s in inputs]
    low, high = float(summaries[0].edges[0]), float(summaries[0].edges[-1])
    if high <= low:
        low, high = low - 0.5, high + 0.5
    rows = max(int(c) for s in summaries for c in s.counts)
    hist = svg.Plot(50, 22, 250, height - 22 - 42, (low, high), (0.5, max(10.0, rows * 2.0)), y_log=True)
    share = svg.Plot(
        hist.left + hist.width + 56, 22, width - hist.left - hist.width - 56 - 12, hist.height, (0, 100), (0, 100)
    )
    parts = [
        svg.axes(hist, "per-sample loss", "rows", title=label),
        f'<g{hist.attributes()} data-loss="{escape(label)}">',
        *(_histogram_path(hist, s, k, name) for k, (name, s) in enumerate(inputs)),
        *(_mean_mark(hist, s, k, name) for k, (name, s) in enumerate(inputs)),
        "</g>",
        svg.axes(share, "worst rows (% of rows)", "% of the total", title="concentration"),
        f'<path d="M{svg.number(share.left)} {svg.number(share.top + share.height)} L{svg.number(share.left + share.width)} '
        f'{svg.number(share.top)}" stroke="#8c959f" stroke-dasharray="2 2" fill="none"/>',
    ]
    for k, (name, s) in enumerate(inputs):
        fraction, carried = s.concentration
        if np.all(np.isfinite(carried)):
            parts.append(
                svg.line(share, 100 * fraction, 100 * carried, k, width=1.4, data=f' data-input="{escape(name)}"')
            )
    return svg.document(
        width, height, parts, f"per-sample {label} on {', '.join(n for n, _ in inputs)}", kind="samples"
    )


def reliability_svg(diagram: Diagram) -> str:
    """A bar per bin from its low to its high edge up to its accuracy, its count above it; each
    series' mean confidences and accuracies joined; the diagonal of calibration."""
    width, height = RELIABILITY_SIZE
    series = diagram.series
    names = [name for name, _ in series] if len(series) > 1 else []
    key = svg.legend_width(names) if names else 0
    plot = svg.Plot(52, 26, width - 52 - key - 16, height - 26 - 42, (0.0, 1.0), (0.0, 1.08))
    parts = [
        svg.axes(plot, "mean predicted probability (confidence)", "observed frequency (accuracy)", title=diagram.title),
        f"<g{plot.attributes()}>",
        f'<path d="M{svg.number(plot.left)} {svg.number(float(plot.py(0)))} L{svg.number(float(plot.px(1)))} '
        f'{svg.number(float(plot.py(1)))}" stroke="#8c959f" stroke-dasharray="2 2" fill="none"/>',
    ]
    if len(series) == 1:
        for b in diagram.bins:
            x0, x1 = float(plot.px(b["low"])), float(plot.px(b["high"]))
            y0, y1 = float(plot.py(b["accuracy"])), float(plot.py(0))
            parts.append(
                f'<rect x="{svg.number(x0)}" y="{svg.number(y0)}" width="{svg.number(x1 - x0)}" '
                f'height="{svg.number(y1 - y0)}" fill="#0072b2" fill-opacity="0.25" stroke="#57606a" '
                f'stroke-width="0.6" data-accuracy="{b["accuracy"]!r}" data-count="{b["count"]!r}"/>'
                f'<text x="{svg.number((x0 + x1) / 2)}" y="{svg.number(y0 - 3)}" text-anchor="middle" '
                f'font-size="9">{format_value(b["count"], 3)}</text>'
            )
    for k, (_, bins) in enumerate(series):
        xs = [b["confidence"] for b in bins]
        ys = [b["accuracy"] for b in bins]
        parts.append(svg.line(plot, xs, ys, k, width=1.4))
        dots = "".join(
            f'<circle cx="{svg.number(float(x))}" cy="{svg.number(float(y))}" r="2.5"/>'
            for x, y in zip(plot.px(xs).tolist(), plot.py(ys).tolist(), strict=True)
        )
        parts.append(f'<g fill="{svg.colour(k)}">{dots}</g>')
    parts.append("</g>")
    if names:
        parts.append(svg.legend(names, width - key - 4, 34))
    return svg.document(width, height, parts, f"reliability diagram: {diagram.title}", kind="reliability")
