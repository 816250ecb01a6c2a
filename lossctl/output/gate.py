"""What ``lossctl check`` decided and how it shows it: each check's verdict on one input
(``Outcome``), a table of them (one ``Grid``, drawn as a rich table or as Markdown), and the
lines for stderr. JUnit XML and the JSON document render the same outcomes.

Numbers are shown in full (``repr``: the shortest text that reads back as the same float), as
they are compared: a gate that fails on ``1.3333333333333335 > max 1.3333333333333333`` must not
print ``1.33333 > 1.33333``.
The JSON document (``--format json``) is ``output.document``'s, with the checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lossctl.output.grid import Grid
from lossctl.output.render import markdown as grid_markdown

if TYPE_CHECKING:
    from lossctl.check.checks import Check

TITLE = "lossctl check"

FAIL, WARN, PASS = "fail", "warn", "pass"
"""The verdicts: a check that holds passes; one that does not gets its severity."""


@dataclass(frozen=True)
class Outcome:
    """A check's verdict on one input: ``pass``, or its severity (``fail``/``warn``) when the
    condition does not hold; ``message`` says why, numbers in full."""

    check: Check
    input: str
    loss: str
    spec: str
    value: float
    limit: float
    op: str
    baseline: float | None
    verdict: str
    message: str
    p_value: float | None = None  # a check with significance: the one-sided p-value
    interval: tuple[float, float] | None = None  # ... and the interval of value - baseline


def passed(outcomes: list[Outcome]) -> bool:
    """No check failed (warnings do not fail)."""
    return all(o.verdict != FAIL for o in outcomes)


def summary(outcomes: list[Outcome]) -> str:
    """``3 checks: 1 passed, 1 failed, 1 warned``."""
    count = {v: sum(o.verdict == v for o in outcomes) for v in (PASS, FAIL, WARN)}
    noun = "check" if len(outcomes) == 1 else "checks"
    return f"{len(outcomes)} {noun}: {count[PASS]} passed, {count[FAIL]} failed, {count[WARN]} warned"


def _limit(outcome: Outcome) -> str:
    if outcome.p_value is not None:  # a significance test: the change, its interval, p
        low, high = outcome.interval
        change = outcome.value - outcome.baseline
        return (
            f"baseline {outcome.baseline!r}: {change:+.6g} [{low:.6g}, {high:.6g}], "
            f"p = {outcome.p_value:.3g} (fails below {outcome.check.significance:g})"
        )
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


def breaches(outcomes: list[Outcome]) -> list[str]:
    """A line per failed or warned check: ``FAIL mse max 0.5 [preds.csv]: mse 0.6 > max 0.5``."""
    return [f"{o.verdict.upper()} {o.check.name} [{o.input}]: {o.message}" for o in outcomes if o.verdict != PASS]
