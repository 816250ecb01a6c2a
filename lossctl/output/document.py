"""The JSON document of a result, one schema for ``compute``, ``compare`` and ``check``
(``--format json``), versioned; and the same document read back as a baseline (``Baseline``),
so that the writer and the reader are one module's.

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
         "worst": [{"row": 17, "value": 3.2}],                                 # with --worst
         "ci": {"level": 0.95, "low": 0.37, "high": 0.45, "method": "normal",
                "se": 0.02}}                                                  # with --ci
      ],
      "warnings": ["..."],
      "comparisons": [                    # compare --ci of models: each against the reference
        {"loss": "mse", "reference": "a.csv", "model": "b.csv", "diff": -0.02,
         "ci": {"level": 0.95, "low": -0.03, "high": -0.01, "method": "normal", "se": 0.005},
         "p_value": 0.004, "verdict": "better"}],   # p-value Holm-adjusted over the model's losses
      "checks": [                         # check only: one per check and input
        {"name": "mse max 0.5", "input": "preds.csv", "loss": "mse", "spec": "mse",
         "value": 0.41, "limit": 0.5, "op": "<=", "baseline": null,
         "verdict": "pass", "severity": "fail", "message": "mse 0.41 <= max 0.5"}
      ],
      "passed": true                      # check only: no check has the verdict "fail"
    }

Values are in full precision; a value that is not a number (``--nan propagate``) is null.

A baseline is such a document (of ``compute``, ``compare`` or ``check``) written with ``-o
FILE``. Documents without a ``schema`` (written before it was versioned) have the same results;
a schema newer than this lossctl's is refused rather than misread.
"""

from __future__ import annotations

import json
import math
import os
import reprlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lossctl import __version__
from lossctl.errors import InputError
from lossctl.io.limits import read_document
from lossctl.output.gate import Outcome, passed

if TYPE_CHECKING:
    from lossctl.engine.comparison import Comparison, Skill
    from lossctl.engine.results import Evaluation, LossResult
    from lossctl.losses.intervals import Interval

SCHEMA = 1


def document(
    evaluations: list[Evaluation],
    warnings: list[str],
    outcomes: list[Outcome] | None = None,
    comparisons: list[Comparison] | None = None,
    skills: list[Skill] | None = None,
) -> dict:
    """The document of the evaluations (and, for ``check``, of its outcomes; for ``compare
    --ci`` of models, of their paired comparisons; with ``--reference``, of their skill)."""
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
    if comparisons is not None:
        out["comparisons"] = [comparison_json(c) for c in comparisons]
    if skills is not None:
        out["skill"] = [{"loss": s.loss, "reference": s.reference, "model": s.model, "value": s.value} for s in skills]
    return out


def document_text(
    evaluations: list[Evaluation],
    warnings: list[str],
    outcomes: list[Outcome] | None = None,
    comparisons: list[Comparison] | None = None,
    skills: list[Skill] | None = None,
) -> str:
    return json.dumps(document(evaluations, warnings, outcomes, comparisons, skills), indent=2, allow_nan=False) + "\n"


def input_json(evaluation: Evaluation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": evaluation.input,
        "format": evaluation.format,
        "rows": evaluation.rows,
        "task": evaluation.task.name,
        "from_logits": evaluation.task.from_logits,
        "roles": dict(evaluation.binding.columns),
    }
    classes = evaluation.binding.classes
    if classes is not None:  # text labels: class i is classes[i]; binary: pos_label is class 1
        out["classes"] = list(classes.names)
        if classes.binary:
            out["pos_label"] = classes.positive
    if evaluation.dropped:
        out["dropped_rows"] = evaluation.dropped
    if evaluation.group_by:
        out["group_by"] = evaluation.group_by
    if evaluation.weights_file:
        out["model_weights"] = evaluation.weights_file
    if evaluation.multioutput:
        out["multioutput"] = evaluation.multioutput
    return out


def result_json(result: LossResult, input_name: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "input": input_name,
        "loss": result.loss.name,
        "spec": result.loss.label,
        "params": _jsonable(result.loss.params),
        "value": _number(result.value),
        "n": result.n,
        "higher_is_better": result.loss.higher_is_better,
    }
    if result.group is not None:
        out["group"] = _jsonable(result.group)
    if result.worst is not None:
        out["worst"] = [{"row": row + 1, "value": value} for row, value in result.worst]
    if result.ci is not None:
        out["ci"] = interval_json(result.ci)
    if result.bins is not None:
        out["bins"] = result.bins
    if result.components is not None:
        out["components"] = [{**part, "value": _number(part["value"])} for part in result.components]
    return out


def interval_json(ci: Interval) -> dict[str, Any]:
    return {
        "level": ci.level,
        "low": _number(ci.low),
        "high": _number(ci.high),
        "method": ci.method,
        "se": _number(ci.se),
    }


def comparison_json(c: Comparison) -> dict[str, Any]:
    return {
        "loss": c.loss,
        "reference": c.reference,
        "model": c.model,
        "diff": _number(c.diff),
        "ci": interval_json(c.ci),
        "p_value": c.p_value,
        "verdict": c.verdict,
    }


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
    } | (
        {}
        if outcome.p_value is None
        else {
            "p_value": outcome.p_value,
            "diff_interval": list(outcome.interval),
            "significance": outcome.check.significance,
        }
    )


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _finite(value: Any) -> float | None:
    """A JSON number read back as a finite float; None for anything else (a string, a bool,
    ``1e400`` read as infinity, an integer beyond a float's range)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


@dataclass(frozen=True)
class Baseline:
    """The overall results (not per-group ones) of a baseline document."""

    path: str
    results: tuple[dict[str, Any], ...]

    @classmethod
    def load(cls, path: str) -> Baseline:
        """Read and check the document at ``path``; an ``InputError`` naming it otherwise."""
        try:
            read = json.loads(read_document(path, what="in a baseline"))
        except OSError as exc:
            raise InputError(f"cannot read the baseline: {exc.strerror or exc}", file=path) from None
        except ValueError as exc:
            raise InputError(f"the baseline is not JSON: {exc}", file=path) from None
        except RecursionError:
            raise InputError("the baseline is not a lossctl result: nested too deeply to read", file=path) from None
        schema = read.get("schema", SCHEMA) if isinstance(read, dict) else SCHEMA
        if not isinstance(schema, int) or isinstance(schema, bool) or schema > SCHEMA:
            raise InputError(
                f"result schema {reprlib.repr(schema)}, written by a newer lossctl; this one reads schema {SCHEMA}",
                file=path,
                hint="upgrade lossctl, or write the baseline again with this version",
            )
        results = read.get("results") if isinstance(read, dict) else None
        if not isinstance(results, list) or not all(isinstance(r, dict) and "spec" in r for r in results):
            raise InputError(
                'not a lossctl result: expected {"results": [{"spec": ..., "value": ...}, ...]}',
                file=path,
                hint="write baselines with lossctl compute --format json -o FILE",
            )
        return cls(path, tuple(r for r in results if "group" not in r))

    def value(self, spec: str, input_name: str) -> float:
        """The baseline's value of the loss ``spec`` (canonical label) on the input with the
        file name of ``input_name``, or on its only input; an ``InputError`` when there is
        none, or several that cannot be told apart."""
        value = self._entry(spec, input_name).get("value")
        number = _finite(value)
        if number is None:
            raise InputError(
                f"the baseline value of {spec} is not a finite number: {reprlib.repr(value)}", file=self.path
            )
        return number

    def interval(self, spec: str, input_name: str) -> dict[str, float]:
        """The interval stored with the baseline's value of ``spec`` (``level``, ``low``,
        ``high``, and ``se`` where stored); an ``InputError`` saying how to store one when it has none."""
        ci = self._entry(spec, input_name).get("ci")
        keys = ("level", "low", "high")
        stored = {k: _finite(ci.get(k)) for k in keys} if isinstance(ci, dict) else {}
        if not stored or None in stored.values():
            raise InputError(
                f"the baseline of {spec} has no interval of finite numbers, which a significance test needs",
                file=self.path,
                hint="write the baseline with lossctl compute --ci --format json -o FILE",
            )
        se = _finite(ci.get("se"))
        if se is not None:  # written since the se was kept
            stored["se"] = se
        return stored

    def _entry(self, spec: str, input_name: str) -> dict[str, Any]:
        same_loss = [r for r in self.results if r["spec"] == spec]
        if len(same_loss) > 1:
            name = os.path.basename(input_name)
            same_loss = [r for r in same_loss if os.path.basename(str(r.get("input", ""))) == name]
            if len(same_loss) != 1:
                found = "none" if not same_loss else f"{len(same_loss)}"
                raise InputError(f"several results for {spec}, and {found} from a file named {name!r}", file=self.path)
        if not same_loss:
            known = ", ".join(dict.fromkeys(r["spec"] for r in self.results)) or "none"
            raise InputError(f"no result for {spec} (results for: {known})", file=self.path)
        return same_loss[0]
