"""Confidence intervals of a loss, from its state and its replicate groups' states.

Two methods, both from mergeable state (one pass, memory independent of the rows):

- ``normal``: the value plus or minus ``z`` standard errors. For a (weighted) mean the
  standard error is the delta method's, from exact row moments: ``s / sqrt(n)`` for a plain
  mean, the linearized ratio variance ``n/(n-1) sum (a_i - R b_i)^2 / (sum b)^2`` for a
  weighted one (Cochran 1977, Sampling Techniques, 6.3); an interval of RMSE is the square
  root of the MSE's, the critic's Wasserstein estimate (a difference of two means of disjoint
  rows) adds the two variances. Any other loss (an expression, a mean plus a count) takes the
  delete-a-group jackknife's standard error over the replicate groups (Kott 2001).
- ``bootstrap``: the percentile interval of ``RESAMPLES`` resamples of the replicate groups,
  with replacement, drawn from ``numpy.random.PCG64(seed)``.

Both assume independent rows. The normal interval is symmetric and trusts the central limit
theorem: with few rows or heavy-tailed losses (a handful of outliers carrying the MSE) it is
too narrow, and the bootstrap's asymmetric interval is the safer one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lossctl.losses.ci import DEFAULT_SEED, METHODS
from lossctl.losses.errors import LossError
from lossctl.losses.replication import GROUPS
from lossctl.losses.summation import to_float

RESAMPLES = 2000


@dataclass(frozen=True)
class Interval:
    """A confidence interval: ``[low, high]`` at ``level`` (0.95), how it was made, and the
    standard error of the value (the delta method's or the jackknife's for the normal
    method, the resamples' standard deviation for the bootstrap): what a test of the
    difference from another value needs, where the interval's ends are not symmetric."""

    level: float
    low: float
    high: float
    method: str
    se: float = math.nan


def tracked(state, moments: bool = True, groups: bool = True):
    """``state``, keeping its sums by replicate group and (for the normal method) its row
    moments, if it can: to be fed batches whose ``replicates`` are set."""
    if resamplable(state):
        state.track(moments, groups)
    return state


def interval(
    state, *, level: float, method: str, seed: int = DEFAULT_SEED, bounds: tuple[float, float] = (-math.inf, math.inf)
) -> Interval:
    """The ``level`` interval of a tracked ``state``'s result by ``method``, its ends within
    ``bounds`` (the loss's least and greatest values); a ``LossError`` saying why when there
    is none (a loss of no sampled rows, a distance of whole samples, too few rows)."""
    if method not in METHODS:
        raise ValueError(f"unknown interval method {method!r}; methods are {', '.join(METHODS)}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"a confidence level is in (0, 1), not {level}")
    if not resamplable(state):
        raise LossError(f"no interval for {_why_not(state)}")
    return _within(_interval(state, level, method, seed), bounds)


def _within(found: Interval, bounds: tuple[float, float]) -> Interval:
    """``found`` with its ends kept within ``bounds`` (a non-negative loss's never below 0, a
    score's never past a perfect 1): the normal interval is symmetric, the range not."""
    low, high = bounds
    ends = min(max(found.low, low), high), max(min(found.high, high), low)
    return Interval(found.level, *ends, found.method, found.se)


def _interval(state, level: float, method: str, seed: int) -> Interval:
    from statistics import NormalDist  # when an interval is asked for, not at start-up

    z = NormalDist().inv_cdf((1.0 + level) / 2.0)
    if method == "normal" and hasattr(state, "delta_interval"):
        low, high, se = state.delta_interval(z)
        return Interval(level, low, high, method, se)
    if not state.sums():
        raise LossError(f"no interval for {_why_not(state)}")
    groups = state.group_sums()
    groups = groups[np.any(groups != 0.0, axis=1)]  # groups of no rows, or of zero weight only
    if len(groups) < 2:
        raise LossError("no interval from fewer than two rows")
    total = total_sums(state)
    if method == "normal":
        low, high, se = _jackknife(state, total, groups, z)
    else:
        low, high, se = _bootstrap(state, groups, level, seed)
    return Interval(level, low, high, method, se)


def total_sums(state) -> np.ndarray:
    """The state's sums over every row as floats, as its ``group_sums`` are: rounded, or, for a
    state whose group sums are centred to keep a variance from cancelling, centred alike."""
    if hasattr(state, "total_sums"):
        return state.total_sums()
    return np.array([to_float(t) for t in state.sums()])


def resamplable(state) -> bool:
    """Whether ``state``'s result is a function of sums over rows, which groups can resample
    (for an expression: every term's)."""
    terms = getattr(state, "terms", None)
    if terms is not None:
        return all(resamplable(term) for _, term, _, _ in terms)
    return hasattr(state, "sums")


def methods_of(state) -> str:
    """How ``--ci`` makes the intervals of ``state``'s loss, in a sentence."""
    if not resamplable(state) or not state.sums():
        return f"none: {_why_not(state)}"
    normal = (
        "the delta method on exact row moments"
        if hasattr(state, "delta_interval")
        else "the delete-a-group jackknife's standard error"
    )
    return (
        f"normal: value -/+ z se, by {normal}; bootstrap: percentiles of {RESAMPLES} resamples of "
        f"{GROUPS} row groups. Both assume independent rows; with few rows or heavy tails prefer "
        "the bootstrap."
    ) + (f" {note}" if (note := getattr(state, "interval_note", "")) else "")


def _why_not(state) -> str:
    if hasattr(state, "why_no_interval"):
        return state.why_no_interval
    if not resamplable(state):
        return "a loss of the whole samples (not a mean of rows)"
    return "a loss of no sampled rows (the model's weights are not a sample)"


def jackknife_deleted(state, total: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The G results of ``state`` with one group deleted: its statistic of ``total`` minus
    each group's sums."""
    return state.statistic(total - groups)


def resample_counts(g: int, seed: int) -> np.ndarray:
    """``RESAMPLES`` resamples of g groups: each draws g of them with replacement; a row of
    how many times each group was drawn, as floats."""
    drawn = np.random.Generator(np.random.PCG64(seed)).integers(0, g, size=(RESAMPLES, g))
    drawn += np.arange(RESAMPLES)[:, None] * g
    return np.bincount(drawn.ravel(), minlength=RESAMPLES * g).reshape(RESAMPLES, g).astype(np.float64)


def resampled(counts: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``counts @ groups``: each resample's sums, added group after group in their order. A
    matrix product would leave the order to BLAS, which picks it by the arrays' sizes and
    memory alignment, and so the last bits of an interval to the run."""
    sums = np.zeros((counts.shape[0], groups.shape[1]))
    for g in range(groups.shape[0]):
        sums += counts[:, g : g + 1] * groups[g]
    return sums


def _jackknife(state, total: np.ndarray, groups: np.ndarray, z: float) -> tuple[float, float, float]:
    """``value -/+ z se``, ``se^2 = (G-1)/G sum_g (theta_(g) - mean theta_(.))^2`` over the G
    results with one group deleted; and ``se``."""
    value = float(state.statistic(total))
    se = jackknife_se(jackknife_deleted(state, total, groups))
    return value - z * se, value + z * se, se


def jackknife_se(deleted: np.ndarray) -> float:
    """The delete-a-group jackknife's standard error from the G results with one group
    deleted: ``sqrt((G-1)/G sum_g (theta_(g) - mean theta_(.))^2)``."""
    g = len(deleted)
    return math.sqrt((g - 1) / g * float(np.sum((deleted - deleted.mean()) ** 2)))


def _bootstrap(state, groups: np.ndarray, level: float, seed: int) -> tuple[float, float, float]:
    """The ``(1 -/+ level)/2`` percentiles of the results of ``RESAMPLES`` resamples of the
    groups (each resample draws G of the G groups with replacement, and counts them), and
    the resampled results' standard deviation."""
    replicates = state.statistic(resampled(resample_counts(len(groups), seed), groups))
    replicates = replicates[np.isfinite(replicates)]
    if not len(replicates):
        raise LossError("no interval: no resample has a finite value")
    low, high = np.quantile(replicates, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
    return float(low), float(high), spread(replicates)


def spread(replicates: np.ndarray) -> float:
    """The standard deviation of resampled results (``n - 1`` in the denominator), scaled by
    the largest so that results near 1e200 do not overflow their squares; NaN for one."""
    scale = float(np.max(np.abs(replicates))) if len(replicates) > 1 else 0.0
    if not scale:
        return 0.0 if len(replicates) > 1 else math.nan
    return float(np.std(replicates / scale, ddof=1)) * scale
