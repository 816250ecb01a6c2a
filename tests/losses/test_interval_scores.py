"""Intervals of the skill scores d2:LOSS and of the calibration scores (equal-width and equal-mass bins).

Coverage is measured by simulation where the population value is known in closed form. A
correct 95% interval covers it with probability 0.95, so the count over S simulations is
binomial, of standard deviation sqrt(0.95 * 0.05 / S): 0.0069 at S = 1000, where 93% to 97%
is the nominal rate plus or minus 2.9 of them; the fast runs take fewer simulations and a band
of plus or minus 3 standard deviations (a correct method fails either by chance with
probability below 0.4%). The data sets are seeded: a run is repeatable.
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from sklearn.metrics import d2_absolute_error_score

import lossctl
from lossctl.losses import Batch
from lossctl.losses.api import resolve
from lossctl.losses.errors import LossError
from lossctl.losses.intervals import interval, tracked
from lossctl.losses.replication import GROUPS, groups_of_rows

from ._support import spill_small_runs

NOISE = 0.5
BINS = 10


def noisy_copy(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """y ~ N(0, 1), p = y + N(0, NOISE^2). The best constant of MAE is the median, 0:
    E|y| = sqrt(2/pi); the model's E|y - p| = NOISE sqrt(2/pi); so D2 = 1 - NOISE = 0.5."""
    y = rng.normal(0.0, 1.0, n)
    return y, y + rng.normal(0.0, NOISE, n)


def overconfident(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Confidences c ~ U(0, 1), outcomes ~ Bernoulli(max(c - 0.1, 0)). With 10 equal-width
    bins: in bin 0, [0, 0.1), the outcome is never 1 and the mean confidence is 0.05, a gap of
    0.05; in bins 1..9 the mean outcome is the mean confidence minus 0.1, a gap of 0.1. Each bin
    holds a tenth of the mass: the population ECE is 0.1 * 0.05 + 0.9 * 0.1 = 0.095. At n = 5000
    a bin of 500 rows has an accuracy of standard deviation at most sqrt(0.25 / 500) = 0.022,
    a gap of 4.5 of them: the plug-in's upward bias, 2 sd phi(gap / sd) ~ 1e-6, is negligible."""
    c = rng.random(n)
    return (rng.random(n) < np.maximum(c - 0.1, 0.0)).astype(float), c


CASES = {
    "d2:mae": (1.0 - NOISE, noisy_copy, {}),
    "ece": (0.095, overconfident, {"bins": BINS}),
}


def coverage(loss: str, n: int, simulations: int, method: str) -> float:
    truth, draw, params = CASES[loss]
    rng = np.random.default_rng([n, len(loss), ord(method[0])])
    covered = 0
    for _ in range(simulations):
        y, p = draw(rng, n)
        ci = lossctl.interval(loss, y, p, method=method, **params)
        covered += ci.low <= truth <= ci.high
    return covered / simulations


def band(simulations: int) -> tuple[float, float]:
    """0.95 plus or minus 3 binomial standard deviations of a coverage over ``simulations``."""
    sd = math.sqrt(0.95 * 0.05 / simulations)
    return 0.95 - 3 * sd, 0.95 + 3 * sd


@pytest.mark.parametrize(("loss", "simulations"), [("d2:mae", 250), ("ece", 120)])
def test_the_interval_covers_the_population_score(loss, simulations):
    low, high = band(simulations)
    assert low <= coverage(loss, 5000, simulations, "normal") <= high


@pytest.mark.slow
@pytest.mark.parametrize("method", ["normal", "bootstrap"])
@pytest.mark.parametrize("loss", list(CASES))
def test_the_interval_covers_the_population_score_1000_times(loss, method):
    assert 0.93 <= coverage(loss, 5000, 1000, method) <= 0.97


def test_the_normal_interval_of_d2_mae_is_the_hand_jackknife():
    rng = np.random.default_rng(5)
    n = 2000
    y, p = noisy_copy(rng, n)
    group = groups_of_rows(np.arange(n), seed=7)
    assert len(np.unique(group)) == GROUPS
    # By hand: the median of every row (the smallest y reaching half the count), then with
    # group g deleted, 1 - mean|y - p| / mean|y - c| over the other rows, c kept.
    c = np.quantile(y, 0.5, method="inverted_cdf")
    deleted = np.array(
        [1.0 - np.abs(y - p)[group != g].mean() / np.abs(y - c)[group != g].mean() for g in range(GROUPS)]
    )
    se = math.sqrt((GROUPS - 1) / GROUPS * np.sum((deleted - deleted.mean()) ** 2))
    value = d2_absolute_error_score(y, p)
    z = 1.959963984540054
    ci = lossctl.interval("d2:mae", y, p, method="normal", seed=7)
    assert ci.low == pytest.approx(value - z * se, rel=1e-9)
    assert ci.high == pytest.approx(value + z * se, rel=1e-9)
    assert ci.se == pytest.approx(se, rel=1e-9)


def test_the_normal_interval_of_ece_is_the_hand_jackknife():
    rng = np.random.default_rng(6)
    n = 3000
    y, c = overconfident(rng, n)
    group = groups_of_rows(np.arange(n), seed=7)
    k = np.minimum((c * BINS).astype(int), BINS - 1)

    def ece(rows: np.ndarray) -> float:  # sum_b |sum y - sum c| / n over the rows kept
        return sum(abs(y[rows & (k == b)].sum() - c[rows & (k == b)].sum()) for b in range(BINS)) / rows.sum()

    deleted = np.array([ece(group != g) for g in range(GROUPS)])
    se = math.sqrt((GROUPS - 1) / GROUPS * np.sum((deleted - deleted.mean()) ** 2))
    ci = lossctl.interval("ece", y, c, bins=BINS, method="normal", seed=7)
    assert ci.se == pytest.approx(se, rel=1e-9)
    assert (ci.low + ci.high) / 2 == pytest.approx(ece(np.ones(n, bool)), rel=1e-12)


@pytest.mark.parametrize(
    "loss",
    [
        "d2:mae",
        "d2:quantile:quantile=0.3",
        "d2:bce",
        "d2:cross-entropy",
        "ece:binning=equal-mass",
        "rmsce:binning=equal-mass,multiclass=classwise",
    ],
)
@pytest.mark.parametrize("method", ["normal", "bootstrap"])
def test_runs_spilled_by_group_and_merged_through_pickle_give_the_same_interval(monkeypatch, loss, method):
    spill_small_runs(monkeypatch)
    rng = np.random.default_rng(8)
    n = 1200
    if loss in ("d2:cross-entropy", "rmsce:binning=equal-mass,multiclass=classwise"):
        y = rng.integers(0, 3, n).astype(float)
        p = rng.dirichlet([2.0, 2.0, 2.0], n)
    elif loss in ("d2:bce", "ece:binning=equal-mass"):
        p = rng.uniform(0.05, 0.95, n)
        y = (rng.random(n) < p).astype(float)
    else:
        y = rng.normal(0.0, 1.0, n)
        p = y + rng.normal(0.0, 0.5, n)
    w = rng.uniform(0.5, 2.0, n)
    states = []
    for k, rows in enumerate(np.split(np.arange(n), [100, 101, 700])):
        state = tracked(resolve(loss, {}).state(), moments=False)
        batch = Batch({"y_true": y[rows], "y_pred": p[rows], "sample_weight": w[rows]})
        batch.replicates = groups_of_rows(rows, seed=4)
        state.update(batch)
        states.append(pickle.loads(pickle.dumps(state)) if k % 2 else state)
    merged = states.pop()
    for state in states:
        merged.merge(state)
    whole = interval(merged, level=0.95, method=method, seed=4)
    assert whole == lossctl.interval(loss, y, p, sample_weight=w, method=method, seed=4)
    assert merged.result() == lossctl.compute(loss, y, p, sample_weight=w)


def test_mce_says_why_it_has_no_interval():
    rng = np.random.default_rng(9)
    y, c = overconfident(rng, 500)
    with pytest.raises(LossError, match="a maximum over bins"):
        lossctl.interval("mce", y, c)


def test_equal_mass_intervals_are_conditional_on_the_edges_of_every_row():
    # Bins given by hand at the equal-mass edges of the whole sample (its weighted quantiles,
    # numpy's inverted CDF), then each group deleted in turn: the jackknife of rmsce by hand.
    rng = np.random.default_rng(10)
    n, bins = 3000, 6
    y, c = overconfident(rng, n)
    group = groups_of_rows(np.arange(n), seed=7)
    inner = np.quantile(c, np.arange(1, bins) / bins, method="inverted_cdf")
    k = np.searchsorted(inner, c)  # a confidence equal to an edge in the bin below

    def rmsce(rows: np.ndarray) -> float:
        gaps = [
            (y[rows & (k == b)].sum() - c[rows & (k == b)].sum()) ** 2 / (rows & (k == b)).sum() for b in range(bins)
        ]
        return math.sqrt(sum(gaps) / rows.sum())

    deleted = np.array([rmsce(group != g) for g in range(GROUPS)])
    se = math.sqrt((GROUPS - 1) / GROUPS * np.sum((deleted - deleted.mean()) ** 2))
    ci = lossctl.interval(f"rmsce:binning=equal-mass,bins={bins}", y, c, method="normal", seed=7)
    assert ci.se == pytest.approx(se, rel=1e-9)
    assert (ci.low + ci.high) / 2 == pytest.approx(rmsce(np.ones(n, bool)), rel=1e-12)


def alternating(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Confidences c ~ U(0, 1), outcomes ~ Bernoulli(c + d(c)), d(c) = 0.08 (-1)^floor(10 c):
    over- and under-confident by turns, so that where the bins' edges fall changes the score."""
    c = rng.random(n)
    return (rng.random(n) < c + alternating_gap(c)).astype(float), c


def alternating_gap(c: np.ndarray) -> np.ndarray:
    return 0.08 * np.where(np.floor(c * 10) % 2 == 0, 1.0, -1.0)


def population_ece(edges: np.ndarray) -> float:
    """The population ECE of `alternating` with the bins ``[edges[i], edges[i + 1]]``: a bin's
    mass times its |mean gap| is |integral of d over the bin|. The integral of d from 0 to x,
    with k = floor(10 x) whole tenths (their signs alternate, so they cancel in pairs):
    0.008 (k mod 2) + 0.008 (-1)^k (10 x - k)."""
    k = np.floor(edges * 10)
    below = 0.008 * (k % 2) + 0.008 * np.where(k % 2 == 0, 1.0, -1.0) * (edges * 10 - k)
    return float(np.sum(np.abs(np.diff(below))))


@pytest.mark.parametrize(
    ("method", "simulations"),
    [
        ("normal", 120),
        pytest.param("normal", 1000, marks=pytest.mark.slow),
        pytest.param("bootstrap", 1000, marks=pytest.mark.slow),  # 75 ms an interval
    ],
)
def test_the_equal_mass_interval_covers_the_score_of_the_samples_own_bins(method, simulations):
    """An equal-mass interval is conditional on the edges (the sample's quantiles): it covers
    the population score of those bins 95% of the time (band: module docstring), not the
    score of the population's own deciles, 0.08, which the sample's edges miss by about
    sqrt(0.09 / n) and so lower by about 0.005 here (covered about 78% of the time)."""
    n, bins = 5000, 10
    rng = np.random.default_rng([17, ord(method[0]), simulations])
    covered = 0
    for _ in range(simulations):
        y, c = alternating(rng, n)
        inner = np.quantile(c, np.arange(1, bins) / bins, method="inverted_cdf")  # lossctl's edges
        truth = population_ece(np.concatenate(([0.0], inner, [1.0])))
        ci = lossctl.interval("ece:binning=equal-mass", y, c, bins=bins, method=method)
        covered += ci.low <= truth <= ci.high
    low, high = band(simulations)
    assert low <= covered / simulations <= high


def test_the_population_ece_of_alternating_gaps_by_quadrature():
    # The closed form above against a fine midpoint rule over [0, 1] for uneven bins.
    edges = np.array([0.0, 0.13, 0.31, 0.5, 0.77, 1.0])
    x = (np.arange(1_000_000) + 0.5) / 1_000_000
    bin_of = np.searchsorted(edges, x) - 1
    by_quadrature = sum(abs(alternating_gap(x[bin_of == b]).sum() / len(x)) for b in range(len(edges) - 1))
    assert population_ece(edges) == pytest.approx(by_quadrature, abs=1e-7)
