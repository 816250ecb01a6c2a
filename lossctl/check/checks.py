"""A check: one loss, one condition, a severity; and its verdict on a computed value.

A check has exactly one condition (write two checks for two conditions, so that each check is
one line of the table and one JUnit testcase):

- ``max``: passes when ``value <= max`` (inclusive: ``value == max`` passes);
- ``min``: passes when ``value >= min`` (inclusive);
- ``baseline``: passes unless the value is worse than the baseline's by more than the
  tolerance. Losses are lower-is-better, so only a higher value can fail:

      fail  when  value > baseline + max(atol, rtol * |baseline|)

  and a score (``r2``, ``d2:mae``: higher is better) only a lower one:
  ``value < baseline - max(atol, rtol * |baseline|)``; a result best at a nominal value
  (``coverage``) fails on a change either way beyond the tolerance;

  ``rtol`` and ``atol`` (both 0 by default) combine as a maximum, in the spirit of
  ``numpy.isclose`` but one-sided: an improvement of any size passes;
- ``baseline_file``: as ``baseline``, against the same loss on a baseline predictions file
  (the same rows, scored in the same run).

With ``significance`` (alpha), a baseline check fails only on a real regression: the
one-sided p-value of ``value > baseline`` (a score's ``value < baseline``) below alpha (see
``significance``) and the change for the worse above ``min_effect`` (absolute, or relative to the baseline with ``min_effect_relative``);
the tolerances then do not apply.

The comparison uses the full-precision float64 value, never a rounded one, and the message
prints both numbers in full (``repr``: the shortest text that reads back as the same float):
``mse 1.3333333333333333 > max 1.3333333333333332``. A NaN value (``nan = "propagate"``)
fails every condition.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lossctl.output.gate import FAIL, PASS, WARN, Outcome

if TYPE_CHECKING:
    from lossctl.check.significance import Regression
    from lossctl.engine.results import LossResult

MAX, MIN, BASELINE, BASELINE_FILE = "max", "min", "baseline", "baseline_file"
WITHIN = "within"  # the op of a result ranked neither way: |value - baseline| <= tolerance
CRITERIA = (MAX, MIN, BASELINE, BASELINE_FILE)
AGAINST_BASELINE = (BASELINE, BASELINE_FILE)
SEVERITIES = (FAIL, WARN)


@dataclass(frozen=True)
class Check:
    """One condition on one loss: ``criterion`` is ``max``, ``min`` or ``baseline``; ``limit``
    is the threshold of ``max``/``min``; ``baseline`` the baseline file of ``baseline``.
    ``files`` (None: the files of the configuration or the command line) and ``options``
    (input options, as in the configuration: ``y_pred``, ``nan``, ...) are the check's own."""

    name: str
    loss: str
    criterion: str
    limit: float | None = None
    baseline: str | None = None
    rtol: float = 0.0
    atol: float = 0.0
    severity: str = FAIL
    files: tuple[str, ...] | None = None
    options: tuple[tuple[str, Any], ...] = ()
    baseline_file: str | None = None
    significance: float | None = None
    min_effect: float = 0.0
    min_effect_relative: bool = False

    def judge(
        self,
        result: LossResult,
        input_name: str,
        baseline_value: float | None = None,
        regression: Regression | None = None,
    ) -> Outcome:
        """The verdict of this check on ``result``, its loss's value on ``input_name``;
        ``baseline_value`` is the baseline's value of the same loss, for a baseline check,
        and ``regression`` its test, for a check with ``significance``."""
        value, spec = result.value, result.label
        if regression is not None:
            return self._judge_significance(result, input_name, baseline_value, regression)
        higher = result.loss.higher_is_better
        if self.criterion in AGAINST_BASELINE and higher is None:
            return self._judge_nominal(result, input_name, baseline_value)
        if self.criterion in AGAINST_BASELINE:
            assert baseline_value is not None
            tolerance = max(self.atol, self.rtol * abs(baseline_value))
            limit = baseline_value - tolerance if higher else baseline_value + tolerance
            bound = f"{limit!r} (baseline {baseline_value!r} {'-' if higher else '+'} tolerance {tolerance!r})"
            op = ">=" if higher else "<="
        else:
            assert self.limit is not None
            limit = self.limit
            bound = f"{self.criterion} {limit!r}"
            op = ">=" if self.criterion == MIN else "<="
        passed = value >= limit if op == ">=" else value <= limit
        if math.isnan(value):
            message = f"{spec} is nan, which fails {op} {bound}"
        else:
            shown_op = op if passed else {"<=": ">", ">=": "<"}[op]
            message = f"{spec} {value!r} {shown_op} {bound}"
        return Outcome(
            check=self,
            input=input_name,
            loss=result.loss.name,
            spec=spec,
            value=value,
            limit=limit,
            op=op,
            baseline=baseline_value,
            verdict=PASS if passed else self.severity,
            message=message,
        )

    def _judge_nominal(self, result: LossResult, input_name: str, baseline_value: float) -> Outcome:
        """A result ranked neither way (coverage) against its baseline: a change either way
        beyond the tolerance fails."""
        tolerance = max(self.atol, self.rtol * abs(baseline_value))
        change = abs(result.value - baseline_value)
        passed = change <= tolerance
        message = (
            f"{result.label} {result.value!r} is {change!r} from the baseline {baseline_value!r}, "
            f"{'within' if passed else 'beyond'} the tolerance {tolerance!r}"
        )
        return Outcome(
            check=self,
            input=input_name,
            loss=result.loss.name,
            spec=result.label,
            value=result.value,
            limit=tolerance,
            op=WITHIN,
            baseline=baseline_value,
            verdict=PASS if passed else self.severity,
            message=message,
        )

    def _judge_significance(
        self, result: LossResult, input_name: str, baseline_value: float, regression: Regression
    ) -> Outcome:
        effect = self.min_effect * abs(baseline_value) if self.min_effect_relative else self.min_effect
        real = regression.p_value < self.significance and regression.worsening > effect
        shown = f"{result.label} {result.value!r} against baseline {baseline_value!r}: {regression.describe()}"
        if real:
            message = f"{shown}: a regression, significant at {self.significance:g}" + (
                f" and above the minimal effect {effect!r}" if effect else ""
            )
        elif regression.p_value < self.significance:
            message = f"{shown}: significant, but not above the minimal effect {effect!r}"
        else:
            message = f"{shown}: no significant regression at {self.significance:g}"
        return Outcome(
            check=self,
            input=input_name,
            loss=result.loss.name,
            spec=result.label,
            value=result.value,
            limit=baseline_value - effect if regression.higher_is_better else baseline_value + effect,
            op=">=" if regression.higher_is_better else "<=",
            baseline=baseline_value,
            verdict=self.severity if real else PASS,
            message=message,
            p_value=regression.p_value,
            interval=(regression.low, regression.high),
        )
