"""Extreme inputs: logits of +-1000, probabilities of exactly 0 and 1, errors near the float64
limit, single rows. Every expected value is derived by hand in the comments."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

import lossctl
from lossctl.losses import Batch, InputDomainError, LossError, resolve

from ._support import assert_close

EPS = 2.0**-52  # float64 machine epsilon, lossctl's default clipping eps
MINUS_LOG_EPS = 52 * math.log(2.0)  # -log(eps) = 36.04...

# -- logits of +-1000 -------------------------------------------------------------------------

# y = [0, 1, 1, 0], z = [1000, -1000, 1000, -1000]: rows 0 and 1 are confident misses, rows 2
# and 3 confident hits. bce of a miss: -log(1 - sigmoid(1000)) = log(1 + e^1000) = 1000 +
# log1p(e^-1000) = 1000 in float64; of a hit: log1p(e^-1000) = 0.
Y = [0.0, 1.0, 1.0, 0.0]
Z = [1000.0, -1000.0, 1000.0, -1000.0]


@pytest.mark.parametrize(
    ("loss", "params", "per_row"),
    [
        ("bce", {}, [1000, 1000, 0, 0]),
        # pos_weight multiplies the positive term: the positive miss (row 1) costs 3 * 1000.
        ("bce", {"pos_weight": 3.0}, [1000, 3000, 0, 0]),
        # focal: a miss has 1 - p_t = 1, so (1 - p_t)^gamma = 1 and the loss is the bce;
        # a hit has 1 - p_t = 0 (or e^-1000, 0 in float64).
        ("focal", {"gamma": 2.0}, [1000, 1000, 0, 0]),
        ("focal", {"gamma": 0.5}, [1000, 1000, 0, 0]),
        # alpha = 0.25 weights the positive miss by 0.25 and the negative miss by 0.75.
        ("focal", {"gamma": 2.0, "alpha": 0.25}, [750, 250, 0, 0]),
    ],
)
def test_binary_logits_of_1000_are_finite_and_exact(loss, params, per_row):
    assert_close(lossctl.compute(loss, Y, Z, from_logits=True, **params), np.mean(per_row))
    assert_close(lossctl.per_sample(loss, Y, Z, from_logits=True, **params), per_row)


def test_bce_of_logit_1000_with_label_0_is_exactly_1000():
    assert lossctl.compute("bce", [0.0], [1000.0], from_logits=True) == 1000.0


@pytest.mark.parametrize("loss", ["cross-entropy", "focal"])
def test_cross_entropy_of_logits_1000_is_finite_and_exact(loss):
    # log-softmax of [1000, -1000, 0] = [1000, -1000, 0] - 1000 - log(1 + e^-2000 + e^-1000)
    # = [0, -2000, -1000]. Labels 1, 2, 0 cost 2000, 1000 and 0; the mean is 1000.
    # Multiclass focal: a miss has 1 - p = 1, the loss equals the cross-entropy.
    z = [[1000.0, -1000.0, 0.0]] * 3
    params = {"gamma": 2.0} if loss == "focal" else {}
    assert_close(lossctl.compute(loss, [1.0, 2.0, 0.0], z, from_logits=True, **params), 1000.0)


# -- probabilities of exactly 0 and 1: clipped to [eps, 1 - eps], and counted ----------------


def clipped_count(batch: Batch) -> int:
    return sum(count for message, count in batch.notes.items() if "clipped" in message)


@pytest.mark.parametrize(
    ("loss", "y", "p", "value", "clipped"),
    [
        # y = [1, 0, 1, 0], p = [0, 1, 1, 0.5]: two confident misses at -log(eps), a hit at
        # -log(1 - eps) ~ eps, and -log(0.5); three values clipped (the 0 and the two 1s).
        ("bce", [1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.5], (2 * MINUS_LOG_EPS + EPS + math.log(2.0)) / 4, 3),
        # focal gamma=2: the misses have (1 - p_t)^2 = (1 - eps)^2, the hit eps^2 (negligible),
        # p = 0.5 gives 0.25 log 2.
        ("focal", [1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.5], (2 * MINUS_LOG_EPS + 0.25 * math.log(2.0)) / 4, 3),
        # rows [0, 1, 0] with label 1 and [1, 0, 0] with label 0: both hits, -log(1 - eps) each;
        # four zeros and two ones clipped.
        ("cross-entropy", [1.0, 0.0], [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], EPS, 6),
    ],
)
def test_probabilities_0_and_1_are_clipped_and_counted(loss, y, p, value, clipped):
    batch = Batch({"y_true": y, "y_pred": p})
    state = resolve(loss).state()
    state.update(batch)
    assert_close(state.result(), value)
    assert clipped_count(batch) == clipped


def test_probabilities_inside_the_interval_are_not_counted():
    batch = Batch({"y_true": [1.0, 0.0], "y_pred": [0.3, 0.6]})
    resolve("bce").per_sample(batch)
    assert clipped_count(batch) == 0


def test_hinge_reports_the_mapping_of_01_labels():
    # Labels {0, 1} are mapped 0 -> -1: scores [0.5, 0.5] give max(0, 1 - 0.5) = 0.5 for the
    # positive and max(0, 1 + 0.5) = 1.5 for the negative; mean 1.
    batch = Batch({"y_true": [1.0, 0.0], "y_pred": [0.5, 0.5]})
    assert_close(resolve("hinge").evaluate(batch), 1.0)
    assert list(batch.notes.values()) == [2]


# -- errors near the float64 limit ------------------------------------------------------------


def test_mse_of_residuals_1e150_is_1e300():
    # 1e150 * 1e150 rounds to within one ulp of 1e300 (2.2e-16 relative).
    assert_close(lossctl.compute("mse", [1e150, -1e150, 0.0], [0.0, 0.0, 1e150]), 1e300)


# NumPy warns on the way to these results; test_no_numpy_warning_leaks_from_an_overflow
# checks that separately.
IGNORE_OVERFLOW_WARNINGS = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
R = 2.0**511  # R^2 = 2^1022 ~ 4.5e307 is finite; four of them sum to 2^1024, past the largest double


@IGNORE_OVERFLOW_WARNINGS
@pytest.mark.parametrize("weight", [None, [1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0]])
def test_mean_is_right_when_only_the_sum_overflows(weight):
    # mean(R^2) over 4 rows = 2^1022 exactly, though sum(w R^2) >= 2^1024 overflows.
    value = lossctl.compute("mse", [R, -R, R, -R], [0.0] * 4, sample_weight=weight)
    assert value == 2.0**1022


@IGNORE_OVERFLOW_WARNINGS
@pytest.mark.parametrize(
    ("loss", "residual", "expected"),
    [
        ("mae", 1e308, 1e308),  # four |r| of 1e308 sum past the largest double; the mean is 1e308
        ("rmse", R, R),  # sqrt(mean(R^2)) = sqrt(2^1022) = 2^511 = R, though sum(R^2) overflows
    ],
)
def test_mae_and_rmse_when_only_the_sum_overflows(loss, residual, expected):
    assert_close(lossctl.compute(loss, [residual] * 4, [0.0] * 4), expected)


@IGNORE_OVERFLOW_WARNINGS
@pytest.mark.parametrize("split", [1, 2, 3])
def test_mean_is_right_when_the_sum_overflows_across_batches(split):
    # The same 4 rows of R^2 = 2^1022 fed as two batches (each batch sum finite), through one
    # state and through two merged states: the mean is still 2^1022.
    loss = resolve("mse")
    rows = [R, R, R, R]
    first = {"y_true": rows[:split], "y_pred": [0.0] * split}
    second = {"y_true": rows[split:], "y_pred": [0.0] * (4 - split)}
    streamed = loss.state()
    streamed.update(Batch(first))
    streamed.update(Batch(second))
    merged = loss.state()
    merged.update(Batch(first))
    other = loss.state()
    other.update(Batch(second))
    merged.merge(other)
    assert streamed.result() == 2.0**1022
    assert merged.result() == 2.0**1022


@IGNORE_OVERFLOW_WARNINGS
@pytest.mark.parametrize(
    ("y_true", "weight", "expected"),
    [
        # w * R^2 = 2^10 * 2^1022 overflows; sum(w R^2) / sum(w) = 2^1022.
        ([R, R], [2.0**10, 2.0**10], 2.0**1022),
        # squared errors [1, 4, 9, 16] with equal weights 1e308 (their sum overflows): 30 / 4.
        ([1.0, 2.0, 3.0, 4.0], [1e308] * 4, 7.5),
    ],
)
def test_weighted_mean_is_right_when_weighted_terms_overflow(y_true, weight, expected):
    value = lossctl.compute("mse", y_true, [0.0] * len(y_true), sample_weight=weight)
    assert_close(value, expected)


def test_weighted_mean_when_a_huge_weight_sits_on_a_zero_error():
    # Squared errors [r^2, r^2, 0] with r = 1.3e154 and weights [1, 1, 1e300]: sum(w l) =
    # 2 r^2 ~ 3.4e308 overflows, sum(w) ~ 1e300, and the mean 2 r^2 / (1e300 + 2) ~ 3.4e8 is
    # an ordinary number. Fractions give it exactly.
    r, w = 1.3e154, [1.0, 1.0, 1e300]
    exact = 2 * Fraction(r) ** 2 / sum(map(Fraction, w))
    assert_close(lossctl.compute("mse", [r, r, 0.0], [0.0] * 3, sample_weight=w), float(exact))


@IGNORE_OVERFLOW_WARNINGS
@pytest.mark.parametrize(
    ("loss", "arrays"),
    [
        ("l1", {"weights": [1e308] * 4}),  # 4e308 > 1.8e308
        ("wasserstein", {"y_true": [0.0, 1.0], "y_pred": [1e308, -1e308]}),  # 1e308 - (-1e308)
    ],
)
def test_result_beyond_float64_raises_never_a_silent_inf(loss, arrays):
    with pytest.raises(LossError):
        lossctl.compute(loss, **arrays)


@IGNORE_OVERFLOW_WARNINGS
@pytest.mark.parametrize(
    ("loss", "y_true", "y_pred", "index"),
    [
        ("mse", [0.0, 1.0, 1e200, 2.0], [0.0, 0.0, 0.0, 0.0], 2),  # (1e200)^2 = 1e400 > 1.8e308
        ("rmse", [1e200, 0.0], [0.0, 0.0], 0),
        ("mae", [0.0, 1e308], [0.0, -1e308], 1),  # the residual itself is 2e308
    ],
)
def test_overflowing_sample_raises_never_a_silent_inf(loss, y_true, y_pred, index):
    with pytest.raises(InputDomainError) as caught:
        lossctl.compute(loss, y_true, y_pred)
    assert caught.value.index == index


def test_no_numpy_warning_leaks_from_an_overflow():
    # The core turns overflow into InputDomainError or a rescaled sum; NumPy's
    # "overflow encountered" RuntimeWarning must not escape to the user as well.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lossctl.compute("mse", [R, R, R, R], [0.0] * 4) == 2.0**1022
        with pytest.raises(InputDomainError):
            lossctl.compute("mse", [1e200], [0.0])


# -- single rows --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loss", "y_true", "y_pred", "params", "expected"),
    [
        ("huber", [0.0], [2.0], {"delta": 1.0}, 1.5),  # 1 * (2 - 0.5 * 1)
        ("huber", [0.0], [0.5], {"delta": 1.0}, 0.125),  # 0.5 * 0.5^2
        ("quantile", [3.0], [1.0], {"quantile": 0.9}, 1.8),  # under-prediction: 0.9 * 2
        ("quantile", [1.0], [3.0], {"quantile": 0.9}, 0.2),  # over-prediction: 0.1 * 2
        ("log-cosh", [0.0], [1000.0], {}, 1000.0 - math.log(2.0)),  # |r| - log 2, cosh overflows
        ("contrastive", [0.0], [0.25], {"margin": 1.0}, 0.5625),  # max(0, 1 - 0.25)^2
        ("bce", [1.0], [0.5], {}, math.log(2.0)),
        # 2 (y log(y / mu) - y + mu) with y = 1e-20, mu = 1: y - mu rounds to -mu, as for y = 0
        ("poisson", [1e-20], [1.0], {}, 2.0 * (1e-20 * math.log(1e-20) - 1e-20 + 1.0)),
        ("poisson", [0.0], [3.0], {}, 6.0),  # 2 mu when y = 0 (0 log 0 = 0)
    ],
)
def test_single_row(loss, y_true, y_pred, params, expected):
    assert_close(lossctl.compute(loss, y_true, y_pred, **params), expected)


# -- compensated merging ------------------------------------------------------------------------


def critic_state(fake_score: float, real_score: float | None = None):
    """A critic state over one fake sample (and one real one if given)."""
    y, s = [0.0], [fake_score]
    if real_score is not None:
        y, s = [0.0, 1.0], [fake_score, real_score]
    state = resolve("wasserstein").state()
    state.update(Batch({"y_true": y, "y_pred": s}))
    return state


@pytest.mark.parametrize("order", ["left-fold", "right-fold", "tree"])
def test_merge_keeps_the_compensation_of_merged_states(order):
    # Fake scores 1e16, 1, -1e16 in three batches, one real score 0: the fake mean is
    # (1e16 + 1 - 1e16) / 3 = 1/3, which a plain float sum loses (1e16 + 1 == 1e16).
    a, b, c = critic_state(1e16), critic_state(1.0), critic_state(-1e16, 0.0)
    if order == "left-fold":
        merged = a.merge(b).merge(c)
    elif order == "right-fold":
        merged = c.merge(b).merge(a)
    else:  # (a + b) folded into c: c must take both parts of the merged pair
        merged = c.merge(a.merge(b))
    assert_close(merged.result(), 1.0 / 3.0)
