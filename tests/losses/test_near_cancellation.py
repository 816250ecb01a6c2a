"""Places where digits were lost, against the truth computed with mpmath at 80 digits from the
same float64 inputs: KL of nearly equal distributions, the Brier score of confident logits;
and msle at extreme magnitudes, right but warning."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import scipy.stats

import lossctl

mpmath.mp.dps = 80


def kl_truth(t: np.ndarray, p: np.ndarray) -> float:
    rows = [
        mpmath.fsum(
            mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b)) for a, b in zip(tr, pr, strict=True) if a > 0
        )
        for tr, pr in zip(t, p, strict=True)
    ]
    return float(mpmath.fsum(rows) / len(rows))


@pytest.mark.parametrize(
    ("t", "p"),
    [
        ([0.5, 0.5], [0.5000000000009095, 0.4999999999990905]),  # truth 1.6543612251060553e-24
        ([0.25, 0.25, 0.5], [0.25 + 2**-45, 0.25 - 2**-46, 0.5 - 2**-46]),  # sums to 1 exactly
        ([0.125, 0.375, 0.5], [0.125 - 2**-50, 0.375 + 2**-51, 0.5 + 2**-51]),  # sums to 1 exactly
    ],
)
def test_kl_of_nearly_equal_distributions(t, p):
    t, p = np.array([t]), np.array([p])
    truth = kl_truth(t, p)
    assert truth > 0
    assert math.isclose(lossctl.compute("kl-divergence", t, p), truth, rel_tol=1e-12)


def test_kl_of_nearly_equal_logits_is_not_zero():
    """From logits (mpmath on the exact softmax of the same logits)."""
    z = np.array([[0.0, 1e-6]])
    t = np.array([[0.5, 0.5]])
    e = [mpmath.exp(mpmath.mpf(v)) for v in z[0]]
    p = [v / mpmath.fsum(e) for v in e]
    truth = float(mpmath.fsum(mpmath.mpf(0.5) * mpmath.log(mpmath.mpf(0.5) / q) for q in p))
    assert math.isclose(lossctl.compute("kl-divergence", t, z, from_logits=True), truth, rel_tol=1e-9)


def test_kl_far_from_equal_is_scipys():
    rng = np.random.default_rng(3)
    t, p = rng.dirichlet(np.ones(4), size=300), rng.dirichlet(np.ones(4), size=300)
    expected = np.mean([scipy.stats.entropy(a, b) for a, b in zip(t, p, strict=True)])
    assert math.isclose(lossctl.compute("kl-divergence", t, p), expected, rel_tol=1e-12)


@pytest.mark.parametrize(("y", "z"), [(1.0, 40.0), (0.0, -40.0), (1.0, 700.0), (0.0, -30.5), (0.3, 12.0)])
def test_brier_of_confident_logits(y, z):
    """(y - sigmoid(z))^2: for y = 1, z = 40 the truth is e^-80 / (1 + e^-40)^2 = 1.80e-35."""
    s = 1 / (1 + mpmath.exp(-mpmath.mpf(z)))
    truth = float((mpmath.mpf(y) - s) ** 2)
    assert math.isclose(lossctl.compute("brier", [y], [z], from_logits=True), truth, rel_tol=1e-12)


def test_msle_of_extreme_magnitudes_warns_nothing():
    """y_true = 1e-300, y_pred = 1e300: (log1p(1e-300) - log1p(1e300))^2 = (300 ln 10)^2 to
    double precision (log1p(1e-300) is 1e-300), and no NumPy warning on the way."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = lossctl.compute("msle", [1e-300], [1e300])
    assert math.isclose(value, (300 * math.log(10)) ** 2, rel_tol=1e-12)
