"""Paired comparison of two models scored on the same rows: the difference ``B - A`` of a
loss, its interval, a two-sided p-value, and a verdict.

The rows of both models are dealt into the same replicate groups (by position and seed, see
``replication``), so group g of A and group g of B hold the same rows: resampling or deleting
groups in both at once is a paired bootstrap or jackknife, and needs no row of A next to its
row of B. ``normal``: ``diff -/+ z se`` with the delete-a-group jackknife's standard error and
the p-value of ``diff / se`` under the normal distribution. ``bootstrap``: the percentile
interval of the resampled differences, and the p-value twice the share of resamples on the
far side of 0 (with the usual +1, Davison & Hinkley 1997, 4.4). Several losses compared at
once are corrected with Holm's step-down (Holm 1979).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from lossctl.losses.ci import DEFAULT_SEED
from lossctl.losses.errors import LossError
from lossctl.losses.intervals import (
    Interval,
    jackknife_deleted,
    jackknife_se,
    resample_counts,
    resampled,
    spread,
    total_sums,
)

BETTER, WORSE, SAME, DIFFERENT = "better", "worse", "no difference", "different"


@dataclass(frozen=True)
class Paired:
    """``diff = B - A``, its interval, its two-sided p-value (before any correction), and,
    for the normal method, its standard error."""

    diff: float
    ci: Interval
    p_value: float
    se: float | None = None


def paired(a, b, *, level: float, method: str, seed: int = DEFAULT_SEED) -> Paired:
    """The paired comparison of the tracked states ``a`` (the reference) and ``b`` of one
    loss on the same rows; a ``LossError`` when there is none."""
    for state in (a, b):
        if not hasattr(state, "group_sums") or not state.sums():
            raise LossError("no paired comparison of a loss that is not a function of sums over rows")
    groups_a, groups_b = a.group_sums(), b.group_sums()
    used = np.any(groups_a != 0.0, axis=1) | np.any(groups_b != 0.0, axis=1)
    groups_a, groups_b = groups_a[used], groups_b[used]
    if len(groups_a) < 2:
        raise LossError("no paired comparison from fewer than two rows")
    diff = b.result() - a.result()
    alpha = 1.0 - level
    if method == "normal":
        total_a, total_b = total_sums(a), total_sums(b)
        se = jackknife_se(jackknife_deleted(b, total_b, groups_b) - jackknife_deleted(a, total_a, groups_a))
        z = NormalDist().inv_cdf(1.0 - alpha / 2.0)
        p_value = 1.0 if se == 0.0 and diff == 0.0 else 0.0 if se == 0.0 else 2.0 * NormalDist().cdf(-abs(diff) / se)
        return Paired(diff, Interval(level, diff - z * se, diff + z * se, method, se), p_value, se)
    counts = resample_counts(len(groups_a), seed)
    replicates = b.statistic(resampled(counts, groups_b)) - a.statistic(resampled(counts, groups_a))
    replicates = replicates[np.isfinite(replicates)]
    if not len(replicates):
        raise LossError("no paired comparison: no resample has a finite value")
    low, high = np.quantile(replicates, [alpha / 2.0, 1.0 - alpha / 2.0])
    far = min(np.count_nonzero(replicates <= 0.0), np.count_nonzero(replicates >= 0.0))
    p_value = min(1.0, 2.0 * (far + 1) / (len(replicates) + 1))
    return Paired(diff, Interval(level, float(low), float(high), method, spread(replicates)), p_value)


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values (Holm 1979): the k-th smallest of m times
    ``m - k + 1``, made monotone, at most 1. Rejecting where an adjusted p-value is below
    alpha keeps the family-wise error rate at alpha."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted, running = [0.0] * m, 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * p_values[i]))
        adjusted[i] = running
    return adjusted


def verdict(diff: float, p_value: float, alpha: float, higher_is_better: bool | None = False) -> str:
    """``better`` or ``worse`` (for B against A) where ``p_value < alpha``, else ``no
    difference``; ``different`` for a result ranked neither way (coverage)."""
    if p_value >= alpha or diff == 0.0:
        return SAME
    if higher_is_better is None:
        return DIFFERENT
    return BETTER if (diff < 0.0) != higher_is_better else WORSE
