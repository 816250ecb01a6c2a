"""Regression losses of a residual ``r = y_true - y_pred``.

Each function gives the per-sample loss; the registry's state averages it (weighted mean
``sum(w*l)/sum(w)``). The residual is computed once per batch and shared.
"""

from __future__ import annotations

import math

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.huber_profile import huber_sum, huber_terms
from lossctl.losses.params import NON_NEGATIVE, POSITIVE, UNIT, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import REGRESSION

_LOG_COSH_LINEAR = 30.0  # |r| beyond which log cosh r is |r| - log 2 in float64
_EPS = float(np.finfo(np.float64).eps)
_SQUARE_FITS = 1e150  # x below which x^2 is finite


def squared_error(batch: Batch) -> np.ndarray:
    """``r^2``, once per batch (MSE and RMSE share it)."""
    return batch.cached(("squared_error",), lambda: np.square(batch.residual()))


def absolute_error(batch: Batch) -> np.ndarray:
    """``|r|``."""
    return batch.abs_residual()


def huber(batch: Batch, *, delta: float) -> np.ndarray:
    """``0.5 r^2`` if ``|r| <= delta`` else ``delta (|r| - 0.5 delta)``.

    Computed branch-free as ``q (|r| - q/2)`` with ``q = min(|r|, delta)``, which is each
    branch exactly (optax ``huber_loss`` uses the same split into quadratic and linear parts).
    """
    return batch.cached(("huber", delta), lambda: huber_terms(batch.abs_residual(), delta))


def smooth_l1(batch: Batch, *, beta: float) -> np.ndarray:
    """``huber(beta) / beta``: ``0.5 r^2 / beta`` if ``|r| < beta`` else ``|r| - 0.5 beta``;
    ``beta = 0`` is the absolute error (PyTorch ``smooth_l1_loss``)."""
    if beta == 0.0:
        return batch.abs_residual()
    terms = huber(batch, delta=beta)
    return terms if beta == 1.0 else terms / beta


def pseudo_huber(batch: Batch, *, delta: float) -> np.ndarray:
    """``delta^2 (sqrt(1 + (r/delta)^2) - 1)`` (Charbonnier et al. 1994).

    Written ``delta^2 x (x / (sqrt(1 + x^2) + 1))`` with ``x = |r|/delta``: no cancellation
    for small x (the direct form rounds ``sqrt(1 + 1e-20) - 1`` to 0), and ``x / (sqrt + 1)``
    stays below 1. ``x^2`` overflows past 1e154, so the rows with x beyond ``_SQUARE_FITS``
    take the root as ``hypot(1, x)``, which NumPy computes element by element, ten times
    slower; the choice is each row's own, so a row's value does not depend on its batch.
    """
    x = batch.abs_residual() / delta
    with np.errstate(over="ignore"):
        root = np.multiply(x, x)
    root += 1.0
    np.sqrt(root, out=root)
    huge = x >= _SQUARE_FITS
    if huge.any():
        root[huge] = np.hypot(1.0, x[huge])
    root += 1.0
    return delta * delta * (x * np.divide(x, root, out=root))


def log_cosh(batch: Batch) -> np.ndarray:
    """``log(cosh(r))``, accurate to a few eps everywhere.

    ``cosh r = 1 + 2 sinh^2(r/2)``, which has no cancellation, so ``log cosh r =
    log1p(2 sinh^2(r/2))``. Past |r| = 30, ``log cosh r = |r| - log 2`` to within 1e-26
    relative, so in a batch with such residuals |r| is clipped at 30 and the excess added back:
    nothing overflows (``sinh^2(r/2)`` does past |r| = 710).
    """
    a = batch.abs_residual()
    clipped = np.minimum(a, _LOG_COSH_LINEAR) if a.max(initial=0.0) > _LOG_COSH_LINEAR else a
    half = np.multiply(clipped, 0.5)
    np.sinh(half, out=half)
    out = np.add(half, half)
    out *= half  # 2 sinh^2 rounded once, also where it is subnormal
    np.log1p(out, out=out)
    if clipped is not a:
        out += a - clipped
    return out


def expectile(batch: Batch, *, tau: float) -> np.ndarray:
    """``|tau - 1[r < 0]| r^2`` with ``r = y_true - y_pred`` (Newey & Powell 1987): the
    asymmetric squared error whose minimizer is the tau-expectile; tau = 0.5 is half the
    squared error."""
    r = batch.residual()
    return np.where(r < 0.0, 1.0 - tau, tau) * squared_error(batch)


def pinball(batch: Batch, *, quantile: float) -> np.ndarray:
    """``max(q r, (q - 1) r)`` with ``r = y_true - y_pred`` (scikit-learn ``mean_pinball_loss``):
    under-prediction costs ``q`` per unit, over-prediction ``1 - q``."""
    r = batch.residual()
    return np.maximum(quantile * r, (quantile - 1.0) * r)


def absolute_percentage_error(batch: Batch) -> np.ndarray:
    """``|r| / max(|y_true|, eps)``, eps the float64 machine epsilon, as a fraction (not a
    percentage), as scikit-learn ``mean_absolute_percentage_error``."""
    denominator = np.abs(batch.vector("y_true"))
    if denominator.min(initial=np.inf) < _EPS:
        np.maximum(denominator, _EPS, out=denominator)
    return batch.abs_residual() / denominator


def squared_log_error(batch: Batch) -> np.ndarray:
    """``(log1p(y_true) - log1p(y_pred))^2``; targets and predictions must be >= 0.

    The difference of logs is ``log1p(x)`` with ``x = (y - p) / (1 + p)``: no cancellation
    when y is close to p. Where ``x < -1/2`` (``1 + y < (1 + p) / 2``), ``1 + x`` would lose
    the digits that x rounds away near -1, so the difference is ``log((1 + y) / (1 + p))``,
    at least log 2 in size and accurate to a few eps, there.
    """
    y = batch.require_at_least("y_true", 0.0, why="is negative: the squared log error needs targets >= 0")
    p = batch.require_at_least("y_pred", 0.0, why="is negative: the squared log error needs predictions >= 0")
    one_plus_p = p + 1.0
    x = np.divide(batch.residual(), one_plus_p)
    far = x < -0.5
    with np.errstate(divide="ignore"):  # x = -1 (p >> y) is among the far rows, recomputed below
        out = np.log1p(x, out=x)
    if far.any():
        out[far] = np.log((y[far] + 1.0) / one_plus_p[far])
    out *= out
    return out


def poisson_deviance(batch: Batch) -> np.ndarray:
    """Unit Poisson deviance ``2 (y log(y / mu) - y + mu)`` with ``0 log 0 = 0``
    (scikit-learn ``mean_poisson_deviance``); ``y >= 0``, ``mu > 0``.

    With ``r = y - mu`` and ``d = r / mu``, ``y log(y / mu) - y + mu = y log1p(d) - r``, whose
    relative error is below about ``10 eps / |d|`` (the terms cancel down to ``mu d^2 / 2``); for
    |d| < 1e-3 it is ``mu g(d)``, g summed from its series ``sum_k (-d)^k / (k (k - 1))``,
    k >= 2, so that the relative accuracy stays full when the prediction is nearly exact.
    """
    y = batch.require_at_least("y_true", 0.0, why="is negative: poisson needs targets >= 0")
    mu = batch.require_at_least("y_pred", 0.0, strict=True, why="is not positive: poisson needs predictions > 0")
    r = batch.residual()
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        d = r / mu
        out = np.log1p(d)
        out *= y
    out -= r
    # Where d = -1 (y = 0, or y so far below mu that y - mu rounds to -mu) or d overflows (y / mu
    # beyond float64), log1p(d) is infinite and the deviance is not: there it is
    # y (log y - log mu) - r, with 0 log 0 = 0 and the logs apart (y / mu need not be a float64).
    if d.min(initial=0.0) == -1.0 or d.max(initial=0.0) == np.inf:
        edge = np.flatnonzero((d == -1.0) | (d == np.inf))
        y_edge = y[edge]
        out[edge] = y_edge * (np.log(np.where(y_edge > 0.0, y_edge, 1.0)) - np.log(mu[edge])) - r[edge]
    near = np.abs(d) < 1e-3
    if near.any():
        out[near] = mu[near] * _series_of_g(d[near])
    out *= 2.0
    return out


def _series_of_g(d: np.ndarray) -> np.ndarray:
    """``g(d) = (1 + d) log1p(d) - d`` for |d| < 1e-3 by its alternating series; seven terms bring
    the truncation below 1e-20 relative."""
    total = np.zeros_like(d)
    power = d * d
    for k in range(2, 9):
        total += power / (k * (k - 1))
        power = -power * d
    return total


_SKL = "scikit-learn sklearn.metrics"
_QUADRATIC = "outliers weigh quadratically; smooth, differentiable everywhere"

SPECS = (
    LossSpec(
        name="mse",
        aliases=("mean-squared-error", "l2-loss"),
        family="regression",
        summary="Mean squared error.",
        formula="mean((y_true - y_pred)^2)",
        latex=r"\frac{1}{n}\sum_i (y_i - \hat y_i)^2",
        reference="Gauss (1809), least squares; scikit-learn mean_squared_error",
        tasks=(REGRESSION,),
        per_sample=squared_error,
        conventions=(
            "l2-loss is this mean squared error. optax.l2_loss is half of it: 0.5 (y_pred - y_true)^2 per "
            "element, so the mean of optax's values is the expression 0.5*mse (lossctl compute -l '0.5*mse')."
        ),
        peers=f"{_SKL}.mean_squared_error, torch.nn.MSELoss, keras MeanSquaredError",
        properties=_QUADRATIC,
    ),
    LossSpec(
        name="rmse",
        aliases=("root-mean-squared-error",),
        family="regression",
        summary="Root mean squared error, in the units of the target.",
        formula="sqrt(mean((y_true - y_pred)^2))",
        latex=r"\sqrt{\frac{1}{n}\sum_i (y_i - \hat y_i)^2}",
        reference="scikit-learn root_mean_squared_error",
        tasks=(REGRESSION,),
        per_sample=squared_error,
        finish=math.sqrt,
        conventions="Per-sample values are squared errors; the square root is taken of their mean.",
        peers=f"{_SKL}.root_mean_squared_error",
        properties=_QUADRATIC,
    ),
    LossSpec(
        name="mae",
        aliases=("l1-loss", "mean-absolute-error"),
        family="regression",
        summary="Mean absolute error.",
        formula="mean(|y_true - y_pred|)",
        latex=r"\frac{1}{n}\sum_i |y_i - \hat y_i|",
        reference="Laplace (1774); scikit-learn mean_absolute_error",
        tasks=(REGRESSION,),
        per_sample=absolute_error,
        peers=f"{_SKL}.mean_absolute_error, torch.nn.L1Loss",
        properties="robust: outliers weigh linearly; not differentiable at r = 0",
    ),
    LossSpec(
        name="huber",
        family="regression",
        summary="Quadratic for small errors, linear beyond delta.",
        formula="0.5 r^2 if |r| <= delta else delta (|r| - 0.5 delta), r = y_true - y_pred",
        latex=r"\begin{cases} \tfrac12 r^2 & |r| \le \delta \\ \delta(|r| - \tfrac12\delta) & \text{otherwise} \end{cases}",
        reference="Huber (1964), Robust Estimation of a Location Parameter, Ann. Math. Stat. 35(1)",
        tasks=(REGRESSION,),
        per_sample=huber,
        summed=huber_sum,
        params=(Param("delta", 1.0, "where the loss turns from quadratic to linear", domain=POSITIVE),),
        conventions="0.5 r^2 inside delta, as PyTorch HuberLoss, Keras Huber and optax huber_loss.",
        peers="torch.nn.HuberLoss(delta), keras.losses.Huber, optax.huber_loss",
        properties="robust beyond delta; differentiable once (continuous gradient)",
    ),
    LossSpec(
        name="smooth-l1",
        family="regression",
        summary="Huber(beta) / beta: quadratic below beta, |r| - beta/2 beyond; beta = 0 is L1.",
        formula="0.5 r^2 / beta if |r| < beta else |r| - 0.5 beta",
        latex=r"\begin{cases} \tfrac{0.5 r^2}{\beta} & |r| < \beta \\ |r| - \tfrac12\beta & \text{otherwise} \end{cases}",
        reference="Girshick (2015), Fast R-CNN; torch.nn.SmoothL1Loss",
        tasks=(REGRESSION,),
        per_sample=smooth_l1,
        params=(Param("beta", 1.0, "width of the quadratic zone; 0 gives the absolute error", domain=NON_NEGATIVE),),
        conventions="smooth-l1(beta) = huber(delta=beta) / beta, as PyTorch.",
        peers="torch.nn.SmoothL1Loss(beta)",
        properties="robust beyond beta; gradient bounded by 1",
    ),
    LossSpec(
        name="pseudo-huber",
        aliases=("charbonnier",),
        family="regression",
        summary="Smooth Huber: about r^2/2 for small errors, delta |r| for large ones.",
        formula="delta^2 (sqrt(1 + (r / delta)^2) - 1), r = y_true - y_pred",
        latex=r"\frac{1}{n}\sum_i \delta^2\left(\sqrt{1 + (r_i/\delta)^2} - 1\right)",
        reference=(
            "Charbonnier, Blanc-Feraud, Aubert & Barlaud (1994), Two deterministic half-quadratic "
            "regularization algorithms for computed imaging, ICIP; Hartley & Zisserman (2003), A6.8"
        ),
        tasks=(REGRESSION,),
        per_sample=pseudo_huber,
        params=(Param("delta", 1.0, "the scale where the loss turns from quadratic to linear", domain=POSITIVE),),
        conventions=(
            "The Charbonnier form with delta^2 in front, so that it behaves as huber(delta) at both ends: "
            "r^2/2 near 0, and delta |r| - delta^2 far out (Huber's delta |r| - delta^2/2, parallel, delta^2/2 "
            "below). optax.huber_loss is Huber's, not this."
        ),
        peers="none computes it under this name; sklearn, torch, keras and optax have only Huber's form",
        properties="robust beyond delta; smooth (every derivative continuous); gradient bounded by delta",
    ),
    LossSpec(
        name="log-cosh",
        family="regression",
        summary="log(cosh(r)): about r^2/2 for small errors, |r| - log 2 for large ones.",
        formula="log(cosh(y_pred - y_true))",
        latex=r"\frac{1}{n}\sum_i \log\cosh(\hat y_i - y_i)",
        reference="Keras LogCosh; Chen et al. (2019), Log Hyperbolic Cosine Loss",
        tasks=(REGRESSION,),
        per_sample=log_cosh,
        peers="keras.losses.LogCosh, optax.log_cosh",
        properties="robust like Huber, twice differentiable, no parameter",
    ),
    LossSpec(
        name="quantile",
        aliases=("pinball",),
        family="regression",
        summary="Pinball loss of a quantile forecast.",
        formula="max(q r, (q - 1) r), r = y_true - y_pred",
        latex=r"\frac{1}{n}\sum_i \max(q r_i, (q-1) r_i)",
        reference="Koenker & Bassett (1978), Regression Quantiles; scikit-learn mean_pinball_loss",
        tasks=(REGRESSION,),
        per_sample=pinball,
        params=(Param("quantile", 0.5, "the quantile forecast (alpha of scikit-learn)", domain=UNIT),),
        conventions="quantile=0.5 is half the MAE, as scikit-learn mean_pinball_loss(alpha=0.5).",
        peers=f"{_SKL}.mean_pinball_loss(alpha=quantile)",
        properties="asymmetric and robust; not differentiable at r = 0",
    ),
    LossSpec(
        name="expectile",
        aliases=("expectile-loss",),
        family="regression",
        summary="Asymmetric squared error of an expectile forecast.",
        formula="|tau - 1[r < 0]| r^2, r = y_true - y_pred",
        latex=r"\frac{1}{n}\sum_i |\tau - \mathbb{1}[r_i < 0]|\, r_i^2",
        reference="Newey & Powell (1987), Asymmetric Least Squares Estimation and Testing, Econometrica 55(4)",
        tasks=(REGRESSION,),
        per_sample=expectile,
        params=(Param("tau", 0.5, "the expectile: under-prediction costs tau, over-prediction 1 - tau", domain=UNIT),),
        conventions="No factor 2: tau = 0.5 gives half the squared error, as the pinball loss gives half the MAE.",
        peers="the squared-error analogue of sklearn.metrics.mean_pinball_loss",
        properties="strictly consistent for the tau-expectile; smooth, outliers weigh quadratically",
    ),
    LossSpec(
        name="mape",
        aliases=("mean-absolute-percentage-error",),
        family="regression",
        summary="Mean absolute percentage error, as a fraction (0.1 = 10%).",
        formula="mean(|y_true - y_pred| / max(|y_true|, eps))",
        latex=r"\frac{1}{n}\sum_i \frac{|y_i - \hat y_i|}{\max(|y_i|, \epsilon)}",
        reference="scikit-learn mean_absolute_percentage_error",
        tasks=(REGRESSION,),
        per_sample=absolute_percentage_error,
        conventions="A fraction, not a percentage; eps is the float64 machine epsilon, as scikit-learn.",
        peers=f"{_SKL}.mean_absolute_percentage_error",
        properties="scale-free; explodes for targets near 0",
    ),
    LossSpec(
        name="msle",
        aliases=("mean-squared-log-error",),
        family="regression",
        summary="Mean squared logarithmic error; targets and predictions >= 0.",
        formula="mean((log1p(y_true) - log1p(y_pred))^2)",
        latex=r"\frac{1}{n}\sum_i (\log(1+y_i) - \log(1+\hat y_i))^2",
        reference="scikit-learn mean_squared_log_error",
        tasks=(REGRESSION,),
        per_sample=squared_log_error,
        peers=f"{_SKL}.mean_squared_log_error",
        properties="relative errors; penalizes under-prediction more",
    ),
    LossSpec(
        name="rmsle",
        aliases=("root-mean-squared-log-error",),
        family="regression",
        summary="Root mean squared logarithmic error; targets and predictions >= 0.",
        formula="sqrt(mean((log1p(y_true) - log1p(y_pred))^2))",
        latex=r"\sqrt{\frac{1}{n}\sum_i (\log(1+y_i) - \log(1+\hat y_i))^2}",
        reference="scikit-learn root_mean_squared_log_error",
        tasks=(REGRESSION,),
        per_sample=squared_log_error,
        finish=math.sqrt,
        conventions="The square root of msle's mean; per-sample values are msle's.",
        peers=f"{_SKL}.root_mean_squared_log_error",
        properties="relative errors, in log units",
    ),
    LossSpec(
        name="poisson",
        aliases=("poisson-deviance",),
        family="regression",
        summary="Mean Poisson deviance of count predictions (y_true >= 0, y_pred > 0).",
        formula="mean(2 (y log(y / mu) - y + mu)), 0 log 0 = 0",
        latex=r"\frac{1}{n}\sum_i 2\left(y_i \log\frac{y_i}{\mu_i} - y_i + \mu_i\right)",
        reference="McCullagh & Nelder (1989), Generalized Linear Models; scikit-learn mean_poisson_deviance",
        tasks=(REGRESSION,),
        per_sample=poisson_deviance,
        conventions="The deviance (0 for a perfect fit), not torch's PoissonNLLLoss, which drops terms.",
        peers=f"{_SKL}.mean_poisson_deviance",
        properties="for counts and rates",
    ),
)
