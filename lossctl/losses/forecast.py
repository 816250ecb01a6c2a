"""Scores of probabilistic and interval forecasts of a real target: the interval score and the
coverage of a (lower, upper) pair, the CRPS of a Gaussian forecast and of an ensemble, and the
Gaussian negative log-likelihood of a mean and a variance.

Each is a (weighted) mean of per-row terms, so it streams, merges and has intervals (--ci) as
every mean does. References: Gneiting & Raftery (2007), Strictly proper scoring rules,
prediction, and estimation, JASA 102(477) (the interval score, 6.2; the CRPS and its Gaussian
closed form, 4.2); Ferro (2014), Fair scores for ensemble forecasts, QJRMS 140 (the fair
ensemble CRPS); PyTorch ``GaussianNLLLoss``.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.components import ComponentMeans
from lossctl.losses.errors import InputDomainError
from lossctl.losses.params import BOOL, NON_NEGATIVE, UNIT, VECTOR, Interval, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import FORECAST

INTERVAL_ROLES = (("y_true", "lower", "upper"),)
_ERF = np.frompyfunc(math.erf, 1, 1)
_SQRT_PI = math.sqrt(math.pi)


def _interval(batch: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(y, lower, upper)``, every lower bound at most its upper bound."""
    lower, upper = batch.vector("lower"), batch.vector("upper")
    crossed = lower > upper
    if crossed.any():
        i = int(np.argmax(crossed))
        raise InputDomainError(f"lower bound {lower[i]:g} is above the upper bound {upper[i]:g}", role="lower", index=i)
    return batch.vector("y_true"), lower, upper


def interval_score(batch: Batch, *, alpha: float) -> np.ndarray:
    """``(u - l) + (2 / alpha) (l - y) [y < l] + (2 / alpha) (y - u) [y > u]``: the width of
    the central (1 - alpha) interval plus a penalty for each miss (Gneiting & Raftery 2007,
    eq. 43; Winkler 1972)."""
    y, lower, upper = _interval(batch)
    below = np.maximum(lower - y, 0.0)
    above = np.maximum(y - upper, 0.0)
    return (upper - lower) + (2.0 / alpha) * (below + above)


def covered(batch: Batch) -> np.ndarray:
    """1 where ``lower <= y <= upper``, else 0."""
    y, lower, upper = _interval(batch)
    return ((lower <= y) & (y <= upper)).astype(np.float64)


def _positive(batch: Batch, role: str, what: str) -> np.ndarray:
    return batch.require_at_least(role, 0.0, strict=True, why=f"is not positive: a {what} is > 0")


def crps_gaussian(batch: Batch) -> np.ndarray:
    """``sigma (z erf(z / sqrt 2) + 2 phi(z) - 1 / sqrt(pi))`` with ``z = (y - mu) / sigma``:
    the closed form of ``integral (F(x) - [x >= y])^2 dx`` for ``F = N(mu, sigma^2)``
    (Gneiting & Raftery 2007, 4.2; ``z (2 Phi(z) - 1) = z erf(z / sqrt 2)``). Every term is
    non-negative but the constant, which the others exceed: no cancellation."""
    sigma = _positive(batch, "scale", "standard deviation")
    z = (batch.vector("y_true") - batch.vector("y_pred")) / sigma
    erf = _ERF(z / math.sqrt(2.0)).astype(np.float64)
    density = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return sigma * (z * erf + 2.0 * density - 1.0 / _SQRT_PI)


def _members(batch: Batch) -> np.ndarray:
    members = batch.get("members")
    return members.reshape(-1, 1) if members.ndim == 1 else members


def crps_ensemble(batch: Batch, *, fair: bool) -> np.ndarray:
    """``mean_i |x_i - y| - sum_ij |x_i - x_j| / (2 m^2)`` over the m members x (the CRPS of
    the ensemble's empirical distribution), or with ``fair`` the denominator ``2 m (m - 1)``
    (Ferro 2014: the expected score of a member drawn like the others). The pairwise sum is
    ``2 sum_i (2i - m - 1) x_(i)`` over the members sorted, in ``O(m log m)``, summed member by
    member in that order: a matrix product (BLAS) picks its order of the sums by the array's
    size and its alignment in memory, so a row's value could depend on the rows beside it."""
    x = np.sort(np.ascontiguousarray(_members(batch)), axis=1)  # one layout, one order of the sums
    m = x.shape[1]
    if fair and m < 2:
        raise InputDomainError("the fair CRPS needs at least two members", role="members")
    spread = np.zeros(len(x))
    for i in range(m):
        spread += (2.0 * (i + 1) - m - 1.0) * x[:, i]
    spread *= 2.0
    error = np.abs(x - batch.vector("y_true")[:, None]).mean(axis=1)
    return error - spread / (2.0 * m * (m - 1 if fair else m))


def quantile_terms(batch: Batch, *, levels: tuple[float, ...] | None) -> tuple[tuple[str, ...], np.ndarray]:
    """``max(q_k r_k, (q_k - 1) r_k)`` with ``r_k = y - x_k``: the pinball loss of each
    quantile column ``x_k`` at its level ``q_k``, a column per level, named by its level."""
    x = batch.get("quantiles")
    x = x.reshape(-1, 1) if x.ndim == 1 else x
    if levels is None:
        raise InputDomainError("the quantile levels are not known: name them, levels=[0.1,0.5,0.9]", role="quantiles")
    if len(levels) != x.shape[1]:
        raise InputDomainError(f"{x.shape[1]} quantile columns but {len(levels)} levels", role="quantiles")
    q = np.asarray(levels)
    r = batch.vector("y_true")[:, None] - x
    return tuple(f"{level:g}" for level in levels), np.maximum(q * r, (q - 1.0) * r)


def quantile_set(batch: Batch, *, levels: tuple[float, ...] | None) -> np.ndarray:
    """``mean_k max(q_k r_k, (q_k - 1) r_k)``: the pinball losses of the quantile columns
    averaged over the levels (the mean of scikit-learn's ``mean_pinball_loss`` of each)."""
    return quantile_terms(batch, levels=levels)[1].mean(axis=1)


def _quantile_state(spec: LossSpec, params: dict[str, Any]) -> ComponentMeans:
    """The mean over the levels, and each level's mean pinball loss beside it."""
    return ComponentMeans(partial(quantile_terms, **params))


def gaussian_nll(batch: Batch, *, full: bool, eps: float) -> np.ndarray:
    """``0.5 (log v + (y - mu)^2 / v)`` with ``v = max(variance, eps)``, plus ``0.5 log 2 pi``
    with ``full`` (PyTorch ``GaussianNLLLoss``: the variance clamped at eps)."""
    if eps > 0.0:
        variance = batch.require_at_least("variance", 0.0, why="is negative: a variance is >= 0")
    else:  # no clamp: a variance of 0 has no likelihood
        variance = batch.require_at_least("variance", 0.0, strict=True, why="is not positive: eps=0 clamps nothing")
    v = np.maximum(variance, eps)
    r = batch.vector("y_true") - batch.vector("y_pred")
    out = 0.5 * (np.log(v) + r * r / v)
    return out + 0.5 * math.log(2.0 * math.pi) if full else out


_ALPHA = Param(
    "alpha",
    0.05,
    "the interval is the central (1 - alpha) one: 0.05 for a 95% interval",
    domain=Interval(0.0, 1.0, low_open=True, high_open=True),
)

SPECS = (
    LossSpec(
        name="interval-score",
        aliases=("winkler-score",),
        family="forecast",
        summary="Width of a (1 - alpha) prediction interval plus 2/alpha times each miss.",
        formula="(u - l) + (2/alpha) (l - y) [y < l] + (2/alpha) (y - u) [y > u]",
        latex=r"(u - l) + \tfrac{2}{\alpha}(l - y)\mathbb{1}[y < l] + \tfrac{2}{\alpha}(y - u)\mathbb{1}[y > u]",
        reference="Gneiting & Raftery (2007), JASA 102(477), eq. 43; Winkler (1972)",
        tasks=(FORECAST,),
        per_sample=interval_score,
        params=(_ALPHA,),
        roles=INTERVAL_ROLES,
        conventions="The columns lower and upper are the interval's ends; alpha is its nominal miss rate.",
        peers="scoringrules.interval_score(obs, lower, upper, alpha)",
        properties="proper for the alpha/2 and 1 - alpha/2 quantiles; in the units of y",
    ),
    LossSpec(
        name="coverage",
        aliases=("interval-coverage",),
        family="forecast",
        summary="Share of targets inside their (lower, upper) interval; compare it with the nominal 1 - alpha.",
        formula="mean [l <= y <= u]",
        latex=r"\frac{1}{n}\sum_i \mathbb{1}[l_i \le y_i \le u_i]",
        reference="Gneiting, Balabdaoui & Raftery (2007), Probabilistic forecasts, calibration and sharpness",
        tasks=(FORECAST,),
        per_sample=covered,
        roles=INTERVAL_ROLES,
        conventions="Both ends count as inside. Neither higher nor lower is better: the nominal level is.",
        peers="the empirical coverage of any prediction-interval library",
        properties="in [0, 1]; not a loss: no best is marked",
        higher_is_better=None,
    ),
    LossSpec(
        name="crps-gaussian",
        aliases=("crps-normal",),
        family="forecast",
        summary="Continuous ranked probability score of a Gaussian forecast N(mean, std^2).",
        formula="sigma (z erf(z/sqrt 2) + 2 phi(z) - 1/sqrt(pi)), z = (y - mu)/sigma",
        latex=r"\sigma\left(z(2\Phi(z) - 1) + 2\varphi(z) - \tfrac{1}{\sqrt\pi}\right)",
        reference="Gneiting & Raftery (2007), JASA 102(477), 4.2",
        tasks=(FORECAST,),
        per_sample=crps_gaussian,
        roles=(("y_true", "y_pred", "scale"),),
        conventions="y_pred is the mean, the scale column the standard deviation (> 0).",
        peers="properscoring.crps_gaussian; scoringrules.crps_normal",
        properties="proper; in the units of y; the MAE of a point forecast when the std tends to 0",
    ),
    LossSpec(
        name="crps-ensemble",
        aliases=("crps",),
        family="forecast",
        summary="CRPS of an ensemble forecast (member columns): the standard or the fair estimator.",
        formula="mean_i |x_i - y| - sum_ij |x_i - x_j| / (2 m^2)   (fair: 2 m (m - 1))",
        latex=r"\frac{1}{m}\sum_i |x_i - y| - \frac{1}{2m^2}\sum_{i,j} |x_i - x_j|",
        reference="Gneiting & Raftery (2007), eq. 21; Ferro (2014), QJRMS 140 (the fair CRPS)",
        tasks=(FORECAST,),
        per_sample=crps_ensemble,
        params=(Param("fair", False, "the fair estimator: divide the spread by 2 m (m - 1)", kind=BOOL),),
        roles=(("y_true", "members"),),
        conventions="The members are columns member_1, member_2, ... (or ens_*, sample_*).",
        peers="properscoring.crps_ensemble (standard); scoringrules.crps_ensemble (estimator='fair' with fair=true)",
        properties="proper; the fair estimator is unbiased for the CRPS of the distribution the members come from",
        lowest=-math.inf,  # the fair estimator can be negative for a small ensemble
    ),
    LossSpec(
        name="quantile-set",
        aliases=("multi-quantile", "pinball-set"),
        family="forecast",
        summary="Pinball loss of several quantile columns (q_0.1, q_0.5, q_0.9), averaged over the levels.",
        formula="mean_k max(q_k r_k, (q_k - 1) r_k), r_k = y - x_k",
        latex=r"\frac{1}{K}\sum_k \max(q_k r_k, (q_k - 1) r_k)",
        reference="Koenker & Bassett (1978); Gneiting & Raftery (2007), eq. 40 (the quantile score)",
        tasks=(FORECAST,),
        per_sample=quantile_set,
        make_state=_quantile_state,
        params=(
            Param(
                "levels",
                None,
                "the level of each quantile column, in column order; read from names like q_0.1 when not given",
                kind=VECTOR,
                domain=UNIT,
            ),
        ),
        roles=(("y_true", "quantiles"),),
        conventions=(
            "Columns q_0.1, q_0.5, q_0.9 (or quantile_0.1, ...; q_10 is the level 0.10) are found by name, "
            "or named with --quantiles 'q_*' and levels=[...]; the value is the mean over the levels of "
            "scikit-learn's mean_pinball_loss of each column, which quantile:quantile=LEVEL --y-pred COLUMN gives "
            "one at a time."
        ),
        peers="mean over k of sklearn.metrics.mean_pinball_loss(y, x_k, alpha=q_k)",
        properties="proper for the quantiles at their levels; in the units of y",
    ),
    LossSpec(
        name="gaussian-nll",
        aliases=("gaussian-nll-loss",),
        family="forecast",
        summary="Gaussian negative log-likelihood of a mean and a variance column.",
        formula="0.5 (log max(v, eps) + (y - mu)^2 / max(v, eps))  (+ 0.5 log 2 pi with full)",
        latex=r"\tfrac{1}{2}\left(\log v + \frac{(y - \mu)^2}{v}\right)",
        reference="PyTorch GaussianNLLLoss; Nix & Weigend (1994), Estimating the mean and variance of the target",
        tasks=(FORECAST,),
        per_sample=gaussian_nll,
        params=(
            Param("full", False, "add the constant 0.5 log(2 pi)", kind=BOOL),
            Param("eps", 1e-6, "the variance is clamped at eps, as PyTorch", domain=NON_NEGATIVE),
        ),
        roles=(("y_true", "y_pred", "variance"),),
        conventions="y_pred is the mean, the variance column the variance; PyTorch's defaults (full=False, eps=1e-6).",
        peers="torch.nn.GaussianNLLLoss(full, eps, reduction='mean')",
        properties="proper; unbounded below when the variance tends to 0 at an exact mean",
        lowest=-math.inf,  # a log-density's negative: below 0 where the variance is small
    ),
)
