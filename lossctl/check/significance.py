"""Is a regression real? The one-sided test of a baseline check with ``significance``.

A check with ``significance = alpha`` fails only where the loss rose over its baseline by
more than chance explains (the one-sided p-value of ``new - baseline > 0`` is below alpha)
and by more than ``min_effect``; a score (higher is better) where it fell; a result ranked
neither way (coverage) where it changed either way (two-sided). Two kinds of baseline carry
what the test needs:

- a baseline predictions file (``baseline_file``), scored on the same rows: the difference is
  paired row by row (``lossctl.losses.paired``, the normal method), which removes the noise
  the two models share;
- a stored result written with ``lossctl compute --ci ... -o baseline.json``: its interval
  carries the baseline's standard error (``se``; a document without it gives
  ``(high - low) / (2 z)``, exact for the symmetric normal interval of a mean), and the
  difference of two independent estimates has ``se^2 = se_new^2 + se_old^2`` (unpaired, so
  wider).

The interval shown is the ``1 - 2 alpha`` one: its lower end is above 0 (a score's upper end
below 0) exactly when the one-sided p-value is below alpha.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from lossctl.losses.intervals import Interval
from lossctl.losses.paired import paired

_NORMAL = NormalDist()


@dataclass(frozen=True)
class Regression:
    """``diff = new - baseline``, its ``1 - 2 alpha`` interval and the one-sided p-value of
    a change for the worse: ``diff > 0`` for a loss, ``diff < 0`` for a score."""

    diff: float
    low: float
    high: float
    p_value: float
    higher_is_better: bool | None = False

    @property
    def worsening(self) -> float:
        """How much worse the new value is: ``diff`` for a loss, ``-diff`` for a score, the
        change either way for a result ranked neither way."""
        if self.higher_is_better is None:
            return abs(self.diff)
        return -self.diff if self.higher_is_better else self.diff

    def describe(self) -> str:
        return f"{self.diff:+.6g} [{self.low:.6g}, {self.high:.6g}], p = {self.p_value:.3g}"


def _standard_error(interval: dict) -> float:
    """An interval's standard error: its ``se`` when it has one, else from its width."""
    se = interval.get("se")
    if isinstance(se, (int, float)) and math.isfinite(se):
        return float(se)
    return (interval["high"] - interval["low"]) / (2.0 * _NORMAL.inv_cdf((1.0 + interval["level"]) / 2.0))


def _one_sided(diff: float, se: float, alpha: float, higher_is_better: bool | None) -> Regression:
    """The test of a change for the worse; two-sided for a result ranked neither way."""
    worse = abs(diff) if higher_is_better is None else -diff if higher_is_better else diff
    sides = 2.0 if higher_is_better is None else 1.0
    if se == 0.0:
        p_value = 0.0 if worse > 0 else 1.0
    else:
        p_value = min(1.0, sides * (1.0 - _NORMAL.cdf(worse / se)))
    half = _NORMAL.inv_cdf(1.0 - alpha) * se
    return Regression(diff, diff - half, diff + half, p_value, higher_is_better)


def paired_regression(
    baseline_state: Any, new_state: Any, alpha: float, higher_is_better: bool | None = False
) -> Regression:
    """The paired test of two tracked states of the same loss on the same rows."""
    result = paired(baseline_state, new_state, level=1.0 - 2.0 * alpha, method="normal")
    return _one_sided(result.diff, result.se, alpha, higher_is_better)


def stored_regression(
    value: float, interval: Interval, baseline: float, stored: dict, alpha: float, higher_is_better: bool | None = False
) -> Regression:
    """The unpaired test of a new value with its interval against a stored baseline result
    and its interval (``{"level", "low", "high"}`` and, when written by this version, ``"se"``)."""
    se_new = _standard_error({"level": interval.level, "low": interval.low, "high": interval.high, "se": interval.se})
    se_old = _standard_error(stored)
    return _one_sided(value - baseline, math.hypot(se_new, se_old), alpha, higher_is_better)
