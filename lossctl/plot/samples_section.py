"""The report's sections on per-sample values: a card per loss that draws every input on shared
axes (see ``svg_figures.samples_svg``), a table of each input's quantiles and concentration,
and each input's worst rows."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

import numpy as np

from lossctl.output.numbers import format_value
from lossctl.plot import page, samples, svg
from lossctl.plot.svg_figures import samples_svg
from lossctl.plot.twins import RELATIVE

if TYPE_CHECKING:
    from lossctl.engine.results import Evaluation
    from lossctl.plot.samples import SampleCollector, SampleSummary


def same_values(labels: list[str], collectors: list[SampleCollector]) -> list[list[str]]:
    """``labels`` in groups whose per-sample values are the same on every input (mse's and
    rmse's are both the squared errors; huber's and smooth-l1's agree to ``RELATIVE``), each
    group in the order of its first label."""
    groups: list[list[str]] = []
    for label in labels:
        home = next((g for g in groups if all(_equal(c, g[0], label) for c in collectors)), None)
        if home is None:
            groups.append([label])
        else:
            home.append(label)
    return groups


def _equal(collector: SampleCollector, a: str, b: str) -> bool:
    kept = collector.labels()
    if a not in kept or b not in kept:
        return a not in kept and b not in kept
    x, y = collector.values(a)[1], collector.values(b)[1]
    return x.shape == y.shape and bool(np.allclose(x, y, rtol=RELATIVE, atol=0.0))


def input_summaries(
    evaluations: list[Evaluation], collectors: list[SampleCollector], *, bins: int, worst: int, step: Callable[[], None]
) -> list[list[SampleSummary]]:
    """Each input's summaries, one per group of ``same_values`` (named by its labels joined
    with =), the histograms of a loss on bins shared by every input."""
    labels = list(dict.fromkeys(r.label for e in evaluations for r in e.results if r.group is None))
    kept = {label for c in collectors for label in c.labels()}
    groups = same_values([label for label in labels if label in kept], collectors)
    spans = samples.shared_spans(collectors)
    found = []
    for collector in collectors:
        here = set(collector.labels())
        found.append(
            [
                samples.summarize(" = ".join(g), *collector.values(g[0]), bins=bins, worst=worst, span=spans[g[0]])
                for g in groups
                if g[0] in here
            ]
        )
        step()
    return found


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
        '<p class="note">The per-sample terms each loss is computed from (unweighted; the mean of most '
        "losses; for rmse, the squared errors): their histogram (rows on a log scale; dashed, the mean), "
        "and the share of the total carried by the worst rows. Losses with the same per-sample values are "
        "shown once, their names joined by =.</p>"
    )
    drawn = {label for joined in by_label for label in joined.split(" = ")}
    whole = list(dict.fromkeys(r.label for e in evaluations for r in e.results if r.group is None))
    whole = [label for label in whole if label not in drawn]
    if whole:
        parts.append(
            f'<p class="note">Values of the whole sample, without per-sample terms: {escape(", ".join(whole))}.</p>'
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
