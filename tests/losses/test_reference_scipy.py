"""Agreement with SciPy: the 1-D Wasserstein distance and the Kullback-Leibler divergence."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import lossctl

from ._support import SIZES, assert_close, rng_for, row_distributions, sample_weights


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("n", SIZES)
def test_wasserstein_distance_matches_scipy(n: int, weighted: bool):
    rng = rng_for("w1", n)
    u, v = rng.normal(0.0, 1.0, n), rng.gamma(2.0, 1.5, n)
    w = sample_weights(rng, n) if weighted else None
    expected = stats.wasserstein_distance(u, v, u_weights=w, v_weights=w)
    assert_close(lossctl.compute("wasserstein-distance", u, v, sample_weight=w), expected)


def test_wasserstein_distance_with_ties_matches_scipy():
    # Repeated values on both sides: the CDFs jump by several samples at once.
    u = np.array([0.0, 1.0, 1.0, 1.0, 3.0, 3.0, 7.5])
    v = np.array([1.0, 1.0, 2.0, 3.0, 3.0, 3.0, 3.0])
    assert_close(lossctl.compute("wasserstein-distance", u, v), stats.wasserstein_distance(u, v))


def test_wasserstein_distance_by_hand():
    # u = {0, 1}, v = {2, 3}: every unit of mass moves by 2, so W1 = 2.
    assert_close(lossctl.compute("wasserstein-distance", [0.0, 1.0], [3.0, 2.0]), 2.0)


def kl_rows(t: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean([stats.entropy(t_row, p_row) for t_row, p_row in zip(t, p, strict=True)]))


@pytest.mark.parametrize("n", SIZES)
def test_kl_divergence_matches_scipy_entropy(n: int):
    rng = rng_for("kl", n)
    t, p = row_distributions(rng, n, 5), row_distributions(rng, n, 5)
    t[:, 1] = 0.0  # 0 log 0 = 0 in both
    t /= t.sum(axis=1, keepdims=True)
    assert_close(lossctl.compute("kl-divergence", t, p), kl_rows(t, p))


@pytest.mark.parametrize("n", SIZES)
def test_kl_divergence_weighted_matches_weighted_mean_of_scipy_entropy(n: int):
    rng = rng_for("kl-weighted", n)
    t, p, w = row_distributions(rng, n, 3), row_distributions(rng, n, 3), sample_weights(rng, n)
    per_row = np.array([stats.entropy(t_row, p_row) for t_row, p_row in zip(t, p, strict=True)])
    assert_close(lossctl.compute("kl-divergence", t, p, sample_weight=w), np.average(per_row, weights=w))
