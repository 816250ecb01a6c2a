"""What ``lossctl check`` reports: a table of the checks (one ``Grid``, drawn as a rich table
or as Markdown), the JSON document, and the lines for stderr.

Numbers are shown in full (``repr``: the shortest text that reads back as the same float), as
they are compared: a gate that fails on ``1.3333333333333335 > max 1.3333333333333333`` must not
print ``1.33333 > 1.33333``.

JSON schema (``--format json``)::

    {
      "lossctl": "0.1.0",            # version of lossctl
      "checks": [                     # one per check and input, in the order of the checks
        {
          "name": "mse max 0.5",      # the check's name (default "<loss> <criterion> <limit>")
          "input": "preds.csv",       # the input, as named from the working directory
          "loss": "mse",              # the loss's name
          "spec": "mse",              # its canonical label, with its non-default parameters
          "value": 0.41,              # full precision; null when not a number
          "limit": 0.5,               # the bound: max, min, or baseline + tolerance
          "op": "<=",                 # what must hold, value op limit: "<=" or ">=" (min)
          "baseline": null,           # the baseline's value, for a baseline check
          "verdict": "pass",          # "pass", or the severity of a breached check
          "severity": "fail",         # "fail" or "warn"
          "message": "mse 0.41 <= max 0.5"
        }
      ],
      "passed": true                  # no check has the verdict "fail"
    }
"""

from __future__ import annotations

import json
import math
from typing import Any

from lossctl import __version__
from lossctl.check.checks import FAIL, PASS, WARN, Outcome
from lossctl.report.grid import Grid
from lossctl.report.render import markdown as grid_markdown

TITLE = "lossctl check"


def passed(outcomes: list[Outcome]) -> bool:
    """No check failed (warnings do not fail)."""
    return all(o.verdict != FAIL for o in outcomes)


def summary(outcomes: list[Outcome]) -> str:
    """``3 checks: 1 passed, 1 failed, 1 warned``."""
    count = {v: sum(o.verdict == v for o in outcomes) for v in (PASS, FAIL, WARN)}
    noun = "check" if len(outcomes) == 1 else "checks"
    return f"{len(outcomes)} {noun}: {count[PASS]} passed, {count[FAIL]} failed, {count[WARN]} warned"


def _limit(outcome: Outcome) -> str:
    text = f"{outcome.op} {outcome.limit!r}"
    return text if outcome.baseline is None else f"{text} (baseline {outcome.baseline!r})"


def grid(outcomes: list[Outcome]) -> Grid:
    """A row per outcome: check, input, value, limit, verdict; the summary as caption."""
    rows = [[o.check.name, o.input, repr(o.value), _limit(o), o.verdict.upper()] for o in outcomes]
    return Grid(
        title=TITLE,
        headers=["check", "input", "value", "limit", "verdict"],
        rows=rows,
        numeric=[False, False, True, False, False],
        caption=summary(outcomes),
    )


def markdown(outcomes: list[Outcome]) -> str:
    """The table in GitHub-flavoured Markdown (``--format markdown``, the step summary)."""
    return grid_markdown(grid(outcomes))


def document(outcomes: list[Outcome]) -> dict[str, Any]:
    """The JSON document of the schema above."""
    checks = [
        {
            "name": o.check.name,
            "input": o.input,
            "loss": o.loss,
            "spec": o.spec,
            "value": o.value if math.isfinite(o.value) else None,
            "limit": o.limit,
            "op": o.op,
            "baseline": o.baseline,
            "verdict": o.verdict,
            "severity": o.check.severity,
            "message": o.message,
        }
        for o in outcomes
    ]
    return {"lossctl": __version__, "checks": checks, "passed": passed(outcomes)}


def json_text(outcomes: list[Outcome]) -> str:
    return json.dumps(document(outcomes), indent=2, allow_nan=False) + "\n"


def breaches(outcomes: list[Outcome]) -> list[str]:
    """A line per failed or warned check: ``FAIL mse max 0.5 [preds.csv]: mse 0.6 > max 0.5``."""
    return [f"{o.verdict.upper()} {o.check.name} [{o.input}]: {o.message}" for o in outcomes if o.verdict != PASS]
