"""The JSON document of a result, one schema for ``compute``, ``compare`` and ``check``
(``--format json``), versioned; ``output.baseline`` reads it back.

Schema (version 1)::

    {
      "lossctl": "0.1.0",                 # the version of lossctl that wrote it
      "schema": 1,                        # this schema's version
      "inputs": [                         # one per input evaluated
        {"path": "preds.csv", "format": "csv", "rows": 200, "task": "regression",
         "from_logits": false, "roles": {"y_true": ["y_true"], "y_pred": ["y_pred"]},
         "dropped_rows": 3, "group_by": "region", "model_weights": "w.npy"}   # when they apply
      ],
      "results": [                        # one per loss and input (and group)
        {"input": "preds.csv", "loss": "huber", "spec": "huber:delta=0.5",
         "params": {"delta": 0.5}, "value": 0.41, "n": 200,
         "group": "north",                # per-group results only
         "worst": [{"row": 17, "value": 3.2}]}                                 # with --worst
      ],
      "warnings": ["..."],
      "checks": [                         # check only: one per check and input
        {"name": "mse max 0.5", "input": "preds.csv", "loss": "mse", "spec": "mse",
         "value": 0.41, "limit": 0.5, "op": "<=", "baseline": null,
         "verdict": "pass", "severity": "fail", "message": "mse 0.41 <= max 0.5"}
      ],
      "passed": true                      # check only: no check has the verdict "fail"
    }

Values are in full precision; a value that is not a number (``--nan propagate``) is null.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from lossctl import __version__
from lossctl.output.gate import passed
from lossctl.output.outcome import Outcome

if TYPE_CHECKING:
    from lossctl.engine.results import Evaluation, LossResult

SCHEMA = 1


def document(evaluations: list[Evaluation], warnings: list[str], outcomes: list[Outcome] | None = None) -> dict:
    """The document of the evaluations (and, for ``check``, of its outcomes)."""
    out: dict[str, Any] = {
        "lossctl": __version__,
        "schema": SCHEMA,
        "inputs": [input_json(e) for e in evaluations],
        "results": [result_json(r, e.input) for e in evaluations for r in e.results],
        "warnings": warnings,
    }
    if outcomes is not None:
        out["checks"] = [check_json(o) for o in outcomes]
        out["passed"] = passed(outcomes)
    return out


def document_text(evaluations: list[Evaluation], warnings: list[str], outcomes: list[Outcome] | None = None) -> str:
    return json.dumps(document(evaluations, warnings, outcomes), indent=2, allow_nan=False) + "\n"


def input_json(evaluation: Evaluation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": evaluation.input,
        "format": evaluation.format,
        "rows": evaluation.rows,
        "task": evaluation.task.name,
        "from_logits": evaluation.task.from_logits,
        "roles": dict(evaluation.binding.columns),
    }
    if evaluation.dropped:
        out["dropped_rows"] = evaluation.dropped
    if evaluation.group_by:
        out["group_by"] = evaluation.group_by
    if evaluation.weights_file:
        out["model_weights"] = evaluation.weights_file
    return out


def result_json(result: LossResult, input_name: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "input": input_name,
        "loss": result.loss.name,
        "spec": result.loss.label,
        "params": _jsonable(result.loss.params),
        "value": _number(result.value),
        "n": result.n,
    }
    if result.group is not None:
        out["group"] = _jsonable(result.group)
    if result.worst is not None:
        out["worst"] = [{"row": row + 1, "value": value} for row, value in result.worst]
    return out


def check_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "name": outcome.check.name,
        "input": outcome.input,
        "loss": outcome.loss,
        "spec": outcome.spec,
        "value": _number(outcome.value),
        "limit": outcome.limit,
        "op": outcome.op,
        "baseline": outcome.baseline,
        "verdict": outcome.verdict,
        "severity": outcome.check.severity,
        "message": outcome.message,
    }


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value
