"""A sweep drawn: each model's loss along the swept parameter, the crossings marked, in the
terminal (braille), as a PNG or SVG image, or as a section of an HTML page.

A log grid is drawn against ``log10`` of the parameter in the terminal (its axis says so) and
on a log axis in images.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import numpy as np

from lossctl.output.numbers import format_value
from lossctl.plot import page
from lossctl.plot.curves import Axis, Curve, CurveSet
from lossctl.plot.images import LINE_STYLES, figure_of_size, image_bytes
from lossctl.plot.terminal import render_curves

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from rich.text import Text

    from lossctl.engine.sweep import SweepResult

SECTION_SIZE = (760, 420)


def _y_label(result: SweepResult) -> str:
    return "mean elementary score" if result.murphy else result.loss


def sweep_curves(result: SweepResult) -> CurveSet:
    """One curve per model along the grid (``log10`` of the parameter on a log grid)."""
    x = np.log10(result.x) if result.log else np.asarray(result.x, dtype=np.float64)
    title = f"log10 {result.parameter}" if result.log else result.parameter
    low, high = float(x[0]), float(x[-1])
    if high <= low:
        high = low + 1.0
    curves = tuple(Curve(m, x, result.values[i]) for i, m in enumerate(result.models))
    return CurveSet(Axis(result.parameter, title, bounded=False), low, high, curves)


def render_sweep(result: SweepResult, *, width: int, height: int) -> Text:
    """The curves in braille characters (``plot curves``' renderer)."""
    return render_curves(sweep_curves(result), width=width, height=height)


def sweep_figure(result: SweepResult, *, width: int, height: int, title: str = "") -> Figure:
    """The curves on one set of axes, a dotted vertical line at each crossing."""
    figure = figure_of_size(width, height)
    ax = figure.add_subplot()
    for i, model in enumerate(result.models):
        ax.plot(
            result.x,
            result.values[i],
            label=model,
            linewidth=1.6,
            linestyle=LINE_STYLES[i % len(LINE_STYLES)],
            marker="." if len(result.x) <= 60 else None,
        )
    if result.log:
        ax.set_xscale("log")
    for c in result.crossings:
        ax.axvline(c.at, color="grey", linestyle=":", linewidth=1)
        ax.annotate(
            format_value(c.at, 4),
            (c.at, 1.0),
            xycoords=("data", "axes fraction"),
            textcoords="offset points",
            xytext=(3, -12),
            fontsize="small",
            color="dimgrey",
        )
    ax.set_xlabel(result.parameter)
    ax.set_ylabel(_y_label(result))
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    ax.set_title(title or _title(result))
    return figure


def _title(result: SweepResult) -> str:
    if result.murphy:
        return f"Murphy diagram: {result.murphy['functional']} at level {result.murphy['level']:g}"
    return f"{result.loss} over {result.parameter}"


def sweep_section(result: SweepResult, *, image_format: str = "svg", precision: int = 6) -> str:
    """An HTML ``<section>`` of the sweep: the curves (an inline image), a table of the
    crossings, and for a Murphy diagram whether a model dominates."""
    width, height = SECTION_SIZE
    data = image_bytes(sweep_figure(result, width=width, height=height), image_format)
    caption = f"{_title(result)} ({len(result.x)} points; crossings dotted)"
    parts = [f'<section class="sweep"><h2>{escape(_title(result))}</h2>']
    parts.append(page.figure(page.data_uri(data, image_format), caption, width=width, height=height))
    if len(result.models) > 1:
        rows = [
            [
                page.cell(f"{c.between[0]} / {c.between[1]}"),
                page.cell(format_value(c.at, precision), numeric=True, data={"value": repr(c.at)}),
                page.cell(format_value(c.tolerance, 2), numeric=True, data={"value": repr(c.tolerance)}),
            ]
            for c in result.crossings
        ]
        caption = "where the models swap rank" if rows else "no crossing: the models keep their ranks on the grid"
        parts.append(
            page.table(["models", result.parameter, "+/-"], rows, numeric=[False, True, True], caption=caption)
        )
    if result.murphy and len(result.models) > 1:
        winner = result.dominant()
        text = f"{winner} dominates: lower or equal at every threshold." if winner else "No model dominates."
        parts.append(f'<p class="note">{escape(text)}</p>')
    parts.append("</section>")
    return "".join(parts)


def sweep_page(result: SweepResult, *, title: str = "", image_format: str = "svg", precision: int = 6) -> str:
    """A self-contained page of the sweep's section."""
    return page.document(
        title or _title(result), [sweep_section(result, image_format=image_format, precision=precision)]
    )
