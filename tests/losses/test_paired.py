"""Paired comparisons: Holm's adjustment by hand, p-values uniform under the null, the false
verdict rate near alpha, and the power of a real difference against its closed form."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from scipy import stats

from lossctl.losses import Batch, resolve
from lossctl.losses.intervals import tracked
from lossctl.losses.paired import BETTER, SAME, WORSE, holm, paired, verdict
from lossctl.losses.replication import groups_of_rows

SIMULATIONS = 1000


def states(loss: str, y: np.ndarray, p_a: np.ndarray, p_b: np.ndarray, method: str):
    """The tracked states of two models of the same rows."""
    configured = resolve(loss)
    out = []
    for p in (p_a, p_b):
        state = tracked(configured.state(), moments=method == "normal")
        batch = Batch({"y_true": y, "y_pred": p})
        batch.replicates = groups_of_rows(np.arange(len(y)), 0)
        state.update(batch)
        out.append(state)
    return out


def test_holm_by_hand():
    # Sorted 0.01, 0.03, 0.04: 3 * 0.01 = 0.03, 2 * 0.03 = 0.06, 1 * 0.04 = 0.04 -> 0.06 (monotone).
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.9]) == [1.0, 1.0]
    assert holm([]) == []


def test_verdict_words():
    assert verdict(-0.1, 0.01, 0.05) == BETTER
    assert verdict(0.1, 0.01, 0.05) == WORSE
    assert verdict(0.1, 0.2, 0.05) == SAME
    assert verdict(0.1, 0.01, 0.05, higher_is_better=True) == BETTER


def test_identical_models_do_not_differ():
    rng = np.random.default_rng(1)
    y = rng.normal(0.0, 1.0, 300)
    p = y + rng.normal(0.0, 1.0, 300)
    a, b = states("mse", y, p, p.copy(), "normal")
    result = paired(a, b, level=0.95, method="normal")
    assert (result.diff, result.ci.low, result.ci.high, result.p_value) == (0.0, 0.0, 0.0, 1.0)


@pytest.mark.parametrize("method", ["normal", "bootstrap"])
def test_p_values_are_uniform_and_false_verdicts_near_5_percent(method):
    # Two models with errors of the same spread: equal expected MSE, so H0 holds. Over 1000
    # simulations the p-values should look uniform (Kolmogorov-Smirnov p > 0.01), and the
    # share with p < 0.05 is binomial(1000, 0.05): standard deviation 0.0069, so 2.6% to 7.4%
    # is 0.05 -/+ 3.5 of them. The jackknife over 64 groups has 63 degrees of freedom and the
    # bootstrap's p-values move in steps of 1/2001: both within this band.
    rng = np.random.default_rng([7, len(method)])
    n = 200 if method == "normal" else 100
    p_values = []
    for _ in range(SIMULATIONS if method == "normal" else 400):
        y = rng.normal(0.0, 1.0, n)
        a, b = states("mse", y, y + rng.normal(0.0, 1.0, n), y + rng.normal(0.0, 1.0, n), method)
        p_values.append(paired(a, b, level=0.95, method=method).p_value)
    p_values = np.array(p_values)
    if method == "normal":
        assert stats.kstest(p_values, "uniform").pvalue > 0.01
        assert 0.026 <= np.mean(p_values < 0.05) <= 0.074
    else:  # 400 simulations: standard deviation 0.011, 0.05 -/+ 3.5 of them
        assert 0.012 <= np.mean(p_values < 0.05) <= 0.088


def test_power_of_a_real_difference_matches_the_closed_form():
    # Errors N(0, 1) for A and N(0, 0.9^2) for B, n = 500: d_i = e_B^2 - e_A^2 has mean
    # 0.81 - 1 = -0.19 and variance 2 (0.81^2 + 1) = 3.3122, so the two-sided 5% test of the
    # mean has power Phi(|mu| sqrt(n) / sd - 1.96) + Phi(-|mu| sqrt(n) / sd - 1.96) = 0.65.
    # 1000 simulations: standard deviation sqrt(0.65 * 0.35 / 1000) = 0.015; the band is 3.5 of
    # them, plus 0.03 for the normal approximation of the statistic at n = 500.
    n, mu, sd = 500, 0.81 - 1.0, math.sqrt(2 * (0.81**2 + 1.0))
    shift = abs(mu) * math.sqrt(n) / sd
    power = NormalDist().cdf(shift - 1.96) + NormalDist().cdf(-shift - 1.96)
    rng = np.random.default_rng(12)
    rejected = 0
    for _ in range(SIMULATIONS):
        y = rng.normal(0.0, 1.0, n)
        a, b = states("mse", y, y + rng.normal(0.0, 1.0, n), y + rng.normal(0.0, 0.9, n), "normal")
        result = paired(a, b, level=0.95, method="normal")
        rejected += result.p_value < 0.05 and result.diff < 0
    assert abs(rejected / SIMULATIONS - power) <= 3.5 * math.sqrt(power * (1 - power) / SIMULATIONS) + 0.03
