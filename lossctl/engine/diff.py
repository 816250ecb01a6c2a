"""``diff``: two models' predictions of the same labels, read in one pass over both files and
paired row by row.

The files are joined (``lossctl.io.join_sources``) by position, or on a key column, B's rows
then following A's order. Each model's losses fold into a tally of its own from the same
chunks, every row in the same replicate group in both (its position in A), so that each loss
is compared as ``compare --ci`` compares models (``engine.comparison``: ``B - A``, its
interval, a Holm-adjusted p-value and a verdict), and each ``--group-by`` slice as well
(``engine.slice_changes``). The rows that changed most are those of the largest
``|l_B(row) - l_A(row)|`` of the first loss (``engine.changed``). The labels of both files
must agree on every row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from lossctl.engine.binding import Binding
from lossctl.engine.changed import ChangedRow, TopChanged
from lossctl.engine.comparison import Comparison, against_reference
from lossctl.engine.local import open_input
from lossctl.engine.pipeline import READ_AHEAD_ROWS, chunk_roles, own_type_columns, summarize
from lossctl.engine.plan import Plan, plan, resolve_losses
from lossctl.engine.read_ahead import read_ahead
from lossctl.engine.request import Request
from lossctl.engine.results import Evaluation
from lossctl.engine.slice_changes import SliceChange, slice_changes
from lossctl.engine.tally import Tally
from lossctl.engine.translate import Translator
from lossctl.errors import InputError, UsageError
from lossctl.io import is_key_name, join_sources
from lossctl.losses.paired import WORSE


@dataclass
class Diff:
    """What ``diff`` found: both models' evaluations, each loss's paired change, the rows
    that changed most and the slices of the first loss."""

    a: Evaluation
    b: Evaluation
    on: str | None  # the key column the rows were paired on; by position when None
    comparisons: list[Comparison]
    loss: str | None  # the loss of the rows and the slices (the first one)
    key: str | None  # the column the rows show as their key
    rows: list[ChangedRow]
    slices: list[SliceChange]
    warnings: list[str]

    @property
    def regression(self) -> bool:
        """Whether B is significantly worse than A on any loss (the verdicts of ``compare
        --ci``: a Holm-adjusted p-value below ``1 - level``)."""
        return any(c.verdict == WORSE for c in self.comparisons)


class _Latest:
    """A per-sample sink that keeps the last chunk's rows and values of one loss."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.rows = self.values = None

    def __call__(self, rows: np.ndarray, values: dict[str, np.ndarray]) -> None:
        self.rows, self.values = rows, values.get(self.label)


def diff(request_a: Request, request_b: Request, *, on: str | None = None, top: int = 10) -> Diff:
    """B (``request_b``) against A (``request_a``): both requests name the same losses (none:
    every loss that fits) and options, and carry an interval (``outputs.ci``)."""
    ci = request_a.outputs.ci
    if ci is None:
        raise UsageError("diff needs an interval level (ci)")
    sources = [open_input(request_a), open_input(request_b)]
    plan_a, plan_b = plans = _plans([request_a, request_b], sources)
    joined = join_sources(*sources, on=on)
    binding_b = _exposed(plan_b.binding, joined.right_names, sources[1].name)
    group_by, nan = request_a.source.group_by, request_a.source.nan
    first = plan_a.losses[0].label
    sinks = [_Latest(first), _Latest(first)]
    tallies = [
        Tally(
            p.losses,
            Translator(joined, binding),
            strict=p.strict,
            nan=nan,
            per_sample=sink if top else None,
            ci=ci,
            pair_slices=True,
        )
        for p, binding, sink in zip(plans, (plan_a.binding, binding_b), sinks, strict=True)
    ]
    key = on or next((c for c in sources[0].columns if is_key_name(c)), None)
    top_changed = TopChanged(top)
    bindings = (plan_a.binding, binding_b)
    text = [column for b in bindings for column in own_type_columns(b)]
    other = [c for c in dict.fromkeys([*text, group_by, key]) if c is not None]
    needed = [c for c in plan_a.binding.needed() + binding_b.needed() if c not in text]
    chunk_rows = request_a.execution.chunk_rows
    chunks = read_ahead(
        joined.iter_chunks(needed, other, chunk_rows=chunk_rows, exact=False),
        depth=max(1, READ_AHEAD_ROWS // chunk_rows),
    )
    try:
        for chunk in chunks:
            arrays = [chunk_roles(binding, chunk, joined) for binding in bindings]
            _same_labels(arrays, plan_a.binding, sources, chunk.start, on)
            group = chunk.arrays[group_by] if group_by else None
            for tally, by_role in zip(tallies, arrays, strict=True):
                tally.feed(chunk.start, by_role, group)
            _fold_rows(top_changed, sinks, chunk, arrays, key)
    finally:
        chunks.close()
    evaluations, warnings = [], []
    for p, tally, source, request in zip(plans, tallies, sources, (request_a, request_b), strict=True):
        evaluation, notes = summarize(tally, p.task, p.binding, source, request)
        evaluations.append(evaluation)
        warnings += notes + evaluation.warnings()
    comparisons, notes = against_reference(evaluations, 0, ci)
    warnings += notes
    if any(tally.propagated for tally in tallies):  # every value is NaN: nothing to pair
        comparisons = []
        warnings.append("a missing value made every result NaN (--nan propagate): no paired comparison")
    slices: list[SliceChange] = []
    if group_by and comparisons:
        overall = next((c.diff for c in comparisons if c.loss == first), None)
        if overall is not None:
            slices, notes = slice_changes(
                _slice_states(tallies[0], 0), _slice_states(tallies[1], 0), overall, plan_a.losses[0], ci
            )
            warnings += notes
    if top and 0 in tallies[0].whole:
        warnings.append(f"{first} has no per-sample values (a value of the whole sample): no rows shown")
    rows = top_changed.items()
    return Diff(*evaluations, on, comparisons, first, key, rows, slices, list(dict.fromkeys(warnings)))


def _plans(requests: list[Request], sources: list) -> list[Plan]:
    """The plan of each file (its columns, task and losses), from its first chunk; an error
    when the two files hold different tasks."""
    choice = requests[0].losses
    named = resolve_losses(choice.names, choice, {}) if choice.names else []
    plans = []
    for request, source in zip(requests, sources, strict=True):
        # The slices' column is read from the joined files: it may be in either.
        found, chunks = plan(replace(request, source=replace(request.source, group_by=None)), source, named)
        chunks.close()
        plans.append(found)
    tasks = [p.task for p in plans]
    if tasks[0] != tasks[1]:
        raise InputError(
            f"{sources[0].name} holds {tasks[0].describe()}, {sources[1].name} {tasks[1].describe()}: "
            "diff compares two models of the same task"
        )
    return plans


def _exposed(binding: Binding, names: dict[str, str], file: str) -> Binding:
    """B's binding in the names the join exposes its columns under."""
    columns = {}
    for role, cols in binding.columns.items():
        missing = [c for c in cols if c not in names]
        if missing:
            raise UsageError(f"{file}: column {missing[0]!r} is the key the rows are paired on, not a {role}")
        columns[role] = [names[c] for c in cols]
    classes = None if binding.classes is None else replace(binding.classes, column=names[binding.classes.column])
    return replace(binding, columns=columns, classes=classes)


def _same_labels(arrays: list[dict[str, np.ndarray]], binding: Binding, sources: list, start: int, on: str | None):
    """An error at the first row of the chunk where the two files' labels differ."""
    if not all("y_true" in by_role for by_role in arrays):
        return
    mine, theirs = (by_role["y_true"] for by_role in arrays)
    if mine.shape != theirs.shape:
        raise InputError(f"the labels have another shape in {sources[1].name}", file=sources[0].name)
    differ = ~((mine == theirs) | (np.isnan(mine) & np.isnan(theirs)))
    if differ.ndim > 1:
        differ = differ.any(axis=1)
    if differ.any():
        i = int(np.argmax(differ))
        raise InputError(
            f"label {mine[i].tolist()!r} here, {theirs[i].tolist()!r} in {sources[1].name}: "
            "diff compares two models' predictions of the same labels",
            file=sources[0].name,
            column=binding.column_of("y_true"),
            row=start + i + 1,
            hint="pair the rows on a key column: --on KEY" if on is None else None,
        )


def _fold_rows(top: TopChanged, sinks: list[_Latest], chunk, arrays: list[dict[str, np.ndarray]], key: str | None):
    """Fold the chunk's per-sample changes of the first loss into ``top``: the rows both
    models kept (``--nan drop`` may drop different ones)."""
    (a, b), start = sinks, chunk.start
    if a.values is None or b.values is None or a.rows is None or not len(a.rows):
        return
    if np.array_equal(a.rows, b.rows):
        rows, i, j = a.rows, slice(None), slice(None)
    else:
        rows, i, j = np.intersect1d(a.rows, b.rows, assume_unique=True, return_indices=True)
    local = rows - start
    shown: dict[str, Any] = {
        "key": chunk.arrays[key][local] if key else None,
        "label": arrays[0]["y_true"][local] if "y_true" in arrays[0] else None,
        "prediction_a": _prediction(arrays[0], local),
        "prediction_b": _prediction(arrays[1], local),
    }
    top.update(rows, a.values[i], b.values[j], shown)
    for sink in sinks:
        sink.rows = sink.values = None


def _prediction(by_role: dict[str, np.ndarray], rows: np.ndarray) -> np.ndarray | None:
    """The rows of the predictions (``y_pred``), else of the first role that is neither the
    labels nor the weights (a distance, a forecast's quantiles), else None."""
    others = [r for r in by_role if r not in ("y_true", "sample_weight")]
    chosen = "y_pred" if "y_pred" in by_role else next(iter(others), None)
    return None if chosen is None else by_role[chosen][rows]


def _slice_states(tally: Tally, i: int) -> dict[Any, Any]:
    """The state of loss ``i`` by slice value."""
    return {key: states[i] for key, states in tally.groups.items() if states[i] is not None}
