"""The log-probabilities of binary logits against mpmath at 50 digits, from the same float64
logits: within 2 eps relative wherever the true value is a normal float64, and the logits
untouched."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import lossctl
from lossctl.losses.logits import log_sigmoids

from ._support import rng_for

mpmath.mp.dps = 50
EPS = np.finfo(np.float64).eps
TINY = np.finfo(np.float64).tiny


def log_sigmoid_truth(z: float) -> mpmath.mpf:
    """``log sigmoid(z) = -log(1 + e^-z)``."""
    return -mpmath.log1p(mpmath.exp(-mpmath.mpf(z)))


def logits() -> np.ndarray:
    rng = rng_for("log_sigmoids")
    signs = np.where(rng.random(600) < 0.5, -1.0, 1.0)
    return np.concatenate(
        [
            signs * 10.0 ** rng.uniform(-300.0, 2.9, 600),  # every magnitude up to 800
            rng.normal(0.0, 5.0, 400),
            [0.0, -0.0, 1e-20, 36.7, -36.7, 709.0, -709.0, 745.0, -745.0, 1e308, -1e308],
        ]
    )


@pytest.mark.parametrize("side", ["positive", "negative"])
def test_log_sigmoids_against_mpmath(side):
    z = logits()
    kept = z.copy()
    positive, negative = log_sigmoids(z)
    np.testing.assert_array_equal(z, kept)
    values, signed = (positive, z) if side == "positive" else (negative, -z)
    for x, value in zip(signed.tolist(), values.tolist(), strict=True):
        truth = log_sigmoid_truth(x)
        if abs(truth) < TINY:  # the softplus term underflows: nothing normal to compare to
            assert abs(value) < TINY, (x, value)
            continue
        assert abs((mpmath.mpf(value) - truth) / truth) <= 2 * EPS, (x, value, truth)


@pytest.mark.parametrize("scale", [1.0, 30.0, 1000.0])
def test_cross_entropy_of_labels_is_the_log_probability_bit_for_bit(scale):
    # From logits, -log p_y is taken as (m - z_y) + log sum e^(z - m) without the matrix of
    # log-probabilities: rounding is symmetric, so it is the same float as -((z_y - m) - log sum).
    rng = rng_for("cross-entropy", scale)
    z = rng.normal(0.0, scale, (500, 7))
    y = rng.integers(0, 7, 500)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -log_p[np.arange(500), y]
    terms = lossctl.per_sample("cross-entropy", y.astype(float), z, from_logits=True)
    np.testing.assert_array_equal(terms, expected)
    weights = [0.5, 1.0, 2.0, 0.0, 1.5, 3.0, 1.0]
    weighted = lossctl.per_sample("cross-entropy", y.astype(float), z, from_logits=True, class_weights=weights)
    np.testing.assert_array_equal(weighted, np.array(weights)[y] * expected)
