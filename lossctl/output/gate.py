"""What ``lossctl check`` decided and how it shows it: each check's verdict on one input
(``Outcome``), a table of them (one ``Grid``, drawn as a rich table or as Markdown), and the
lines for stderr. JUnit XML and the JSON document render the same outcomes.

Messages show numbers in full (``repr``: the shortest text that reads back as the same float),
as they are compared. The table shows each row's numbers with as many significant digits as
tell them apart, six at least: ``17.4558 | 93.4191 | -81.3%``, but ``1.3333333333333335 |
<= 1.3333333333333333`` for a gate that fails by one unit in the last place, never ``1.33333 >
1.33333``. The verdict is coloured on a terminal.
The JSON document (``--format json``) is ``output.document``'s, with the checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lossctl.output.grid import Grid
from lossctl.output.numbers import format_value
from lossctl.output.render import markdown as grid_markdown

if TYPE_CHECKING:
    from lossctl.check.checks import Check

TITLE = "lossctl check"

FAIL, WARN, PASS = "fail", "warn", "pass"
"""The verdicts: a check that holds passes; one that does not gets its severity."""
STYLES = {PASS: "green", FAIL: "bold red", WARN: "yellow"}
MIN_DIGITS, MAX_DIGITS = 6, 17


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


def digits(numbers: list[float]) -> int:
    """The fewest significant digits, six at least, at which the different ``numbers`` show
    differently (17 tell any two floats apart)."""
    for d in range(MIN_DIGITS, MAX_DIGITS):
        if len({format_value(x, d) for x in numbers}) == len(set(numbers)):
            return d
    return MAX_DIGITS


def _limit(outcome: Outcome, d: int) -> str:
    if outcome.p_value is not None:  # a significance test: the change's interval, p
        low, high = outcome.interval
        return f"[{low:.3g}, {high:.3g}], p = {outcome.p_value:.3g} (fails below {outcome.check.significance:g})"
    return f"{outcome.op} {format_value(outcome.limit, d)}"


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
        d = digits([o.value, o.limit, *([o.baseline] if o.baseline is not None else [])])
        shown = format_value(o.baseline, d) if o.baseline is not None else ""
        middle = [shown, _change(o)] if against else []
        rows.append([o.check.name, o.input, format_value(o.value, d), *middle, _limit(o, d), o.verdict.upper()])
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
