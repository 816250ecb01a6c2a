"""``diff``'s result as tables (rich or Markdown, through ``Grid``) and as a JSON document.

JSON::

    {
      "lossctl": "0.1.0", "schema": 1,
      "a": "model_a.csv", "b": "model_b.csv",
      "on": null,                          # the key column the rows were paired on; null: by position
      "inputs": [...],                     # as compute's, A then B
      "results": [                         # one per loss
        {"loss": "mse", "spec": "mse", "higher_is_better": false, "n": 200,
         "a": 93.4, "b": 17.5, "diff": -75.9,        # diff = b - a
         "ci": {"level": 0.95, "low": -192.9, "high": 41.0, "method": "normal"},   # of diff
         "p_value": 1.0, "verdict": "no difference"}],   # Holm-adjusted over the losses
      "rows_loss": "mse",                  # the loss of "rows" and "slices" (the first one)
      "rows": [                            # the rows that changed most, |change| largest first
        {"row": 47, "key": null, "label": 50.53, "prediction_a": 129.1, "prediction_b": 56.65,
         "loss_a": 6173.2, "loss_b": 37.5, "change": -6135.8}],
      "group_by": "region",                # with --group-by
      "slices": [                          # with --group-by: one per slice
        {"loss": "mse", "group": "north", "n": 50, "a": 1.2, "b": 1.4, "diff": 0.2,
         "ci": {...}, "p_value": 0.01, "verdict": "worse", "disagrees": true}],
      "regression": false,                 # B significantly worse than A on some loss
      "warnings": []
    }

A loss without a paired comparison (a loss of whole samples, such as max-error) has
``"ci"``, ``"p_value"`` and ``"verdict"`` null. Numbers that are not finite are null.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from lossctl import __version__
from lossctl.output.columns import Formatter, column_format, count
from lossctl.output.document import SCHEMA, input_json, interval_json
from lossctl.output.grid import Grid
from lossctl.output.numbers import format_value

if TYPE_CHECKING:
    from lossctl.engine.diff import Diff
    from lossctl.losses.intervals import Interval


def loss_lines(d: Diff) -> list[dict[str, Any]]:
    """A line per loss of A's overall results (that B has too): both values, ``diff = b -
    a``, and, where the loss has a paired comparison, its interval, p-value and verdict."""
    theirs = {r.label: r for r in d.b.results if r.group is None}
    compared = {c.loss: c for c in d.comparisons}
    lines = []
    for r in (r for r in d.a.results if r.group is None and r.label in theirs):
        c = compared.get(r.label)
        lines.append(
            {
                "loss": r.loss.name,
                "spec": r.label,
                "higher_is_better": r.loss.higher_is_better,
                "n": r.n,
                "a": r.value,
                "b": theirs[r.label].value,
                "diff": theirs[r.label].value - r.value if c is None else c.diff,
                "ci": None if c is None else c.ci,
                "p_value": None if c is None else c.p_value,
                "verdict": None if c is None else c.verdict,
            }
        )
    return lines


def diff_document(d: Diff) -> dict[str, Any]:
    """The JSON document of ``d`` (see the module's docstring)."""
    out: dict[str, Any] = {
        "lossctl": __version__,
        "schema": SCHEMA,
        "a": d.a.input,
        "b": d.b.input,
        "on": d.on,
        "inputs": [input_json(d.a), input_json(d.b)],
        "results": [{**line, "ci": _interval(line["ci"])} for line in loss_lines(d)],
        "rows_loss": d.loss,
        "rows": [
            {
                "row": r.row + 1,
                "key": r.key,
                "label": r.label,
                "prediction_a": r.prediction_a,
                "prediction_b": r.prediction_b,
                "loss_a": r.loss_a,
                "loss_b": r.loss_b,
                "change": r.change,
            }
            for r in d.rows
        ],
    }
    if d.a.group_by:
        out["group_by"] = d.a.group_by
        out["slices"] = [
            {
                "loss": s.loss,
                "group": s.group,
                "n": s.n,
                "a": s.a,
                "b": s.b,
                "diff": s.diff,
                "ci": _interval(s.ci),
                "p_value": s.p_value,
                "verdict": s.verdict,
                "disagrees": s.disagrees,
            }
            for s in d.slices
        ]
    out["regression"] = d.regression
    out["warnings"] = d.warnings
    return _finite(out)


def diff_json(d: Diff) -> str:
    return json.dumps(diff_document(d), indent=2, allow_nan=False) + "\n"


def _interval(ci: Interval | None) -> dict[str, Any] | None:
    return None if ci is None else interval_json(ci)


def _finite(value: Any) -> Any:
    """``value`` with every float that is not finite as None, and NumPy scalars as Python's."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _bounds(ci: Interval | None, show: Formatter) -> str:
    return "-" if ci is None else f"[{show(ci.low)}, {show(ci.high)}]"


def _changes(diffs: list[float], cis: list[Interval | None], precision: int) -> Formatter:
    """How changes and their intervals show: alike (``output.columns``)."""
    return column_format([*diffs, *(x for ci in cis if ci is not None for x in (ci.low, ci.high))], precision)


def _p(p_value: float | None) -> str:
    return "-" if p_value is None else f"{p_value:.3g}"


def _shown(value: Any, precision: int) -> str:
    """A label or a prediction: a number, a list of them (a row of a matrix), or text."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v, precision) for v in value) + "]"
    if isinstance(value, float):
        return format_value(value, precision)
    return str(value)


def _paired_by(d: Diff) -> str:
    return "rows paired by position" if d.on is None else f"rows paired on {d.on}"


def diff_grids(d: Diff, precision: int) -> list[Grid]:
    """The losses, the rows that changed most and, with ``--group-by``, the slices."""
    grids = [changes_grid(d, precision)]
    if d.rows:
        grids.append(_rows_grid(d, precision))
    if d.slices:
        grids.append(slices_grid(d, precision))
    return grids


def changes_grid(d: Diff, precision: int) -> Grid:
    """A row per loss: A's value, B's, ``b - a``, its interval, p-value and verdict."""
    lines = loss_lines(d)
    rows = []
    for line in lines:  # a loss's values shown alike, and its change with its interval
        values = column_format([line["a"], line["b"]], precision)
        change = _changes([line["diff"]], [line["ci"]], precision)
        rows.append(
            [
                line["spec"],
                values(line["a"]),
                values(line["b"]),
                change(line["diff"]),
                _bounds(line["ci"], change),
                _p(line["p_value"]),
                line["verdict"] or "-",
            ]
        )
    level = next((line["ci"] for line in lines if line["ci"] is not None), None)
    caption = _paired_by(d)
    if level is not None:
        caption += f"; {level.level * 100:g}% intervals ({level.method}), p-values adjusted with Holm's method"
    worse = [line["spec"] for line in lines if line["verdict"] == "worse"]
    if worse:
        caption += f"; {d.b.input} is significantly worse than {d.a.input} on {', '.join(worse)}"
    return Grid(
        title=f"{d.b.input} against {d.a.input}",
        headers=["loss", "a", "b", "b - a", "interval", "p", "verdict"],
        rows=rows,
        numeric=[False, True, True, True, True, True, False],
        caption=caption,
        styles={(r, 6): _style(row[6]) for r, row in enumerate(rows) if _style(row[6])},
    )


def _style(verdict: str) -> str:
    return {"better": "green", "worse": "red"}.get(verdict, "")


def _rows_grid(d: Diff, precision: int) -> Grid:
    keyed = d.key is not None
    headers = ["row", *([d.key] if keyed else []), "label", "pred a", "pred b", "loss a", "loss b", "change"]
    losses = column_format([x for r in d.rows for x in (r.loss_a, r.loss_b)], precision)
    changes = column_format([r.change for r in d.rows], precision)
    rows = []
    for r in d.rows:
        cells = [count(r.row + 1), *([_shown(r.key, precision)] if keyed else []), _shown(r.label, precision)]
        cells += [_shown(v, precision) for v in (r.prediction_a, r.prediction_b)]
        rows.append([*cells, losses(r.loss_a), losses(r.loss_b), changes(r.change)])
    return Grid(
        title=f"the {len(rows)} rows whose {d.loss} changed most"
        if len(rows) > 1
        else f"the row whose {d.loss} changed most",
        headers=headers,
        rows=rows,
        numeric=[True, *([False] if keyed else []), True, True, True, True, True, True],
        caption="change = loss b - loss a; rows of A's file, from 1",
        keys=(0, 1) if keyed else (0,),
    )


def slices_grid(d: Diff, precision: int) -> Grid:
    """A row per slice of the first loss: both values, ``b - a``, its interval, p-value and
    verdict (``!`` where the slice disagrees), the disagreement said in the caption."""
    values = column_format([x for s in d.slices for x in (s.a, s.b)], precision)
    change = _changes([s.diff for s in d.slices], [s.ci for s in d.slices], precision)
    rows = [
        [
            _shown(s.group, precision),
            count(s.n),
            values(s.a),
            values(s.b),
            change(s.diff),
            _bounds(s.ci, change),
            _p(s.p_value),
            s.verdict + (" !" if s.disagrees else ""),
        ]
        for s in d.slices
    ]
    overall = next((c for c in d.comparisons if c.loss == d.loss), None)
    caption = "p-values adjusted with Holm's method over the slices"
    disagreeing = [s for s in d.slices if s.disagrees]
    if overall is not None and disagreeing:
        slices = ", ".join(_shown(s.group, precision) for s in disagreeing)
        word = "better" if disagreeing[0].verdict == "worse" else "worse"
        caption += (
            f"; ! {d.b.input} is {word} than {d.a.input} overall on {d.loss} "
            f"but {disagreeing[0].verdict} on {d.a.group_by} = {slices}"
        )
    return Grid(
        title=f"{d.loss} by {d.a.group_by}: b - a",
        headers=[d.a.group_by or "group", "n", "a", "b", "b - a", "interval", "p", "verdict"],
        rows=rows,
        numeric=[False, True, True, True, True, True, True, False],
        caption=caption,
        styles={(r, 7): _style(s.verdict) for r, s in enumerate(d.slices) if _style(s.verdict)},
    )
