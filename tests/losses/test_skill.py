"""Skill scores: r2, explained-variance and d2:LOSS against scikit-learn, by hand, in exact
arithmetic, streamed through spilled runs, and split any way."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from sklearn import metrics

import lossctl
from lossctl.losses import Batch, LossError, ParameterError, UnknownLossError, resolve

from ._support import assert_close, merged_in_parts, spill_small_runs

RNG = np.random.default_rng(20261204)
N = 500
Y = RNG.normal(5.0, 2.0, N)
P = Y + RNG.normal(0.3, 1.0, N)
W = RNG.uniform(0.0, 2.0, N)
COUNTS = RNG.poisson(3.0, N).astype(float)
RATES = np.exp(RNG.normal(1.0, 0.3, N))
LABELS = (RNG.uniform(size=N) < 0.3).astype(float)
PROBS = np.clip(0.3 + RNG.normal(0.0, 0.2, N) + 0.3 * LABELS, 0.01, 0.99)
CLASSES = RNG.integers(0, 4, N).astype(float)
MATRIX = RNG.dirichlet(np.ones(4), N)


def _tweedie(power):
    return lambda y, p, **kw: metrics.d2_tweedie_score(y, p, power=power, **kw)


def _pinball(alpha):
    return lambda y, p, **kw: metrics.d2_pinball_score(y, p, alpha=alpha, **kw)


CASES = [
    ("r2", Y, P, metrics.r2_score),
    ("explained-variance", Y, P, metrics.explained_variance_score),
    ("d2:mse", Y, P, _tweedie(0)),
    ("d2:mae", Y, P, metrics.d2_absolute_error_score),
    ("d2:quantile:quantile=0.9", Y, P, _pinball(0.9)),
    ("d2:pinball:quantile=0.1", Y, P, _pinball(0.1)),
    ("d2:poisson", COUNTS, RATES, _tweedie(1)),
    ("d2:tweedie-deviance:power=1.5", COUNTS, RATES, _tweedie(1.5)),
    ("d2:gamma-deviance", COUNTS + 1.0, RATES, _tweedie(2)),
    ("d2:log-loss", LABELS, PROBS, metrics.d2_log_loss_score),
    ("d2:brier", LABELS, PROBS, metrics.d2_brier_score),
    ("d2:cross-entropy", CLASSES, MATRIX, lambda y, p, **kw: metrics.d2_log_loss_score(y, p, labels=range(4), **kw)),
    ("d2:brier", CLASSES, MATRIX, lambda y, p, **kw: metrics.d2_brier_score(y, p, labels=range(4), **kw)),
]


@pytest.mark.parametrize(("name", "y", "p", "reference"), CASES, ids=[f"{c[0]}-{c[1].ndim}" for c in CASES])
@pytest.mark.parametrize("weighted", [False, True])
def test_agrees_with_scikit_learn(name, y, p, reference, weighted):
    w = W if weighted else None
    assert_close(lossctl.compute(name, y, p, sample_weight=w), reference(y, p, sample_weight=w), rtol=1e-12)


def test_d2_of_logits_takes_the_base_rate_as_a_probability():
    logits = np.log(PROBS) - np.log1p(-PROBS)
    expected = metrics.d2_log_loss_score(LABELS, PROBS)
    assert_close(lossctl.compute("d2:bce", LABELS, logits, from_logits=True), expected, rtol=1e-12)


def test_scikit_learn_documented_examples():
    # sklearn's d2_pinball_score docstring: y = [1, 2, 3], p = [1, 3, 3]. By hand at alpha 0.5:
    # the model's pinball terms are 0, 0.5, 0 (mean 1/6), the median 2's are 0.5, 0, 0.5 (mean
    # 1/3): D2 = 1 - (1/6)/(1/3) = 0.5. At 0.9 the quantile is 3: the model's mean is 0.1/3,
    # the constant's (0.1 * 2 + 0.1 * 1) / 3 = 0.3/3: D2 = 1 - 1/3 = 2/3.
    assert lossctl.compute("d2:mae", [1, 2, 3], [1, 3, 3]) == 0.5
    assert_close(lossctl.compute("d2:quantile", [1, 2, 3], [1, 3, 3], quantile=0.9), 2 / 3)
    # At 0.1 the quantile is 1: the model's terms 0, 0.9, 0 (mean 0.3), the constant's 0, 0.1,
    # 0.2 (mean 0.1): D2 = 1 - 3 = -2.
    assert_close(lossctl.compute("d2:quantile", [1, 2, 3], [1, 3, 3], quantile=0.1), -2.0)


def test_r2_by_hand():
    # y = [1, 2, 3, 4], p = [1, 2, 3, 6]: SSE = 4; mean 2.5, SST = 2.25 + 0.25 + 0.25 + 2.25 = 5.
    # 1 - 4/5 = 1/5, rounded once (the float expression 1 - 4/5 rounds twice: 0.19999999999999996).
    assert lossctl.compute("r2", [1, 2, 3, 4], [1, 2, 3, 6]) == 0.2
    # The residuals 0, 0, 0, -2 have mean -0.5 and variance (3 * 0.25 + 2.25) / 4 = 0.75;
    # Var(y) = 5/4: EV = 1 - 0.75 / 1.25 = 0.4.
    assert_close(lossctl.compute("explained-variance", [1, 2, 3, 4], [1, 2, 3, 6]), 0.4)


def _exact_r2(y: np.ndarray, p: np.ndarray) -> float:
    """R^2 in rational arithmetic from the float inputs (the residual rounded as lossctl and
    scikit-learn round it), rounded once."""
    ys = [Fraction(v) for v in y.tolist()]
    mean = sum(ys) / len(ys)
    sse = sum(Fraction(v) ** 2 for v in (y - p).tolist())
    return float(1 - sse / sum((v - mean) ** 2 for v in ys))


def test_a_large_mean_does_not_cancel_the_spread():
    # Targets 1e8 + N(0, 1): sum y^2 - (sum y)^2 / n in floats loses about 16 digits of the 16
    # (1e16 * 1e-16 = 1 against a spread of n); the exact sums lose none.
    y = 1e8 + RNG.normal(0.0, 1.0, 2000)
    p = y + RNG.normal(0.0, 0.5, 2000)
    assert lossctl.compute("r2", y, p) == _exact_r2(y, p)


def test_constant_targets_follow_force_finite():
    assert lossctl.compute("r2", [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == 1.0
    assert lossctl.compute("r2", [2.0, 2.0, 2.0], [2.0, 2.0, 3.0]) == 0.0
    assert metrics.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 3.0]) == 0.0
    for name in ("d2:mae", "d2:poisson", "explained-variance"):
        assert lossctl.compute(name, [2.0, 2.0], [2.0, 2.0]) == 1.0
        assert lossctl.compute(name, [2.0, 2.0], [1.0, 4.0]) == 0.0


@pytest.mark.parametrize("name", ["r2", "explained-variance", "d2:mae", "d2:mse"])
def test_one_sample_is_refused(name):
    with pytest.raises(LossError, match="at least two samples"):
        lossctl.compute(name, [1.0], [2.0])


def test_d2_names_only_losses_with_a_best_constant():
    with pytest.raises(UnknownLossError, match="huber has no best constant"):
        resolve("d2:huber")
    assert resolve("d2:pinball:quantile=0.9").label == "d2:quantile:quantile=0.9"
    assert resolve("d2:mae").higher_is_better and not resolve("mae").higher_is_better


def test_a_sum_of_scores_is_a_score_and_a_mixture_is_refused():
    assert resolve("0.5*r2 + 0.5*d2:mae").higher_is_better
    assert not resolve("mse + 0.5*mae").higher_is_better
    with pytest.raises(ParameterError, match="adds scores .* and losses"):
        resolve("r2 - mse")


@pytest.mark.parametrize("name", ["r2", "explained-variance", "d2:mae", "d2:quantile:quantile=0.3", "d2:poisson"])
def test_streamed_through_spilled_runs_and_pickled_parts_bit_for_bit(name, monkeypatch):
    # Runs of 64 values: the targets of 4,000 rows spill to 60-odd files; four parts, two of
    # them sent through pickle as a Dask worker's would be, merged in a scrambled order.
    spill_small_runs(monkeypatch)
    y = np.round(RNG.exponential(3.0, 4000), 1)  # ties in the targets
    p = y + RNG.normal(0.0, 1.0, 4000) ** 2
    w = RNG.integers(0, 4, 4000).astype(float)
    loss = resolve(name)
    whole = loss.evaluate(Batch({"y_true": y, "y_pred": p, "sample_weight": w}))
    merged = merged_in_parts(loss, {"y_true": y, "y_pred": p, "sample_weight": w}, [700, 1900, 2600])
    assert merged.result() == whole
    reference = {"r2": metrics.r2_score, "explained-variance": metrics.explained_variance_score}
    expected = reference.get(name)
    if expected is None:
        alpha = {"d2:mae": 0.5, "d2:quantile:quantile=0.3": 0.3}.get(name)
        expected = _pinball(alpha) if alpha else _tweedie(1)
    assert_close(whole, expected(y, p, sample_weight=w), rtol=1e-12)


def test_quantile_reference_with_zero_weights_and_ties():
    # Weights 0 drop rows: y = [1, 5, 5, 9] with weights [0, 1, 1, 1] is y = [5, 5, 9]; its
    # median is 5 and the constant's absolute errors 0, 0, 4 (mean 4/3); the model p = y + 1
    # errs 1 on each kept row: D2 = 1 - 1 / (4/3) = 0.25.
    got = lossctl.compute("d2:mae", [1.0, 5.0, 5.0, 9.0], [2.0, 6.0, 6.0, 10.0], sample_weight=[0, 1, 1, 1])
    assert_close(got, 0.25)


def test_relative_squared_error_is_one_minus_r2():
    # By hand: SSE 4 over SST 5 (test_r2_by_hand's data) = 0.8, rounded once.
    assert lossctl.compute("relative-squared-error", [1, 2, 3, 4], [1, 2, 3, 6]) == 0.8
    assert_close(lossctl.compute("rse", Y, P, sample_weight=W), 1.0 - metrics.r2_score(Y, P, sample_weight=W))
    with pytest.raises(LossError, match="do not vary"):
        lossctl.compute("rse", [2.0, 2.0], [1.0, 3.0])


@pytest.mark.parametrize(
    ("normalization", "expected"),
    # torchmetrics' docstring: p = [0, 1, 2, 3], y = [0, 1, 2, 2]: SSE 1, RMSE 1/2. The mean of y
    # is 5/4 (0.4), its range 2 (0.25), its l2 norm sqrt(9) = 3 (1/6); its population variance
    # (1.5625 + 0.0625 + 0.5625 + 0.5625) / 4 = 11/16, so the std is sqrt(11)/4.
    [("mean", 0.4), ("range", 0.25), ("std", 0.5 / (11**0.5 / 4)), ("l2", 1 / 6)],
)
def test_nrmse_by_hand(normalization, expected):
    assert_close(lossctl.compute("nrmse", [0, 1, 2, 2], [0, 1, 2, 3], normalization=normalization), expected)


def test_nrmse_weights_and_refusals():
    # A row of weight 0 is left out of the range too: y = [0, 1, 2, 9] with the 9 weighted 0.
    y, p, w = [0.0, 1.0, 2.0, 9.0], [0.0, 1.0, 3.0, 0.0], [1.0, 1.0, 1.0, 0.0]
    assert_close(lossctl.compute("nrmse", y, p, sample_weight=w, normalization="range"), (1 / 3) ** 0.5 / 2)
    # Integer weights are repeated rows.
    assert_close(
        lossctl.compute("nrmse", [1.0, 2.0, 4.0], [1.5, 2.0, 3.0], sample_weight=[2.0, 1.0, 3.0], normalization="std"),
        lossctl.compute("nrmse", [1, 1, 2, 4, 4, 4], [1.5, 1.5, 2, 3, 3, 3], normalization="std"),
    )
    with pytest.raises(LossError, match="range is 0"):
        lossctl.compute("nrmse", [2.0, 2.0], [1.0, 3.0], normalization="range")
    with pytest.raises(ParameterError, match="normalization must be one of"):
        lossctl.compute("nrmse", [2.0, 3.0], [1.0, 3.0], normalization="median")


@pytest.mark.parametrize(
    ("name", "params"), [("d2:bce", {"pos_weight": 3.0}), ("d2:cross-entropy", {"class_weights": [1, 5, 1]})]
)
def test_d2_refuses_parameters_that_move_the_best_constant(name, params):
    # Under pos_weight (or class weights, or label smoothing) the base rate no longer minimizes
    # the loss, so it would be no reference: a model predicting the true minimizer would not score 0.
    with pytest.raises(ParameterError, match="takes no parameter"):
        resolve(name, params)


@pytest.mark.parametrize("method", ["normal", "bootstrap"])
@pytest.mark.parametrize("name", ["r2", "explained-variance", "rse", "nrmse:normalization=std"])
def test_intervals_do_not_depend_on_a_shift_of_the_targets(name, method):
    # Y = y + 1e8 and P = p + 1e8 round y and p; Y - 1e8 and P - 1e8 are then exact (Sterbenz),
    # so the two data sets differ by an exact shift, which none of these scores sees. The
    # resamples' sums are centred exactly before they are rounded, so neither do the intervals:
    # uncentred, 1e16-sized squares would cancel to noise (the interval was [nan, nan]).
    rng = np.random.default_rng(5)
    y = 1e8 + rng.normal(0.0, 1.0, 3000)
    p = y + rng.normal(0.2, 0.5, 3000)
    shifted = lossctl.interval(name, y, p, method=method)
    plain = lossctl.interval(name, y - 1e8, p - 1e8, method=method)
    assert (shifted.low, shifted.high) == (plain.low, plain.high)
    assert shifted.low < lossctl.compute(name, y, p) < shifted.high


def test_nrmse_refuses_a_mean_that_is_not_positive():
    with pytest.raises(LossError, match="mean is -2"):
        lossctl.compute("nrmse", [-1.0, -3.0], [-1.5, -3.0])


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n", [7, 8, 501])
def test_median_absolute_error_agrees_with_scikit_learn(n, weighted):
    # Odd and even counts (numpy's median averages the two middle errors), ties from rounding,
    # weights with zeros.
    rng = np.random.default_rng(n)
    y = np.round(rng.normal(0.0, 3.0, n), 1)
    p = np.round(y + rng.normal(0.0, 1.0, n), 1)
    w = rng.integers(0, 4, n).astype(float) if weighted else None
    if weighted:
        w[0] = 1.0
    expected = metrics.median_absolute_error(y, p, sample_weight=w)
    assert_close(lossctl.compute("median-absolute-error", y, p, sample_weight=w), expected, rtol=1e-15)


def test_median_absolute_error_by_hand_and_streamed(monkeypatch):
    # |r| = [0, 1, 3, 10]: an even count, the median (1 + 3) / 2 = 2; the outlier 10 moves nothing.
    assert lossctl.compute("median-absolute-error", [0, 1, 2, 3], [0, 2, 5, 13]) == 2.0
    spill_small_runs(monkeypatch)
    y = np.round(RNG.exponential(3.0, 3000), 1)
    p = y + np.round(RNG.normal(0.0, 1.0, 3000), 1)
    merged = merged_in_parts(resolve("median-absolute-error"), {"y_true": y, "y_pred": p}, [600, 1200, 1800, 2400])
    assert merged.result() == metrics.median_absolute_error(y, p)
