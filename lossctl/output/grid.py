"""A table of results independent of its rendering: the one shape that the rich and Markdown
renderers (and the HTML report) draw, so they can never disagree. CSV and JSON are written
from the results themselves, one line or object per result, at full precision."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lossctl.errors import printable
from lossctl.output.columns import Formatter, column_format, count
from lossctl.output.numbers import shown_input

if TYPE_CHECKING:
    from lossctl.engine.comparison import Comparison, Skill
    from lossctl.engine.results import Evaluation, LossResult
    from lossctl.losses.intervals import Interval


@dataclass
class Grid:
    title: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    best: set[tuple[int, int]] = field(default_factory=set)
    caption: str = ""
    styles: dict[tuple[int, int], str] = field(default_factory=dict)  # a cell's colour on a terminal
    keys: tuple[int, ...] = (0,)  # the columns of names a user types next: never wrapped or cut

    def __post_init__(self) -> None:
        """Every text shown as it can be printed: file names, column names and group values
        come from outside (see ``errors.printable``)."""
        self.title, self.caption = printable(self.title), printable(self.caption)
        self.headers = [printable(h) for h in self.headers]
        self.rows = [[printable(cell) for cell in row] for row in self.rows]


def _mark_best(
    values: list[list[float | None]], higher: list[bool | None], peers: list[object] | None = None
) -> set[tuple[int, int]]:
    """The best value of each column among rows that are ``peers`` (the same key: by default
    all rows), where a column compares at least two: the lowest of a loss, the highest of a
    score (``higher``: one flag per column; None, ranked neither way, marks none)."""
    best = set()
    if len(values) < 2:
        return best
    keys = peers or [None] * len(values)
    for c in [c for c in range(len(values[0])) if higher[c] is not None]:
        for key in dict.fromkeys(keys):
            column = [
                (v[c], r) for r, v in enumerate(values) if keys[r] == key and v[c] is not None and math.isfinite(v[c])
            ]
            if len(column) >= 2:
                top = (max if higher[c] else min)(v for v, _ in column)
                best |= {(r, c) for v, r in column if v == top}
    return best


def results_grid(evaluations: list[Evaluation], precision: int, significant: dict[str, bool] | None = None) -> Grid:
    """One input: a row per loss (or per group x loss); several inputs: a row per input and a
    column per loss, the best value of each column marked; with ``significant`` (loss ->
    whether the best is significantly better than every other), only where it is."""
    if len(evaluations) == 1:
        return _single(evaluations[0], precision)
    return _models(evaluations, precision, significant)


def _single(evaluation: Evaluation, precision: int) -> Grid:
    results = evaluation.results
    grouped = [r for r in results if r.group is not None]
    if grouped:
        labels = list(dict.fromkeys(r.label for r in results))
        groups = list(dict.fromkeys(r.group for r in grouped))
        cell = {(r.group, r.label): r for r in grouped}
        overall = {r.label: r for r in results if r.group is None}
        table = [[cell.get((g, lab)) if g is not None else overall.get(lab) for lab in labels] for g in [*groups, None]]
        shown = [_column([row[c] for row in table], precision) for c in range(len(labels))]
        values, rows = [], []
        for g, row_results in zip([*groups, None], table, strict=True):
            values.append([r.value if r else None for r in row_results])
            n = max((r.n for r in row_results if r), default=0)
            name = "(all)" if g is None else str(g)
            cells = [_cell(r, show) if r else "" for r, show in zip(row_results, shown, strict=True)]
            rows.append([name, count(n), *cells])
        return Grid(
            title=f"{evaluation.input} by {evaluation.group_by}",
            headers=[evaluation.group_by, "n", *labels],
            rows=rows,
            numeric=[False, True, *[True] * len(labels)],
            best={(r, c + 2) for r, c in _mark_best(values[:-1], _higher(results, labels))},
            caption=evaluation.describe(),
        )
    lines = [line for r in results for line in _lines(r)]
    # A row per loss: each value (and its interval) shown on its own, different losses being no
    # column of comparable numbers.
    shown = [column_format([value, *(_ends([r]) if value is r.value else [])], precision) for _, value, r in lines]
    rows = [[label, show(value), count(r.n)] for (label, value, r), show in zip(lines, shown, strict=True)]
    headers, numeric = ["loss", "value", "n"], [False, True, True]
    levels = {r.ci.level for r in results if r.ci is not None}
    if levels:  # one level per run
        headers.append(f"{max(levels) * 100:g}% interval")
        numeric.append(True)
        for row, (_, value, r), show in zip(rows, lines, shown, strict=True):
            row.append(_interval(r, show) if value is r.value else "")
    return Grid(title=evaluation.input, headers=headers, rows=rows, numeric=numeric, caption=evaluation.describe())


def _lines(result: LossResult) -> list[tuple[str, float, LossResult]]:
    """A result's line, then a line per component (``quantile-set at 0.1``, ``mse of y_a``)."""
    lines = [(result.label, result.value, result)]
    for part in result.components or []:
        # a level's line by the loss's name (its levels are the parts), an output's by its label
        which = f"{result.loss.name} at {part['level']:g}" if "level" in part else f"{result.label} of {part['output']}"
        lines.append((which, part["value"], result))
    return lines


def _higher(results: list[LossResult], labels: list[str]) -> list[bool | None]:
    """Whether each of ``labels`` is a score (higher is better; None: neither)."""
    by_label = {r.label: r.loss.higher_is_better for r in results}
    return [by_label[label] for label in labels]


def _column(results: list[LossResult | None], precision: int) -> Formatter:
    """How a column of results shows its numbers: their values and their intervals' ends,
    with the same decimals."""
    present = [r for r in results if r is not None]
    return column_format([r.value for r in present] + _ends(present), precision)


def _ends(results: list[LossResult]) -> list[float]:
    return [x for r in results if r.ci is not None for x in (r.ci.low, r.ci.high)]


def _interval(result: LossResult, show: Formatter) -> str:
    """``[low, high]`` of a result's interval (shown as its value is), or ``-`` without one."""
    return "-" if result.ci is None else _bounds(result.ci, show)


def _bounds(ci: Interval, show: Formatter) -> str:
    return f"[{show(ci.low)}, {show(ci.high)}]"


def _cell(result: LossResult, show: Formatter) -> str:
    """A value, followed by its interval when it has one."""
    text = show(result.value)
    return text if result.ci is None else f"{text} {_interval(result, show)}"


def _models(evaluations: list[Evaluation], precision: int, significant: dict[str, bool] | None) -> Grid:
    labels = list(dict.fromkeys(r.label for e in evaluations for r in e.results if r.group is None))
    table = [{r.label: r for r in e.results if r.group is None} for e in evaluations]
    shown = {lab: _column([by_label.get(lab) for by_label in table], precision) for lab in labels}
    values = []
    rows = []
    for e, by_label in zip(evaluations, table, strict=True):
        values.append([by_label[lab].value if lab in by_label else None for lab in labels])
        n = max((r.n for r in by_label.values()), default=0)
        cells = [_cell(by_label[lab], shown[lab]) if lab in by_label else "" for lab in labels]
        rows.append([e.input, count(n), *cells])
    # Only models scored on the same labels are ranked: the same task, and as many rows.
    peers = [(e.task, e.rows) for e in evaluations]
    higher = _higher([r for e in evaluations for r in e.results], labels)
    best = {(r, c + 2) for r, c in _mark_best(values, higher, peers)}
    captions = "; ".join(e.describe() for e in evaluations)
    if len(set(peers)) > 1:
        captions += "; only inputs of the same task and number of rows are ranked against each other"
    if significant is not None:
        best = {(r, c) for r, c in best if significant.get(labels[c - 2], False)}
        unmarked = [lab for lab in labels if not significant.get(lab, False)]
        if unmarked:
            captions += (
                f"; no best marked for {', '.join(unmarked)}: not significantly better than every other (paired)"
            )
    return Grid(
        title="models compared",
        headers=["input", "n", *labels],
        rows=rows,
        numeric=[False, True, *[True] * len(labels)],
        best=best,
        caption=captions,
    )


def comparisons_grid(comparisons: list[Comparison], precision: int) -> Grid:
    """A row per model, a column per loss: ``B - A [low, high]`` and the verdict."""
    labels = list(dict.fromkeys(c.loss for c in comparisons))
    models = list(dict.fromkeys(c.model for c in comparisons))
    cell = {(c.model, c.loss): c for c in comparisons}
    shown = {lab: column_format([c.diff for c in comparisons if c.loss == lab], precision) for lab in labels}
    rows = []
    for model in models:
        row = [model]
        for label in labels:
            c = cell.get((model, label))
            show = shown[label]
            row.append("" if c is None else f"{show(c.diff)} {_bounds(c.ci, show)} {c.verdict}")
        rows.append(row)
    first = comparisons[0]
    return Grid(
        title=f"paired against {first.reference}: model - reference",
        headers=["model", *labels],
        rows=rows,
        numeric=[False, *[True] * len(labels)],
        caption=(
            f"rows paired {first.pairing}; {first.ci.level * 100:g}% intervals ({first.ci.method}); verdicts on "
            "p-values adjusted with Holm's method over each model's losses"
        ),
    )


def skills_grid(skills: list[Skill], precision: int) -> Grid:
    """A row per model, a column per loss: ``1 - loss / the reference's loss``."""
    labels = list(dict.fromkeys(s.loss for s in skills))
    models = list(dict.fromkeys(s.model for s in skills))
    value = {(s.model, s.loss): s.value for s in skills}
    shown = {lab: column_format([s.value for s in skills if s.loss == lab], precision) for lab in labels}
    rows = [[m, *(shown[lab](value[m, lab]) if (m, lab) in value else "" for lab in labels)] for m in models]
    return Grid(
        title=f"skill against {skills[0].reference}: 1 - loss / its loss",
        headers=["model", *labels],
        rows=rows,
        numeric=[False, *[True] * len(labels)],
        caption="1 is perfect, 0 the reference's loss, below 0 worse than the reference",
    )


def worst_grid(evaluation: Evaluation, precision: int) -> list[Grid]:
    """One small table per loss: its K worst rows (1-based), each with its key, label and
    prediction when they are single columns, and their per-sample losses."""
    grids = []
    for r in evaluation.results:
        if r.worst is None or r.group is not None or not r.worst:
            continue
        contexts = r.worst_context or [{} for _ in r.worst]
        names = [name for name in contexts[0] if name != r.label]
        show = column_format([value for _, value in r.worst], precision)
        rows = [
            [count(row + 1), *(shown_input(context[name], precision) for name in names), show(value)]
            for (row, value), context in zip(r.worst, contexts, strict=True)
        ]
        kinds = [all(isinstance(c[name], int | float) for c in contexts) for name in names]
        grids.append(
            Grid(
                title=f"worst {len(rows)} rows of {evaluation.input}: {r.label}",
                headers=["row", *names, r.label],
                rows=rows,
                numeric=[True, *kinds, True],
            )
        )
    return grids
