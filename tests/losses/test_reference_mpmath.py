"""Per-sample accuracy, against mpmath at 650 digits, of the losses whose formulas are there to
avoid cancellation: log-cosh, the Poisson deviance, the squared log error, pseudo-Huber,
distillation and the Tweedie deviances.

650 digits carry ``log cosh r ~ r^2 / 2`` down to the smallest normal float64 and every
cancellation below. Bounds are in units of eps = 2^-52, and each one names what it allows:
- log-cosh: 4 eps wherever the loss is a normal float64 (|r| > 2^-510);
- Poisson deviance, with d = y / mu - 1: 4 eps where the series applies (|d| < 1e-3), and
  16 eps / |d| beyond, where the terms of ``y log1p(d) - (y - mu)`` cancel down to about
  ``mu d^2 / 2`` (a relative error of at most 3.6e-12 at |d| = 1e-3); 4 eps where y / mu is
  below eps or beyond the float64 range;
- squared log error: 8 eps (a difference of logs, then squared).
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

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


@pytest.mark.parametrize("largest", [30.0, 1000.0], ids=["no residual beyond 30", "residuals beyond 30"])
def test_log_cosh_is_accurate_across_magnitudes(largest):
    """A batch whose residuals all lie within 30 is not clipped; one with larger ones is."""
    rng = rng_for("log-cosh", "mpmath", largest)
    r = np.concatenate([signed_magnitudes(rng, -150, np.log10(largest), 400), signed_magnitudes(rng, -3, 1.4, 400)])
    r = np.concatenate([np.clip(r, -largest, largest), [largest, -largest]])
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


@pytest.mark.parametrize(
    ("y", "mu"),
    [
        (1.1082777007957999e-16, 1.086814872214894),  # y - mu rounds to -mu
        (1e-300, 1e10),  # y / mu is subnormal
        (5e-324, 1e300),  # y / mu underflows to 0
        (0.0, 5e-324),
        (1.0, 5e-324),  # y / mu overflows
        (1e300, 1e-10),
        (3.0, 1e-300),
    ],
)
def test_poisson_deviance_where_y_over_mu_leaves_float64(y, mu):
    with mpmath.workdps(DIGITS):
        error = relative_errors(lossctl.per_sample("poisson", [y], [mu]), [poisson_deviance(y, mu)])
    assert error[0] <= 4 * EPS


def test_squared_log_error_is_accurate_near_and_far_from_the_prediction():
    rng = rng_for("msle", "mpmath")
    p = 10.0 ** rng.uniform(-6, 6, 600)
    y = np.concatenate([p[:300] * (1.0 + signed_magnitudes(rng, -12, -1, 300)), 10.0 ** rng.uniform(-6, 6, 300)])
    actual = lossctl.per_sample("msle", y, p)
    with mpmath.workdps(DIGITS):
        exact = [(mpmath.log1p(mpmath.mpf(a)) - mpmath.log1p(mpmath.mpf(b))) ** 2 for a, b in zip(y, p, strict=True)]
        errors = relative_errors(actual, exact)
    assert errors.max() <= 8 * EPS, (y[np.argmax(errors)], p[np.argmax(errors)])


@pytest.mark.parametrize("largest", [140, 160], ids=["root of 1 + x^2", "hypot past 1e150"])
@pytest.mark.parametrize("delta", [1e-3, 1.0, 250.0])
def test_pseudo_huber_is_accurate_across_magnitudes(delta, largest):
    # delta^2 (sqrt(1 + (r/delta)^2) - 1): the direct form cancels to 0 for |r| << delta and
    # overflows (r/delta)^2 for |r| >> delta; 8 eps covers a root, a division and 3 products.
    # Residuals up to 1e140 keep x = |r| / delta below 1e150 (x^2 finite); up to 1e160, not.
    rng = rng_for("pseudo-huber", "mpmath", delta, largest)
    r = signed_magnitudes(rng, -150, largest, 400)
    actual = lossctl.per_sample("pseudo-huber", np.zeros_like(r), r, delta=delta)
    with mpmath.workdps(DIGITS):
        d = mpmath.mpf(delta)
        exact = [d * d * (mpmath.sqrt(1 + (mpmath.mpf(x) / d) ** 2) - 1) for x in r]
        errors = relative_errors(actual, exact)
    assert errors.max() <= 8 * EPS, r[np.argmax(errors)]


def test_distillation_is_accurate_for_near_and_far_logits():
    # Student logits 1e-9 .. 10 away from the teacher's: KL is about T^2 Var_q(dz / T) / 2 when
    # near (down to 1e-19), which the direct sum q (log q - log p) loses to cancellation.
    # lossctl sums non-negative terms q (expm1(x) - x) of x = d - E_q[d], d = (s - t) / T: the
    # difference s - t is exact (Sterbenz) or within an ulp, the division adds one rounding, an
    # error in E_q[d] enters to second order, so 8 eps bounds what remains.
    rng = rng_for("distillation", "mpmath")
    teacher = rng.normal(0.0, 2.0, (80, 4))
    gap = 10.0 ** rng.uniform(-9, 1, (80, 1)) * rng.normal(0.0, 1.0, (80, 4))
    student = teacher + gap
    for temperature in (1.0, 3.0):
        actual = lossctl.per_sample("distillation", teacher, student, temperature=temperature)
        with mpmath.workdps(60):
            exact = []
            for t_row, s_row in zip(teacher, student, strict=True):
                t = [mpmath.mpf(float(v)) / temperature for v in t_row]
                s = [mpmath.mpf(float(v)) / temperature for v in s_row]
                log_q = [v - mpmath.log(mpmath.fsum(mpmath.exp(w) for w in t)) for v in t]
                log_p = [v - mpmath.log(mpmath.fsum(mpmath.exp(w) for w in s)) for v in s]
                kl = mpmath.fsum(mpmath.exp(a) * (a - b) for a, b in zip(log_q, log_p, strict=True))
                exact.append(temperature**2 * kl)
            errors = relative_errors(actual, exact)
        assert errors.max() <= 8 * EPS, temperature


@pytest.mark.parametrize(
    ("loss", "params"),
    [
        ("gamma-deviance", {}),
        ("tweedie-deviance", {"power": 1.5}),
        ("tweedie-deviance", {"power": 3.0}),
        ("tweedie-deviance", {"power": -0.5}),
    ],
)
def test_deviances_are_accurate_near_and_far_from_the_prediction(loss, params):
    # The three terms of the textbook Tweedie deviance cancel down to about mu^(2-p) u^2 / 2 when
    # y is near mu (u = y / mu - 1); lossctl sums the excess of (1 + u)^a over its tangent from
    # its series there. 16 eps covers the division into u, the powers and the products.
    rng = rng_for(loss, "mpmath", params.get("power", 2.0))
    mu = 10.0 ** rng.uniform(-3, 3, 300)
    y = np.concatenate([mu[:150] * (1.0 + signed_magnitudes(rng, -12, -1, 150)), 10.0 ** rng.uniform(-3, 3, 150)])
    actual = lossctl.per_sample(loss, y, mu, **params)
    p = mpmath.mpf(params.get("power", 2.0))
    with mpmath.workdps(DIGITS):
        exact = []
        for a, b in zip(y, mu, strict=True):
            ya, mb = mpmath.mpf(a), mpmath.mpf(b)
            if p == 2:
                exact.append(2 * (ya / mb - 1 - mpmath.log(ya / mb)))
            else:
                exact.append(
                    2 * (ya ** (2 - p) / ((1 - p) * (2 - p)) - ya * mb ** (1 - p) / (1 - p) + mb ** (2 - p) / (2 - p))
                )
        errors = relative_errors(actual, exact)
    assert errors.max() <= 16 * EPS, (y[np.argmax(errors)], mu[np.argmax(errors)])


def test_gamma_deviance_is_accurate_at_the_edges_of_its_series():
    # t = y / mu: the series of atanh takes |t - 1| <= 1/4, (t - 1) - log t the rest. Rows on
    # both sides of each edge (t = 3/4, 5/4), far below (down to t = 1e-12) and far above
    # (t = 1e6), at three scales of mu: 8 eps, as for a difference of two rounded terms whose
    # sum the slope 1 - 1/t keeps within a few eps of their value.
    rng = rng_for("gamma-deviance", "edges")
    edges = np.array([0.75, 1.25])
    ratio = np.concatenate(
        [
            (edges[:, None] * (1.0 + np.linspace(-1e-3, 1e-3, 41))).ravel(),
            rng.uniform(0.5, 2.0, 100),
            10.0 ** rng.uniform(-12, 6, 60),
        ]
    )
    mu = np.repeat([3e-5, 1.7, 7e10], len(ratio))
    y = mu * np.tile(ratio, 3)
    actual = lossctl.per_sample("gamma-deviance", y, mu)
    with mpmath.workdps(60):
        ratios = [mpmath.mpf(a) / mpmath.mpf(b) for a, b in zip(y, mu, strict=True)]
        exact = [2 * (t - 1 - mpmath.log(t)) for t in ratios]
        errors = relative_errors(actual, exact)
    assert errors.max() <= 8 * EPS, (y[np.argmax(errors)], mu[np.argmax(errors)])


def test_a_pseudo_huber_term_does_not_depend_on_its_batch():
    # The root is sqrt(1 + x^2) below x = 1e150 and hypot(1, x) beyond, row by row: the same
    # rows beside a residual of 1e160 keep their values, bit for bit.
    r = signed_magnitudes(rng_for("pseudo-huber", "batch"), -8, 8, 1000)
    alone = lossctl.per_sample("pseudo-huber", np.zeros_like(r), r)
    beside = lossctl.per_sample("pseudo-huber", np.zeros(len(r) + 1), np.append(r, 1e160))
    assert np.array_equal(alone, beside[:-1])
