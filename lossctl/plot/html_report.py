"""The HTML report of ``lossctl report``: the comparison table, the loss curves, the
per-sample distributions and the worst samples of each input, and the reliability diagram of
each calibration score, in one self-contained page.

The table shows each value as ``compare`` does (``--precision`` significant digits, the best
of each compared column marked) and carries the full-precision value in ``data-value``, with
``data-input``, ``data-loss`` (the spec) and, by group, ``data-group``, so a program can read
the page back.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from lossctl import __version__
from lossctl.output.fit import narrowest, turned
from lossctl.output.grid import results_grid
from lossctl.output.numbers import format_value
from lossctl.plot import page, samples
from lossctl.plot.curves import curves_by_axis
from lossctl.plot.images import curves_figure, image_bytes, samples_figure
from lossctl.plot.reliability import diagrams, reliability_figure
from lossctl.plot.samples import SampleCollector, SampleSummary

if TYPE_CHECKING:
    from lossctl.engine.results import Evaluation, LossResult

CURVES_SIZE = (760, 420)
SAMPLES_WIDTH = 760
SAMPLES_ROW_HEIGHT = 250
RELIABILITY_SIZE = (560, 480)
PAGE_COLUMNS = 110  # characters of table text that fit the page's 1100 px without scrolling
BIN_DIGITS = 4


@dataclass(frozen=True)
class ReportOptions:
    title: str = "lossctl report"
    precision: int = 6
    worst: int = 10
    bins: int = 40
    span: float = 3.0
    image_format: str = "svg"


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


def comparison_table(evaluations: list[Evaluation], precision: int) -> str:
    """``compare``'s table as HTML, each value cell with its full-precision ``data-value``;
    turned (a column per model) when its columns would not fit the page's width."""
    grid = results_grid(evaluations, precision)
    cells = _cell_results(evaluations)
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
                row.append(page.cell(text, numeric=True, classes=best, data=data))
            else:
                row.append(page.cell(text, numeric=grid.numeric[c], classes=best))
        rows.append(row)
    html = page.table(grid.headers, rows, numeric=grid.numeric, caption=grid.title, table_id="comparison-table")
    if grid.best:
        html += '<p class="note">In bold green: the best value of its column (the lowest loss, the highest score).</p>'
    return html


def _image(figure, size: tuple[int, int], caption: str, fmt: str) -> str:
    uri = page.data_uri(image_bytes(figure, fmt), fmt)
    return page.figure(uri, caption, width=size[0], height=size[1])


def _curves_section(evaluations: list[Evaluation], options: ReportOptions) -> list[str]:
    losses = {r.label: r.loss for e in evaluations for r in e.results if r.group is None}
    sets, skipped = curves_by_axis(list(losses.values()), span=options.span)
    parts = ['<section id="curves"><h2>Loss curves</h2>']
    parts.append('<p class="note">Each curve is the loss of a single sample along the axis.</p>')
    for curve_set in sets:
        figure = curves_figure(curve_set, width=CURVES_SIZE[0], height=CURVES_SIZE[1])
        caption = f"{', '.join(c.label for c in curve_set.curves)} against the {curve_set.axis.title}"
        parts.append(_image(figure, CURVES_SIZE, caption, options.image_format))
    if skipped:
        items = "".join(f"<li>{escape(reason)}</li>" for reason in skipped.values())
        parts.append(f'<p class="note">Without a curve:</p><ul class="note">{items}</ul>')
    parts.append("</section>")
    return parts


def _statistics_table(summaries: list[SampleSummary], precision: int) -> str:
    quantile_names = [name for name, _ in summaries[0].quantiles]
    share_names = [f"worst {s.fraction:.0%} carry" for s in summaries[0].shares]
    headers = ["loss", "n", "mean", *quantile_names, *share_names]
    rows = []
    for s in summaries:
        numbers = [format_value(s.mean, precision), *(format_value(v, precision) for _, v in s.quantiles)]
        shares = ["n/a" if share.share is None else f"{share.share:.1%}" for share in s.shares]
        rows.append(
            [page.cell(s.label), page.cell(str(s.n), numeric=True)]
            + [page.cell(text, numeric=True) for text in numbers + shares]
        )
    return page.table(headers, rows, numeric=[False] + [True] * (len(headers) - 1), caption="per-sample losses")


def _worst_tables(summaries: list[SampleSummary], precision: int) -> str:
    tables = []
    for s in summaries:
        rows = [
            [page.cell(str(row), numeric=True), page.cell(format_value(value, precision), numeric=True)]
            for row, value in s.worst
        ]
        tables.append(page.table(["row", s.label], rows, numeric=[True, True], caption=f"worst {len(rows)}: {s.label}"))
    return '<div class="tables">' + "".join(tables) + "</div>"


def _input_sections(
    evaluations: list[Evaluation], collectors: list[SampleCollector], options: ReportOptions
) -> tuple[list[str], list[str]]:
    distributions = ['<section id="samples"><h2>Per-sample distributions</h2>']
    distributions.append(
        '<p class="note">The per-sample terms whose mean each loss is (unweighted; for rmse, the squared '
        "errors): their histogram, and the share of the total carried by the worst rows.</p>"
    )
    worst = ['<section id="worst"><h2>Worst samples</h2>', '<p class="note">Rows are 1-based data rows.</p>']
    for evaluation, collector in zip(evaluations, collectors, strict=True):
        summaries = samples.summaries(evaluation.results, collector, bins=options.bins, worst=options.worst)
        heading = f"<h3>{escape(evaluation.input)}</h3>"
        if not summaries:
            distributions.append(heading + '<p class="note">No loss here has per-sample values.</p>')
            continue
        size = (SAMPLES_WIDTH, SAMPLES_ROW_HEIGHT * len(summaries) + 40)
        figure = samples_figure(summaries, width=size[0], height=size[1], title=evaluation.input)
        distributions += [
            heading,
            _image(figure, size, f"per-sample losses of {evaluation.input}", options.image_format),
            _statistics_table(summaries, options.precision),
        ]
        worst += [heading, _worst_tables(summaries, options.precision)]
    return distributions + ["</section>"], worst + ["</section>"]


def _reliability_section(evaluations: list[Evaluation], options: ReportOptions) -> list[str]:
    """A diagram and a table of the bins of each calibration score; nothing without one."""
    found = diagrams(evaluations)
    if not found:
        return []
    parts = ['<section id="reliability"><h2>Reliability</h2>']
    parts.append(
        '<p class="note">Each bin\'s observed frequency against its mean predicted probability; on the '
        "diagonal, the probabilities are calibrated. The numbers above the bars are the bins' counts "
        "(their sums of sample weights).</p>"
    )
    for diagram in found:
        figure = reliability_figure(diagram, width=RELIABILITY_SIZE[0], height=RELIABILITY_SIZE[1])
        parts.append(_image(figure, RELIABILITY_SIZE, f"reliability diagram: {diagram.title}", options.image_format))
        classwise = len(diagram.series) > 1
        headers = [*(["class"] if classwise else []), "low", "high", "count", "confidence", "accuracy"]
        rows = [
            ([page.cell(str(b["class"]))] if classwise else [])
            + [page.cell(format_value(b[key], BIN_DIGITS), numeric=True) for key in headers[classwise:]]
            for b in diagram.bins
        ]
        numeric = [False] * classwise + [True] * (len(headers) - classwise)
        parts.append(page.table(headers, rows, numeric=numeric, caption=f"bins: {diagram.title}"))
    parts.append("</section>")
    return parts


def build_report(
    evaluations: list[Evaluation], collectors: list[SampleCollector], warnings: list[str], options: ReportOptions
) -> str:
    """The page, from each input's evaluation and collected per-sample values."""
    body = [
        f'<header><h1>{escape(options.title)}</h1><p class="meta">lossctl {escape(__version__)}</p></header>',
        '<section id="inputs"><h2>Inputs</h2><ul>'
        + "".join(f"<li>{escape(e.describe())}</li>" for e in evaluations)
        + "</ul>",
    ]
    if warnings:
        body.append('<ul class="warnings">' + "".join(f"<li>{escape(w)}</li>" for w in warnings) + "</ul>")
    body.append("</section>")
    body.append('<section id="comparison"><h2>Comparison</h2>' + comparison_table(evaluations, options.precision))
    body.append("</section>")
    body += _curves_section(evaluations, options)
    distributions, worst = _input_sections(evaluations, collectors, options)
    return page.document(options.title, body + distributions + worst + _reliability_section(evaluations, options))
