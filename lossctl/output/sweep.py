"""A sweep's result as a table (a row per grid point, a column per model, the best of each row
marked), as lines that say where models swap rank, and as a JSON document.

JSON::

    {
      "lossctl": "0.1.0", "schema": 1,
      "loss": "huber", "parameter": "delta", "scale": "log",
      "models": ["a.csv", "b.csv"],
      "inputs": [...],                                  # as compute's
      "grid": {"parameter": "delta", "points": [0.01, ...],
               "values": {"a.csv": [...], "b.csv": [...]}},
      "crossings": [{"between": ["a.csv", "b.csv"], "at": 2.5, "tolerance": 1e-4}],
      "passes": 3,                                      # passes that narrowed the crossings
      "murphy": {"functional": "quantile", "level": 0.5},   # --murphy only
      "dominates": "a.csv",                              # --murphy only: a model or null
      "warnings": []
    }

Values are in full precision; one that is not a number (``--nan propagate``) is null.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from lossctl import __version__
from lossctl.output.columns import column_format
from lossctl.output.document import SCHEMA, input_json
from lossctl.output.grid import Grid
from lossctl.output.numbers import format_value

if TYPE_CHECKING:
    from lossctl.engine.sweep import SweepResult


def sweep_grid(result: SweepResult, precision: int) -> Grid:
    """A row per grid point, a column per model; with several models, a last column names
    the best at that point (the lowest loss, the highest score; ``tie`` where several share
    it), unless the result is best at no end (coverage)."""
    several = len(result.models) > 1 and result.higher_is_better is not None
    rows = []
    points = column_format(result.x.tolist(), precision)
    values = column_format(result.values.ravel().tolist(), precision)  # one loss: its values alike
    for k, x in enumerate(result.x):
        column = result.values[:, k]
        row = [points(float(x)), *(values(float(v)) for v in column)]
        if several:
            numbers = [float(v) for v in column if not math.isnan(v)]
            top = (max if result.higher_is_better else min)(numbers, default=None)
            best = [m for m, v in zip(result.models, column, strict=True) if v == top]
            row.append(best[0] if len(best) == 1 else "tie" if best else "")
        rows.append(row)
    return Grid(
        title=f"{result.loss} over {result.parameter}",
        headers=[result.parameter, *result.models, *(["best"] * several)],
        rows=rows,
        numeric=[True] * (1 + len(result.models)) + [False] * several,
        caption="; ".join(e.describe() for e in result.evaluations),
        keys=(0,),
    )


def crossing_lines(result: SweepResult, precision: int) -> list[str]:
    """Where models swap rank, a line each; whether one dominates (Murphy diagrams)."""
    lines = []
    if len(result.models) > 1:
        if not result.crossings:
            lines.append("no crossing on the grid: the models keep their ranks at every point")
        for c in result.crossings:
            lines.append(
                f"{c.between[0]} and {c.between[1]} swap at {result.parameter} = {format_value(c.at, precision)}"
                f" +/- {format_value(c.tolerance, 2)}"
            )
    if result.murphy and len(result.models) > 1:
        winner = result.dominant()
        lines.append(
            f"{winner} dominates: its elementary score is lower or equal at every threshold"
            if winner
            else "no model dominates: each is worse than another at some threshold"
        )
    return lines


def sweep_document(result: SweepResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "lossctl": __version__,
        "schema": SCHEMA,
        "loss": result.loss,
        "parameter": result.parameter,
        "scale": "log" if result.log else "lin",
        "models": result.models,
        "inputs": [input_json(e) for e in result.evaluations],
        "grid": {
            "parameter": result.parameter,
            "points": [float(x) for x in result.x],
            "values": {m: [_number(v) for v in result.values[i]] for i, m in enumerate(result.models)},
        },
        "crossings": [{"between": list(c.between), "at": c.at, "tolerance": c.tolerance} for c in result.crossings],
        "passes": result.passes,
    }
    if result.murphy is not None:
        out["murphy"] = result.murphy
        out["dominates"] = result.dominant()
    out["warnings"] = result.warnings
    return out


def _number(value: float) -> float | None:
    """A value, or None for one that is not a number (``--nan propagate``)."""
    return None if math.isnan(value) else float(value)


def sweep_json(result: SweepResult) -> str:
    return json.dumps(sweep_document(result), indent=2, allow_nan=False) + "\n"
