"""The HTML report of ``lossctl report``: the comparison table, the loss curves, the
per-sample distributions and the worst samples of each input, and the reliability diagram of
each calibration score, in one self-contained page whose figures are inline SVG.

The page is a list of sections, each an HTML string (``<section id="..."><h2>...</h2>``);
``build_report`` takes more of them (a diff's, a sweep's) after its own, and lists every
section in the page's contents. Losses that are the same number on every input (``twins``)
are one line of the table, named ``huber = smooth-l1``, with a note; the figures join the
names of curves, or of per-sample values, that are the same.

The table shows each value as ``compare`` does (``--precision`` significant digits, the best
of each compared column marked) and carries the full-precision value in ``data-value``, with
``data-input``, ``data-loss`` (the spec) and, by group, ``data-group``, so a program can read
the page back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import numpy as np

from lossctl import __version__
from lossctl.output.fit import narrowest, turned
from lossctl.output.grid import results_grid
from lossctl.output.numbers import format_value
from lossctl.plot import page
from lossctl.plot.curves import Curve, CurveSet, curves_by_axis
from lossctl.plot.reliability import diagrams
from lossctl.plot.samples_section import distributions_section, input_summaries, worst_section
from lossctl.plot.svg_figures import curves_svg, reliability_svg
from lossctl.plot.twins import twins, twins_note, without_twins

if TYPE_CHECKING:
    from lossctl.engine.results import Evaluation, LossResult
    from lossctl.plot.samples import SampleCollector

PAGE_COLUMNS = 110  # characters of table text that fit a 1100 px column without scrolling
BIN_DIGITS = 4
SECTION_TITLE = re.compile(r'<section id="([^"]+)"><h2>(.*?)</h2>')


@dataclass(frozen=True)
class ReportOptions:
    title: str = "lossctl report"
    precision: int = 6
    worst: int = 10
    bins: int = 40
    span: float = 3.0


def _cell_results(evaluations: list[Evaluation]) -> dict[tuple[int, int], tuple[str, LossResult]]:
    """The result behind each value cell of ``results_grid(evaluations)``, by (row, column),
    laid out as that grid lays them out."""
    cells: dict[tuple[int, int], tuple[str, LossResult]] = {}
    if len(evaluations) > 1:
        labels = list(dict.fromkeys(r.label for e in evaluations for r in e.results if r.group is None))
        for row, e in enumerate(evaluations):
            for r in e.results:
                if r.group is None:
                    cells[(row, 2 + labels.index(r.label))] = (e.input, r)
        return cells
    e = evaluations[0]
    grouped = [r for r in e.results if r.group is not None]
    if not grouped:
        return {(row, 1): (e.input, r) for row, r in enumerate(e.results)}
    labels = list(dict.fromkeys(r.label for r in e.results))
    groups = list(dict.fromkeys(r.group for r in grouped))
    for r in e.results:
        row = len(groups) if r.group is None else groups.index(r.group)
        cells[(row, 2 + labels.index(r.label))] = (e.input, r)
    return cells


def comparison_table(evaluations: list[Evaluation], precision: int, same: dict[str, str] | None = None) -> str:
    """``compare``'s table as HTML, each value cell with its full-precision ``data-value``;
    the twins in ``same`` (each mapped to the loss it equals) left out, that loss named
    ``huber = smooth-l1`` and its cells saying the twins in ``data-same``; turned (a column
    per model) when its columns would not fit the page's width."""
    stands_for: dict[str, list[str]] = {}
    for twin, kept in (same or {}).items():
        stands_for.setdefault(kept, []).append(twin)
    evaluations = without_twins(evaluations, same or {})
    grid = results_grid(evaluations, precision)
    cells = _cell_results(evaluations)
    for (r, c), (_, result) in cells.items():  # the names of a loss: a column's header or a row's first cell
        if result.label in stands_for:
            name = " = ".join([result.label, *stands_for[result.label]])
            grid.headers[c] = name if grid.headers[c] == result.label else grid.headers[c]
            grid.rows[r][0] = name if grid.rows[r][0] == result.label else grid.rows[r][0]
    if narrowest(grid, " *") > PAGE_COLUMNS and len(grid.rows) > 1:
        grid, cells = turned(grid), {(c - 1, r + 1): cell for (r, c), cell in cells.items()}
    rows = []
    for r, texts in enumerate(grid.rows):
        row = []
        for c, text in enumerate(texts):
            best = ("best",) if (r, c) in grid.best else ()
            if (r, c) in cells:
                input_name, result = cells[(r, c)]
                data = {"value": repr(result.value), "input": input_name, "loss": result.label}
                if result.group is not None:
                    data["group"] = str(result.group)
                if result.label in stands_for:
                    data["same"] = " ".join(stands_for[result.label])
                row.append(page.cell(text, numeric=True, classes=best, data=data))
            else:
                row.append(page.cell(text, numeric=grid.numeric[c], classes=best))
        rows.append(row)
    html = page.table(grid.headers, rows, numeric=grid.numeric, caption=grid.title, table_id="comparison-table")
    if grid.best:
        html += '<p class="note">In bold green: the best value of each loss (the lowest loss, the highest score).</p>'
    return html


def _merged_curves(curve_set: CurveSet) -> CurveSet:
    """The curves of a set, those that are the same drawn once under their joined labels
    (mae's and rmse's are both ``|r|``)."""
    merged: list[Curve] = []
    for curve in curve_set.curves:
        same = next((k for k, m in enumerate(merged) if np.allclose(m.y, curve.y, rtol=1e-12, atol=0.0)), None)
        if same is None:
            merged.append(curve)
        else:
            merged[same] = Curve(f"{merged[same].label} = {curve.label}", curve.x, merged[same].y)
    return CurveSet(curve_set.axis, curve_set.low, curve_set.high, tuple(merged))


def _curves_section(evaluations: list[Evaluation], options: ReportOptions, step: Callable[[], None]) -> str:
    losses = {r.label: r.loss for e in evaluations for r in e.results if r.group is None}
    sets, skipped = curves_by_axis(list(losses.values()), span=options.span)
    parts = ['<section id="curves"><h2>Loss curves</h2>']
    parts.append(
        '<p class="note">Each curve is the loss of a single sample along the axis; curves that are the '
        "same are drawn once, their names joined by =.</p>"
    )
    figures = []
    for curve_set in sets:
        figures.append(f'<figure class="wide">{curves_svg(_merged_curves(curve_set))}</figure>')
    step()
    if skipped:
        items = "".join(f"<li>{escape(reason)}</li>" for reason in skipped.values())
        figures.append(f'<div class="aside"><p class="note">Without a curve:</p><ul class="note">{items}</ul></div>')
    parts.append('<div class="pair">' + "".join(figures) + "</div></section>")
    return "".join(parts)


def _reliability_section(evaluations: list[Evaluation], step: Callable[[], None]) -> str:
    """A diagram and a table of the bins of each calibration score; nothing without one."""
    found = diagrams(evaluations)
    if not found:
        return ""
    parts = ['<section id="reliability"><h2>Reliability</h2>']
    parts.append(
        '<p class="note">Each bin\'s observed frequency against its mean predicted probability; on the '
        "diagonal, the probabilities are calibrated. The numbers above the bars are the bins' counts "
        "(their sums of sample weights).</p>"
    )
    for diagram in found:
        classwise = len(diagram.series) > 1
        headers = [*(["class"] if classwise else []), "low", "high", "count", "confidence", "accuracy"]
        rows = [
            ([page.cell(str(b["class"]))] if classwise else [])
            + [page.cell(format_value(b[key], BIN_DIGITS), numeric=True) for key in headers[classwise:]]
            for b in diagram.bins
        ]
        numeric = [False] * classwise + [True] * (len(headers) - classwise)
        table = page.table(headers, rows, numeric=numeric, caption=f"bins: {diagram.title}")
        parts.append(f'<div class="pair"><figure>{reliability_svg(diagram)}</figure>{table}</div>')
        step()
    parts.append("</section>")
    return "".join(parts)


def _inputs_section(evaluations: list[Evaluation], warnings: list[str]) -> str:
    items = "".join(f"<li>{escape(e.describe())}</li>" for e in evaluations)
    html = f'<section id="inputs"><h2>Inputs</h2><ul>{items}</ul>'
    if warnings:
        html += '<ul class="warnings">' + "".join(f"<li>{escape(w)}</li>" for w in warnings) + "</ul>"
    return html + "</section>"


def _comparison_section(evaluations: list[Evaluation], same: dict[str, str], precision: int) -> str:
    html = '<section id="comparison"><h2>Comparison</h2>' + comparison_table(evaluations, precision, same)
    note = twins_note(same)
    return html + (f'<p class="note">{escape(note)}</p>' if note else "") + "</section>"


def contents(sections: Sequence[str]) -> str:
    """A line of links to the page's sections, by their ids and titles."""
    links = [f'<a href="#{m.group(1)}">{m.group(2)}</a>' for s in sections for m in SECTION_TITLE.finditer(s)]
    return f"<nav>{' · '.join(links)}</nav>"


def build_report(
    evaluations: list[Evaluation],
    collectors: list[SampleCollector],
    warnings: list[str],
    options: ReportOptions,
    *,
    more: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """The page, from each input's evaluation and collected per-sample values, followed by
    the sections ``more`` (HTML strings, each a ``<section id="..."><h2>``); ``progress`` is
    told (steps done, steps in all) as each input is summarized and each figure drawn."""
    same = twins(evaluations, collectors)
    labels = {r.label for e in evaluations for r in e.results if r.group is None}
    # Steps: each input summarized, the curves, each card, each diagram. The cards are
    # counted once the summaries have merged the losses with the same per-sample values.
    fixed = len(evaluations) + 1 + len(diagrams(evaluations))
    total, done = fixed + len(labels), 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, total), total)

    found = input_summaries(evaluations, collectors, bins=options.bins, worst=options.worst, step=step)
    total = fixed + len({s.label for summaries in found for s in summaries})
    sections = [
        _inputs_section(evaluations, warnings),
        _comparison_section(evaluations, same, options.precision),
        _curves_section(evaluations, options, step),
        distributions_section(evaluations, found, options.precision, step),
        worst_section(evaluations, found, options.precision),
        _reliability_section(evaluations, step),
        *more,
    ]
    sections = [s for s in sections if s]
    header = f'<header><h1>{escape(options.title)}</h1><p class="meta">lossctl {escape(__version__)}</p></header>'
    if progress is not None:
        progress(total, total)
    return page.document(options.title, [header, contents(sections), *sections])
