"""What ``lossctl check`` decided and how it shows it: each check's verdict on one input
(``Outcome``), a table of them (one ``Grid``, drawn as a rich table or as Markdown), and the
lines for stderr. JUnit XML and the JSON document render the same outcomes.

Messages show numbers in full (``repr``: the shortest text that reads back as the same float),
as they are compared. The table shows each row's value, baseline and limit alike
(``output.columns``: one number of decimals, six significant digits for the largest, more
where two of them would print alike): ``17.4558 | 93.4191 | -81.3%``, but
``1.3333333333333335 | <= 1.3333333333333333`` for a gate that fails by one unit in the last
place, never ``1.33333 > 1.33333``. The verdict is coloured on a terminal.
The JSON document (``--format json``) is ``output.document``'s, with the checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lossctl.output.columns import Formatter, column_format
from lossctl.output.grid import Grid
from lossctl.output.render import markdown as grid_markdown

if TYPE_CHECKING:
    from lossctl.check.checks import Check

TITLE = "lossctl check"

FAIL, WARN, PASS = "fail", "warn", "pass"
"""The verdicts: a check that holds passes; one that does not gets its severity."""
STYLES = {PASS: "green", FAIL: "bold red", WARN: "yellow"}
PRECISION = 6  # significant digits of the largest number of a row


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


def _limit(outcome: Outcome, show: Formatter) -> str:
    if outcome.p_value is not None:  # a significance test: the change's interval, p
        low, high = outcome.interval
        return f"[{low:.3g}, {high:.3g}], p = {outcome.p_value:.3g} (fails below {outcome.check.significance:g})"
    return f"{outcome.op} {show(outcome.limit)}"


def _change(outcome: Outcome) -> str:
    """The change from the baseline: relative, or absolute from a baseline of 0."""
    if outcome.baseline is None:
        return ""
    change = outcome.value - outcome.baseline
    return f"{change / abs(outcome.baseline):+.2%}" if outcome.baseline else f"{change:+.3g}"


def grid(outcomes: list[Outcome], *, caption: bool = True) -> Grid:
    """A row per outcome: check, input, value, (baseline and change,) limit, verdict; the
    summary as caption (``caption``: stderr carries it under a terminal's table)."""
    against = any(o.baseline is not None for o in outcomes)
    rows, styles = [], {}
    for r, o in enumerate(outcomes):
        show = column_format([o.value, o.limit, o.baseline], PRECISION)
        middle = [show(o.baseline), _change(o)] if against else []
        rows.append([o.check.name, o.input, show(o.value), *middle, _limit(o, show), o.verdict.upper()])
        styles[(r, len(rows[-1]) - 1)] = STYLES[o.verdict]
    return Grid(
        title=TITLE,
        headers=["check", "input", "value", *(["baseline", "change"] if against else []), "limit", "verdict"],
        rows=rows,
        numeric=[False, False, True, *([True, True] if against else []), False, False],
        caption=summary(outcomes) if caption else "",
        styles=styles,
    )


def markdown(outcomes: list[Outcome]) -> str:
    """The table in GitHub-flavoured Markdown (``--format markdown``, the step summary)."""
    return grid_markdown(grid(outcomes))


def breaches(outcomes: list[Outcome]) -> list[str]:
    """A line per failed or warned check: ``FAIL mse max 0.5 [preds.csv]: mse 0.6 > max 0.5``."""
    return [f"{o.verdict.upper()} {o.check.name} [{o.input}]: {o.message}" for o in outcomes if o.verdict != PASS]
