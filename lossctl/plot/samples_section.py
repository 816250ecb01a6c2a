"""The report's sections on per-sample values: a card per loss that draws every input on shared
axes (see ``svg_figures.samples_svg``), a table of each input's quantiles and concentration,
and each input's worst rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from html import escape
from typing import TYPE_CHECKING

import numpy as np

from lossctl.output.numbers import format_value
from lossctl.plot import page, samples, svg
from lossctl.plot.svg_figures import samples_svg

if TYPE_CHECKING:
    from lossctl.engine.results import Evaluation
    from lossctl.plot.samples import SampleCollector, SampleSummary


def input_summaries(
    evaluations: list[Evaluation], collectors: list[SampleCollector], *, bins: int, worst: int, step: Callable[[], None]
) -> list[list[SampleSummary]]:
    """Each input's summaries, the histograms of a loss on bins shared by every input, those
    that are the same on every input merged (see ``merged``)."""
    spans = samples.shared_spans(collectors)
    found = []
    for evaluation, collector in zip(evaluations, collectors, strict=True):
        found.append(samples.summaries(evaluation.results, collector, bins=bins, worst=worst, spans=spans))
        step()
    return merged(found)


def _same(a: SampleSummary, b: SampleSummary) -> bool:
    return (a.n, a.total, a.quantiles, a.worst) == (b.n, b.total, b.quantiles, b.worst) and np.array_equal(
        a.counts, b.counts
    )


def merged(found: list[list[SampleSummary]]) -> list[list[SampleSummary]]:
    """The summaries with those of losses whose per-sample values are the same on every input
    (mse's and rmse's are both the squared errors) kept once, under their joined labels."""
    labels = [s.label for s in found[0]] if found else []
    if any([s.label for s in summaries] != labels for summaries in found):
        return found
    groups: list[list[int]] = []
    for k in range(len(labels)):
        home = next((g for g in groups if all(_same(f[g[0]], f[k]) for f in found)), None)
        if home is None:
            groups.append([k])
        else:
            home.append(k)
    return [[replace(f[g[0]], label=" = ".join(labels[k] for k in g)) for g in groups] for f in found]


def _key(names: list[str]) -> str:
    """Which colour is which input."""
    items = "".join(
        f'<span class="swatch" style="background:{svg.colour(k)}"></span>{escape(name)}' for k, name in enumerate(names)
    )
    return f'<p class="key">{items}</p>'


def _statistics_table(name: str, summaries: list[SampleSummary], precision: int) -> str:
    quantile_names = [q for q, _ in summaries[0].quantiles]
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
    numeric = [False] + [True] * (len(headers) - 1)
    return page.table(headers, rows, numeric=numeric, caption=f"per-sample losses: {name}")


def distributions_section(
    evaluations: list[Evaluation], found: list[list[SampleSummary]], precision: int, step: Callable[[], None]
) -> str:
    """``<section id="samples">``: a card per loss, then a table per input."""
    names = [e.input for e in evaluations]
    by_label: dict[str, list[tuple[str, SampleSummary]]] = {}
    for name, summaries in zip(names, found, strict=True):
        for s in summaries:
            by_label.setdefault(s.label, []).append((name, s))
    parts = ['<section id="samples"><h2>Per-sample distributions</h2>']
    parts.append(
        '<p class="note">The per-sample terms whose mean each loss is (unweighted; for rmse, the squared '
        "errors): their histogram (rows on a log scale; dashed, the mean), and the share of the total "
        "carried by the worst rows. Losses with the same per-sample values are shown once, their names "
        "joined by =.</p>"
    )
    if not by_label:
        parts.append('<p class="note">No loss here has per-sample values.</p></section>')
        return "".join(parts)
    parts.append(_key(names))
    cards = []
    for label, inputs in by_label.items():
        cards.append(f'<div class="card">{samples_svg(label, inputs)}</div>')
        step()
    parts.append('<div class="cards">' + "".join(cards) + "</div>")
    parts += [_statistics_table(name, s, precision) for name, s in zip(names, found, strict=True) if s]
    parts.append("</section>")
    return "".join(parts)


def worst_section(evaluations: list[Evaluation], found: list[list[SampleSummary]], precision: int) -> str:
    """``<section id="worst">``: each input's worst rows of each loss, in small tables."""
    parts = ['<section id="worst"><h2>Worst samples</h2>', '<p class="note">Rows are 1-based data rows.</p>']
    for evaluation, summaries in zip(evaluations, found, strict=True):
        if not summaries:
            continue
        tables = []
        for s in summaries:
            rows = [
                [page.cell(str(row), numeric=True), page.cell(format_value(value, precision), numeric=True)]
                for row, value in s.worst
            ]
            caption = f"worst {len(rows)}: {s.label}"
            tables.append(page.table(["row", s.label], rows, numeric=[True, True], caption=caption, scroll=False))
        parts.append(f"<h3>{escape(evaluation.input)}</h3>" + '<div class="tables">' + "".join(tables) + "</div>")
    parts.append("</section>")
    return "".join(parts)
