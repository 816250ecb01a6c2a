"""Is a regression real? The one-sided test of a baseline check with ``significance``.

A check with ``significance = alpha`` fails only where the loss rose over its baseline by
more than chance explains (the one-sided p-value of ``new - baseline > 0`` is below alpha)
and by more than ``min_effect``. Two kinds of baseline carry what the test needs:

- a baseline predictions file (``baseline_file``), scored on the same rows: the difference is
  paired row by row (``lossctl.losses.paired``, the normal method), which removes the noise
  the two models share;
- a stored result written with ``lossctl compute --ci ... -o baseline.json``: its interval
  gives the baseline's standard error, ``(high - low) / (2 z)``, and the difference of two
  independent estimates has ``se^2 = se_new^2 + se_old^2`` (unpaired, so wider).

The interval shown is the ``1 - 2 alpha`` one: its lower end is above 0 exactly when the
one-sided p-value is below alpha.
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
    ``diff > 0``."""

    diff: float
    low: float
    high: float
    p_value: float

    def describe(self) -> str:
        return f"{self.diff:+.6g} [{self.low:.6g}, {self.high:.6g}], p = {self.p_value:.3g}"


def _standard_error(low: float, high: float, level: float) -> float:
    return (high - low) / (2.0 * _NORMAL.inv_cdf((1.0 + level) / 2.0))


def _one_sided(diff: float, se: float, alpha: float) -> Regression:
    if se == 0.0:
        p_value = 0.0 if diff > 0 else 1.0
    else:
        p_value = 1.0 - _NORMAL.cdf(diff / se)
    half = _NORMAL.inv_cdf(1.0 - alpha) * se
    return Regression(diff, diff - half, diff + half, p_value)


def paired_regression(baseline_state: Any, new_state: Any, alpha: float) -> Regression:
    """The paired test of two tracked states of the same loss on the same rows."""
    result = paired(baseline_state, new_state, level=1.0 - 2.0 * alpha, method="normal")
    return _one_sided(result.diff, result.se, alpha)


def stored_regression(value: float, interval: Interval, baseline: float, stored: dict, alpha: float) -> Regression:
    """The unpaired test of a new value with its interval against a stored baseline result
    and its interval (``{"level", "low", "high"}``)."""
    se_new = _standard_error(interval.low, interval.high, interval.level)
    se_old = _standard_error(stored["low"], stored["high"], stored["level"])
    return _one_sided(value - baseline, math.hypot(se_new, se_old), alpha)
