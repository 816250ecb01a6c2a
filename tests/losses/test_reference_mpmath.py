"""Per-sample accuracy, against mpmath at 650 digits, of the losses whose formulas are there to
avoid cancellation: log-cosh, the Poisson deviance and the squared log error.

650 digits carry ``log cosh r ~ r^2 / 2`` down to the smallest normal float64 and every
cancellation below. Bounds are in units of eps = 2^-52, and each one names what it allows:
- log-cosh: 4 eps wherever the loss is a normal float64 (|r| > 2^-510);
- Poisson deviance, with d = y / mu - 1: 4 eps where the series applies (|d| < 1e-3), and
  16 eps / |d| beyond, where the terms of ``y log1p(d) - (y - mu)`` cancel down to about
  ``mu d^2 / 2`` (a relative error of at most 1.6e-11 at |d| = 1e-3);
- squared log error: 8 eps (a difference of logs by one log1p, then squared).
"""

from __future__ import annotations

import mpmath
import numpy as np

import lossctl

from ._support import rng_for

EPS = 2.0**-52
DIGITS = 650


def signed_magnitudes(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """``n`` values of log-uniform magnitude in [10^low, 10^high], of either sign."""
    return 10.0 ** rng.uniform(low, high, n) * rng.choice([-1.0, 1.0], n)


def relative_errors(actual: np.ndarray, exact: list) -> np.ndarray:
    """``|actual - exact| / |exact|``, the difference taken in mpmath (no rounding of it)."""
    return np.array([float(abs(mpmath.mpf(a) - e) / abs(e)) for a, e in zip(actual, exact, strict=True)])


def test_log_cosh_is_accurate_across_magnitudes():
    rng = rng_for("log-cosh", "mpmath")
    r = np.concatenate([signed_magnitudes(rng, -150, 3, 400), signed_magnitudes(rng, -3, 1.6, 400), [30.0, -30.0]])
    actual = lossctl.per_sample("log-cosh", r, np.zeros_like(r))
    with mpmath.workdps(DIGITS):
        exact = [mpmath.log(mpmath.cosh(mpmath.mpf(x))) for x in r]
        errors = relative_errors(actual, exact)
    assert errors.max() <= 4 * EPS, r[np.argmax(errors)]


def poisson_deviance(y: float, mu: float) -> mpmath.mpf:
    y, mu = mpmath.mpf(y), mpmath.mpf(mu)
    y_log = y * mpmath.log(y / mu) if y else mpmath.mpf(0)  # 0 log 0 = 0
    return 2 * (y_log - y + mu)


def test_poisson_deviance_is_accurate_near_and_far_from_the_prediction():
    rng = rng_for("poisson", "mpmath")
    mu = 10.0 ** rng.uniform(-3, 3, 800)
    d = np.concatenate([signed_magnitudes(rng, -9, -0.5, 500), rng.uniform(-1.0, 5.0, 300)])
    y = mu * (1.0 + d)
    y[:10] = 0.0
    actual = lossctl.per_sample("poisson", y, mu)
    with mpmath.workdps(DIGITS):
        exact = [poisson_deviance(a, b) for a, b in zip(y, mu, strict=True)]
        errors = relative_errors(actual, exact)
        d_exact = np.array([float(abs(mpmath.mpf(a) / mpmath.mpf(b) - 1)) for a, b in zip(y, mu, strict=True)])
    bound = np.where(d_exact < 1e-3, 4 * EPS, 16 * EPS / np.maximum(d_exact, 1e-3))
    assert (errors <= bound).all(), (y[np.argmax(errors / bound)], mu[np.argmax(errors / bound)])


def test_squared_log_error_is_accurate_near_and_far_from_the_prediction():
    rng = rng_for("msle", "mpmath")
    p = 10.0 ** rng.uniform(-6, 6, 600)
    y = np.concatenate([p[:300] * (1.0 + signed_magnitudes(rng, -12, -1, 300)), 10.0 ** rng.uniform(-6, 6, 300)])
    actual = lossctl.per_sample("msle", y, p)
    with mpmath.workdps(DIGITS):
        exact = [(mpmath.log1p(mpmath.mpf(a)) - mpmath.log1p(mpmath.mpf(b))) ** 2 for a, b in zip(y, p, strict=True)]
        errors = relative_errors(actual, exact)
    assert errors.max() <= 8 * EPS, (y[np.argmax(errors)], p[np.argmax(errors)])
