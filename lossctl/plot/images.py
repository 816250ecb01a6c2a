"""PNG and SVG images of curves and per-sample distributions, drawn with matplotlib.

matplotlib is the optional extra ``lossctl[plot]``, imported only when an image is drawn.
Sizes are in pixels at 96 dots per inch (CSS's pixel): a PNG is exactly ``width`` x
``height`` pixels and an SVG says ``width="{width}px" height="{height}px"``. Figures are made
with ``matplotlib.figure.Figure``, never pyplot, so no global state or GUI backend is touched;
SVG output carries no date and fixed ids, so the same data gives the same file.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import numpy as np

from lossctl.errors import UsageError, readable
from lossctl.plot.curves import CurveSet
from lossctl.plot.samples import SampleSummary

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 96
# Line styles cycled with the colours, so that curves lying on each other stay visible.
LINE_STYLES = ("-", "--", "-.", ":")
IMAGE_FORMATS = ("png", "svg")
INSTALL_HINT = "pip install 'lossctl[plot]'"


def image_format(path: str) -> str:
    """``png`` or ``svg`` from the file name; a ``UsageError`` for any other."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix not in IMAGE_FORMATS:
        raise UsageError(f"{path}: images are written as .png or .svg files")
    return suffix


def require_matplotlib() -> None:
    """A ``UsageError`` naming the extra to install when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(f"PNG and SVG images need matplotlib: {INSTALL_HINT}") from None


def literal(text: str) -> str:
    """Text from outside (a file name, ``--title``, a series' name) as matplotlib draws it
    as written: each ``$`` escaped, since two of them would start mathtext (``a$\\frac$.csv``
    is no formula), and bytes that are not UTF-8 shown as U+FFFD (see `readable`)."""
    return readable(text).replace("$", "\\$")


def figure_of_size(width: int, height: int) -> Figure:
    require_matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(width / DPI, height / DPI), dpi=DPI, layout="constrained")


def curves_figure(curves: CurveSet, *, width: int, height: int, y_max: float | None = None, title: str = "") -> Figure:
    """The curves of one axis on one set of axes, with a legend."""
    figure = figure_of_size(width, height)
    ax = figure.add_subplot()
    for k, curve in enumerate(curves.curves):
        ax.plot(
            curve.x, curve.y, label=literal(curve.label), linewidth=1.6, linestyle=LINE_STYLES[k % len(LINE_STYLES)]
        )
    ax.set_xlim(curves.low, curves.high)
    bottom = min(0.0, *(float(np.min(c.y)) for c in curves.curves))
    ax.set_ylim(bottom, y_max)
    ax.set_xlabel(curves.axis.title)
    ax.set_ylabel("loss of one sample")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    if title:
        ax.set_title(literal(title))
    return figure


def samples_figure(summaries: list[SampleSummary], *, width: int, height: int, title: str = "") -> Figure:
    """One row per loss: the histogram of its per-sample values (rows on a log scale, so a
    few large losses show beside many small ones) and its concentration curve (the share of
    the total carried by the worst x of the rows, the diagonal being equal shares)."""
    figure = figure_of_size(width, height)
    axes = figure.subplots(len(summaries), 2, squeeze=False)
    for (hist_ax, share_ax), summary in zip(axes, summaries, strict=True):
        widths = np.diff(summary.edges)
        hist_ax.bar(summary.edges[:-1], summary.counts, width=widths if widths.any() else 1.0, align="edge")
        hist_ax.set_yscale("log")
        hist_ax.set_title(literal(f"{summary.label}: {summary.n} rows"), fontsize="medium")
        hist_ax.set_xlabel("per-sample loss")
        hist_ax.set_ylabel("rows")
        fraction, share = summary.concentration
        share_ax.plot(100 * fraction, 100 * share, linewidth=1.6)
        share_ax.plot([0, 100], [0, 100], linestyle=":", color="grey", linewidth=1)
        for s in summary.shares:
            if s.share is not None:
                share_ax.plot([100 * s.rows / summary.n], [100 * s.share], "o", color="black", markersize=3)
                share_ax.annotate(
                    f"worst {s.fraction:.0%}: {s.share:.0%}",
                    (100 * s.rows / summary.n, 100 * s.share),
                    textcoords="offset points",
                    xytext=(6, -12),
                    fontsize="small",
                )
        share_ax.set_xlim(0, 100)
        share_ax.set_ylim(0, 105)
        share_ax.set_xlabel("worst rows (% of rows)")
        share_ax.set_ylabel("% of the total loss")
        share_ax.grid(alpha=0.3)
    if title:
        figure.suptitle(literal(title))
    return figure


def image_bytes(figure: Figure, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes, at the size it was made with."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "lossctl", "svg.fonttype": "path"}):
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
    data = buffer.getvalue()
    return _svg_in_pixels(data, figure) if fmt == "svg" else data


def _svg_in_pixels(data: bytes, figure: Figure) -> bytes:
    """matplotlib sizes SVG in points (3/4 of a pixel); say the same size in pixels, which
    keeps the drawing (its viewBox) as it is."""
    width, height = (round(v * DPI) for v in figure.get_size_inches())
    return re.sub(
        rb'<svg([^>]*?) width="[^"]*" height="[^"]*"',
        lambda m: b'<svg%s width="%dpx" height="%dpx"' % (m.group(1), width, height),
        data,
        count=1,
    )


def write_image(figure: Figure, path: str, inputs: list[str | None] = ()) -> None:
    """Write the figure to ``path`` (.png or .svg) atomically, refusing to overwrite an input."""
    from lossctl.atomic import atomic_path, check_output

    fmt = image_format(path)
    check_output(path, inputs)
    data = image_bytes(figure, fmt)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
