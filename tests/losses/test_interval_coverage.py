"""Coverage of the 95% intervals, measured by simulation where the expected loss is known.

Each case draws SIMULATIONS data sets (or as many as it says) and counts how often the
interval covers the true expected loss. A correct 95% interval covers it with probability
0.95, so the count is binomial: its standard deviation over s simulations is
sqrt(0.95 * 0.05 / s), and the band is the nominal rate plus or minus 3 of them (a correct
method fails this by chance with probability 0.3%): over 1000 simulations 92.93% to 97.07%,
that is 930 to 970 covering intervals; over the 400 of the costlier cases in ``make test``,
91.7% to 98.3% (``make fuzz`` runs them again on 1000, marked ``slow``). The data sets are
seeded: a run is repeatable.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

import lossctl

SIMULATIONS = 1000
SIGMA = 1.5
DELTA = 1.0
PROBABILITIES = np.tile([0.1, 0.3, 0.5, 0.7, 0.9], 1000)
WEIGHTS = np.tile([0.5, 1.0, 2.0, 4.0], 1250)


def entropy(p: np.ndarray) -> np.ndarray:
    return -(p * np.log(p) + (1 - p) * np.log1p(-p))


def expected_huber(s: float, delta: float) -> float:
    # r ~ N(0, s^2), a = delta / s: E[r^2; |r| <= delta] = s^2 (2 Phi(a) - 1 - 2 a phi(a)),
    # E[|r|; |r| > delta] = 2 s phi(a), P(|r| > delta) = 2 (1 - Phi(a)).
    a, normal = delta / s, NormalDist()
    phi, big_phi = normal.pdf(a), normal.cdf(a)
    inside = 0.5 * s * s * (2 * big_phi - 1 - 2 * a * phi)
    return inside + delta * (2 * s * phi - delta * (1 - big_phi))


def noisy_copy(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, None]:
    """y ~ N(0, 1) and p = y + N(0, 0.5^2): the population R^2 is 1 - 0.25 / 1 = 0.75 (the
    sample R^2's bias, O(1/n), is a tenth of its standard error at n = 200)."""
    y = rng.normal(0.0, 1.0, n)
    return y, y + rng.normal(0.0, 0.5, n), None


# loss, truth, how a data set is drawn: (y_true, y_pred, sample_weight) from a generator and n.
CASES = {
    "mse": (SIGMA**2, lambda rng, n: (np.zeros(n), rng.normal(0, SIGMA, n), None)),
    "mae": (SIGMA * math.sqrt(2 / math.pi), lambda rng, n: (np.zeros(n), rng.normal(0, SIGMA, n), None)),
    "rmse": (SIGMA, lambda rng, n: (np.zeros(n), rng.normal(0, SIGMA, n), None)),
    "huber": (expected_huber(SIGMA, DELTA), lambda rng, n: (np.zeros(n), rng.normal(0, SIGMA, n), None)),
    # A calibrated model: y ~ Bernoulli(p), so E[bce] is the mean entropy of the p's.
    "bce": (
        float(np.mean(entropy(PROBABILITIES[:5]))),  # n is a multiple of the 5 probabilities
        lambda rng, n: ((rng.random(n) < PROBABILITIES[:n]).astype(float), PROBABILITIES[:n], None),
    ),
    # Weighted: sum w E[r^2] / sum w = sigma^2 whatever the weights.
    "weighted-mse": (SIGMA**2, lambda rng, n: (np.zeros(n), rng.normal(0, SIGMA, n), WEIGHTS[:n])),
}


def coverage(name: str, n: int, method: str, case: tuple | None = None, simulations: int = SIMULATIONS) -> float:
    truth, draw = case or CASES[name]
    loss = "mse" if name == "weighted-mse" else name
    rng = np.random.default_rng([n, len(name), ord(name[0]), ord(method[0])])
    covered = 0
    for _ in range(simulations):
        y, p, w = draw(rng, n)
        ci = lossctl.interval(loss, y, p, sample_weight=w, method=method)
        covered += ci.low <= truth <= ci.high
    return covered / simulations


def band(simulations: int) -> tuple[float, float]:
    """0.95 plus or minus 3 binomial standard deviations of a coverage over ``simulations``."""
    sd = math.sqrt(0.95 * 0.05 / simulations)
    return 0.95 - 3 * sd, 0.95 + 3 * sd


# The costlier cases: 400 simulations in make test, 1000 in make fuzz.
BUDGETS = [400, pytest.param(1000, marks=pytest.mark.slow)]


@pytest.mark.parametrize("n", [200, 5000])
@pytest.mark.parametrize("name", list(CASES))
def test_normal_interval_covers_the_truth_95_percent_of_the_time(name, n):
    low, high = band(SIMULATIONS)
    assert low <= coverage(name, n, "normal") <= high


@pytest.mark.parametrize("simulations", BUDGETS)
@pytest.mark.parametrize(("name", "n"), [("mse", 200), ("bce", 200), ("rmse", 5000)])
def test_bootstrap_interval_covers_the_truth_95_percent_of_the_time(name, n, simulations):
    low, high = band(simulations)
    assert low <= coverage(name, n, "bootstrap", simulations=simulations) <= high


@pytest.mark.parametrize("simulations", BUDGETS)
def test_r2_interval_covers_the_population_r2_95_percent_of_the_time(simulations):
    # A score, not a mean: the jackknife's interval of a ratio of variances, at one size (each
    # interval resamples 64 groups of five sums: the cost of this test is in them).
    low, high = band(simulations)
    assert low <= coverage("r2", 500, "normal", (0.75, noisy_copy), simulations) <= high
