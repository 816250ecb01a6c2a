"""What the gate decided: each check's verdict on one input, as the renderers show it (the
table, the JSON document, JUnit XML, the lines on stderr)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lossctl.check.checks import Check

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
