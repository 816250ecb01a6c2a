"""Tweedie deviances: the unit deviances of the Tweedie family of distributions, the losses
of generalized linear models (scikit-learn ``mean_tweedie_deviance``, ``mean_gamma_deviance``).

``power`` p picks the distribution: 0 normal (the squared error), 1 Poisson, 2 gamma, 3
inverse Gaussian; 1 < p < 2 compound Poisson-gamma; there is none for 0 < p < 1. For p
outside {0, 1, 2} the deviance is ``2 mu^(2-p) h(y / mu)`` with
``h(t) = ((1 + u)^a - 1 - a u) / ((1 - p)(2 - p))``, ``a = 2 - p``, ``u = t - 1``: written
this way the three terms of the textbook form, which cancel when y is close to mu, become one
excess of a power over its tangent, summed from its binomial series where |u| <= 1/4, and from
t itself far below 1 (see ``_excess``): every deviance within a few eps of the exact one.
"""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import ParameterError
from lossctl.losses.params import Param
from lossctl.losses.regression import poisson_deviance, squared_error
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import REGRESSION

_NEAR = 0.25  # |u| up to which the excess is summed from its series
_TERMS = 32  # terms u^2 .. u^33: at |u| = 1/4 the rest is below 1e-19 of the sum
_ATANH_TERMS = 11  # terms s^3 .. s^23 of atanh(s) - s: at |s| = 1/7 the rest is below 1e-19 of the sum


def tweedie_deviance(batch: Batch, *, power: float) -> np.ndarray:
    """The unit Tweedie deviance of power ``power`` (scikit-learn's domains: for p < 0 any
    y and mu > 0, for 1 <= p < 2 y >= 0 and mu > 0, for p >= 2 y > 0 and mu > 0)."""
    if 0.0 < power < 1.0:
        raise ParameterError(f"tweedie-deviance: no Tweedie distribution has power {power:g} (0 < p < 1)")
    if power == 0.0:
        return squared_error(batch)
    if power == 1.0:
        return poisson_deviance(batch)
    if power == 2.0:
        return gamma_deviance(batch)
    mu = batch.require_at_least("y_pred", 0.0, strict=True, why="is not positive: tweedie needs predictions > 0")
    if power < 0.0:  # y may be any real: scikit-learn's form, with max(y, 0), where y <= 0
        y = batch.vector("y_true")
        a = 2.0 - power
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            out = 2.0 * (
                np.maximum(y, 0.0) ** a / ((1.0 - power) * a) - y * mu ** (1.0 - power) / (1.0 - power) + mu**a / a
            )
            positive = y > 0.0
            if positive.any():
                m = mu[positive]
                out[positive] = 2.0 * m**a * _excess(y[positive], m, a) / ((1.0 - power) * a)
        return out
    strict = power >= 2.0
    why = f"is {'not positive' if strict else 'negative'}: tweedie with power {power:g} needs targets {'>' if strict else '>='} 0"
    y = batch.require_at_least("y_true", 0.0, strict=strict, why=why)
    a = 2.0 - power
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return 2.0 * mu**a * _excess(y, mu, a) / ((1.0 - power) * a)


def gamma_deviance(batch: Batch) -> np.ndarray:
    """``2 (y / mu - 1 - log(y / mu))`` = ``2 (u - log1p(u))``, ``u = (y - mu) / mu``; y, mu > 0."""
    y = batch.require_at_least("y_true", 0.0, strict=True, why="is not positive: gamma deviance needs targets > 0")
    mu = batch.require_at_least("y_pred", 0.0, strict=True, why="is not positive: gamma deviance needs predictions > 0")
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return 2.0 * _excess_log(y, mu)


def _excess(y: np.ndarray, mu: np.ndarray, a: float) -> np.ndarray:
    """``t^a - 1 - a (t - 1)`` with ``t = y / mu`` (>= 0, 0 at t = 1), in three regions: far
    below (t < 3/4) from t itself, ``t^a - a t + (a - 1)``, whose terms do not cancel there;
    near (|t - 1| <= 1/4) from ``u = (y - mu) / mu`` (y - mu is exact near mu) by the binomial
    series ``sum_k C(a, k) u^k``, k >= 2; far above from u, as ``expm1(a log1p(u)) - a u``."""
    u = (y - mu) / mu
    out = np.expm1(a * np.log1p(u)) - a * u
    below = u < -_NEAR
    if below.any():
        t = y[below] / mu[below]
        out[below] = t**a - a * t + (a - 1.0)
    near = np.abs(u) <= _NEAR
    if near.any():
        v = u[near]
        coefficients = [1.0, a]
        for k in range(2, _TERMS + 2):
            coefficients.append(coefficients[-1] * (a - k + 1) / k)
        total = np.zeros_like(v)
        for c in reversed(coefficients[2:]):  # Horner: sum_k c_k v^k = v^2 (c_2 + v (c_3 + ...))
            total = total * v + c
        out[near] = total * v * v
    return out


def _excess_log(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """``t - 1 - log t`` with ``t = y / mu`` (> 0), in two regions. Near t = 1 (|u| <= 1/4,
    ``u = (y - mu) / mu``) the two terms cancel, so it is ``u s - 2 (atanh s - s)`` with
    ``s = u / (2 + u)`` (as ``log1p(u) = 2 atanh(s)`` and ``u - 2 s = u s``), from the odd
    series of atanh, whose terms do not cancel (``|s| <= 1/7``). Elsewhere it is
    ``(t - 1) - log t``, whose error from the rounding of t, ``eps |t - 1| / 2``, is at most
    4.7 eps of the value at the edges (t = 5/4) and less beyond: a few eps everywhere
    (measured 6 against mpmath, where the old form had 3 just above t = 5/4).

    Both forms are evaluated on every row and ``np.where`` picks: selecting the near rows
    first (a gather and a scatter on a mask that changes from row to row) cost as much as
    the rest together."""
    t = y / mu
    out = t - 1.0
    out -= np.log(t)
    u = (y - mu) / mu
    near = np.abs(u) <= _NEAR
    if not near.any():
        return out
    s = u / (u + 2.0)
    w = s * s
    series = np.full_like(w, 1.0 / (2 * _ATANH_TERMS + 1))
    for k in range(_ATANH_TERMS - 1, 0, -1):  # Horner: atanh(s) - s = s^3 sum_k w^(k-1) / (2k + 1)
        series *= w
        series += 1.0 / (2 * k + 1)
    series *= w
    series *= -2.0 * s
    series += u * s
    return np.where(near, series, out)


_PEERS = "sklearn.metrics.mean_tweedie_deviance"

SPECS = (
    LossSpec(
        name="tweedie-deviance",
        aliases=("tweedie",),
        family="regression",
        summary="Mean Tweedie deviance of a GLM's predicted means (power 0 normal, 1 Poisson, 2 gamma).",
        formula="2 (max(y,0)^(2-p) / ((1-p)(2-p)) - y mu^(1-p) / (1-p) + mu^(2-p) / (2-p))",
        latex=(
            r"\frac{1}{n}\sum_i 2\left(\frac{\max(y_i,0)^{2-p}}{(1-p)(2-p)} - "
            r"\frac{y_i\mu_i^{1-p}}{1-p} + \frac{\mu_i^{2-p}}{2-p}\right)"
        ),
        reference="Jorgensen (1987), Exponential Dispersion Models, JRSS B 49(2); scikit-learn mean_tweedie_deviance",
        tasks=(REGRESSION,),
        per_sample=tweedie_deviance,
        params=(Param("power", 0.0, "the Tweedie power p: 0, 1, 2, 3, or in (1, 2); not in (0, 1)"),),
        conventions=(
            "scikit-learn's power and domains; p = 0 is the squared error, p = 1 the Poisson deviance, "
            "p = 2 the gamma deviance (each computed as that loss is)."
        ),
        peers=_PEERS,
        properties="a proper scoring rule for the mean; scale-dependent unless p = 2",
    ),
    LossSpec(
        name="gamma-deviance",
        aliases=("mean-gamma-deviance",),
        family="regression",
        summary="Mean gamma deviance: relative errors, for positive targets.",
        formula="2 (y / mu - 1 - log(y / mu))",
        latex=r"\frac{1}{n}\sum_i 2\left(\frac{y_i}{\mu_i} - 1 - \log\frac{y_i}{\mu_i}\right)",
        reference="McCullagh & Nelder (1989), Generalized Linear Models; scikit-learn mean_gamma_deviance",
        tasks=(REGRESSION,),
        per_sample=gamma_deviance,
        conventions="tweedie-deviance with power 2; targets and predictions must be > 0.",
        peers="sklearn.metrics.mean_gamma_deviance",
        properties="scale-free: depends on y / mu only",
    ),
)
