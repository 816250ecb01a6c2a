"""Losses without a peer library, and conventions no peer covers, against values worked out by
hand in the comments; and relative accuracy when predictions are nearly perfect."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lossctl

from ._support import assert_close

LN2 = math.log(2.0)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


@pytest.mark.parametrize(
    ("loss", "arrays", "params", "expected"),
    [
        # squared hinge, labels {-1, +1}: margins y s = [2, 0.5, -1] -> max(0, 1 - m)^2 = [0, 0.25, 4].
        ("squared-hinge", {"y_true": [1.0, -1.0, 1.0], "y_pred": [2.0, -0.5, -1.0]}, {}, (0 + 0.25 + 4) / 3),
        # contrastive, margin 1: similar pair d = 0.5 -> 0.25; dissimilar d = 0.25 -> 0.75^2; d = 2 -> 0.
        ("contrastive", {"y_true": [1.0, 0.0, 0.0], "y_pred": [0.5, 0.25, 2.0]}, {}, (0.25 + 0.5625) / 3),
        # contrastive, margin 3: the dissimilar pair at d = 2 now costs (3 - 2)^2 = 1.
        ("contrastive", {"y_true": [0.0], "y_pred": [2.0]}, {"margin": 3.0}, 1.0),
        # triplet from distances, margin 1: max(0, [1 - 3, 2 - 2, 4 - 1] + 1) = [0, 1, 4].
        ("triplet", {"d_ap": [1.0, 2.0, 4.0], "d_an": [3.0, 2.0, 1.0]}, {}, 5 / 3),
        # critic: fake (y = 0) scores 2 and 4, real -1: mean 3 - mean(-1) = 4.
        ("wasserstein", {"y_true": [0.0, 0.0, 1.0], "y_pred": [2.0, 4.0, -1.0]}, {}, 4.0),
        # weighted: fake mean (1*2 + 3*4) / 4 = 3.5, real mean -1 -> 4.5.
        (
            "wasserstein",
            {"y_true": [0.0, 0.0, 1.0], "y_pred": [2.0, 4.0, -1.0], "sample_weight": [1.0, 3.0, 2.0]},
            {},
            4.5,
        ),
        # l1, l2, elastic-net over weights [1, -2, 3]: sum|w| = 6, sum w^2 = 14.
        ("l1", {"weights": [1.0, -2.0, 3.0]}, {"lambda_": 0.5}, 3.0),
        ("l2", {"weights": [1.0, -2.0, 3.0]}, {"lambda_": 0.5}, 7.0),
        ("elastic-net", {"weights": [1.0, -2.0, 3.0]}, {"lambda1": 0.5, "lambda2": 0.25}, 3.0 + 3.5),
        # brier from logits: (1 - sigmoid(0))^2 = 0.25, (0 - sigmoid(2))^2.
        ("brier", {"y_true": [1.0, 0.0], "y_pred": [0.0, 2.0]}, {"from_logits": True}, (0.25 + sigmoid(2.0) ** 2) / 2),
        # bce label smoothing s = 0.2: y = 1 -> 0.9, y = 0 -> 0.1; p = 0.5 costs log 2 whatever y.
        ("bce", {"y_true": [1.0, 0.0], "y_pred": [0.5, 0.5]}, {"label_smoothing": 0.2}, LN2),
        # y = 1 -> 0.9 with p = 0.8: -(0.9 log 0.8 + 0.1 log 0.2).
        (
            "bce",
            {"y_true": [1.0], "y_pred": [0.8]},
            {"label_smoothing": 0.2},
            -(0.9 * math.log(0.8) + 0.1 * math.log(0.2)),
        ),
        # bce with Keras's eps = 1e-7: p = 0 for a positive is clipped to 1e-7, -log(1e-7) = 7 log 10.
        ("bce", {"y_true": [1.0], "y_pred": [0.0]}, {"eps": 1e-7}, 7 * math.log(10.0)),
        # cost-sensitive bce, ratio 5, threshold 0.5: the positive at p = 0.4 is missed (one count);
        # mean bce = (-log 0.4 - log 0.9 - log 0.8) / 3, plus 5 * 1.
        (
            "cost-sensitive-bce",
            {"y_true": [1.0, 1.0, 0.0], "y_pred": [0.4, 0.9, 0.2]},
            {},
            -(math.log(0.4) + math.log(0.9) + math.log(0.8)) / 3 + 5.0,
        ),
        # The document's MedicalLoss in PyTorch floors log p and log(1 - p) at -100 (BCELoss's
        # documented clamp): a positive at p = 0 and a negative at p = 1 cost 100 each, the
        # positive at 0.3 costs -log 0.3, the negative at 0.2 costs -log 0.8; two positives are
        # below 0.5: (200 - log 0.3 - log 0.8) / 4 + 5 * 2.
        (
            "cost-sensitive-bce",
            {"y_true": [1.0, 0.0, 1.0, 0.0], "y_pred": [0.0, 1.0, 0.3, 0.2]},
            {"log_floor": -100.0},
            (200 - math.log(0.3) - math.log(0.8)) / 4 + 10.0,
        ),
        # The same rows by lossctl's default, scikit-learn's clip of p to [eps, 1 - eps] with
        # eps = 2**-52: -log(2**-52) = 52 log 2 for each of the two end points.
        (
            "cost-sensitive-bce",
            {"y_true": [1.0, 0.0, 1.0, 0.0], "y_pred": [0.0, 1.0, 0.3, 0.2]},
            {},
            (2 * 52 * LN2 - math.log(0.3) - math.log(0.8)) / 4 + 10.0,
        ),
        # bce with the floor: p = 1e-40 for a positive is above e^-100 = 3.7e-44, so its cost is
        # -log(1e-40) = 40 log 10, unfloored; p = 1e-50 is below, so its cost is the floor, 100.
        (
            "bce",
            {"y_true": [1.0, 1.0], "y_pred": [1e-40, 1e-50]},
            {"log_floor": -100.0},
            (40 * math.log(10.0) + 100) / 2,
        ),
        # multiclass focal, gamma 2, per-class alpha [0.2, 0.3, 0.5]: true-class p = 0.5 (class 1)
        # and 0.25 (class 2): (0.3 * 0.25 * log 2 + 0.5 * 0.5625 * log 4) / 2.
        (
            "focal",
            {"y_true": [1.0, 2.0], "y_pred": [[0.25, 0.5, 0.25], [0.5, 0.25, 0.25]]},
            {"alpha": [0.2, 0.3, 0.5]},
            (0.3 * 0.25 * LN2 + 0.5 * 0.5625 * 2 * LN2) / 2,
        ),
        # cross-entropy, class weights [1, 2, 3], labels [1, 2], p_y = [0.5, 0.25]:
        # (2 log 2 + 3 log 4) / (2 + 3), PyTorch's weighted mean.
        (
            "cross-entropy",
            {"y_true": [1.0, 2.0], "y_pred": [[0.25, 0.5, 0.25], [0.5, 0.25, 0.25]]},
            {"class_weights": [1.0, 2.0, 3.0]},
            (2 * LN2 + 3 * 2 * LN2) / 5,
        ),
        # smooth-l1 with beta = 0 is the absolute error: mean(|[1, -3]|) = 2.
        ("smooth-l1", {"y_true": [1.0, 0.0], "y_pred": [0.0, 3.0]}, {"beta": 0.0}, 2.0),
        # pseudo-huber, delta 2: r = 0 -> 0; r = 2 -> 4 (sqrt 2 - 1); r = 3 * 2 -> 4 (sqrt 10 - 1).
        (
            "pseudo-huber",
            {"y_true": [0.0, 0.0, 0.0], "y_pred": [0.0, 2.0, -6.0]},
            {"delta": 2.0},
            (4 * (math.sqrt(2) - 1) + 4 * (math.sqrt(10) - 1)) / 3,
        ),
        # expectile tau 0.8, r = y - p = [2, -1]: 0.8 * 4 (under-prediction) and 0.2 * 1.
        ("expectile", {"y_true": [2.0, 0.0], "y_pred": [0.0, 1.0]}, {"tau": 0.8}, (0.8 * 4 + 0.2 * 1) / 2),
        # smape: 2 |r| / (|y| + |p|): 2*1/(1 + 2) = 2/3, 2*0/2 = 0, and y = p = 0 has |r| = 0 over
        # the 1.17e-6 floor: 0. Mean (2/3) / 3.
        ("smape", {"y_true": [1.0, 1.0, 0.0], "y_pred": [2.0, 1.0, 0.0]}, {}, (2 / 3) / 3),
        # wmape: (|1 - 2| + |4 - 1|) / (|1| + |4|) = 4 / 5; weighted (1*1 + 3*3) / (1*1 + 3*4).
        ("wmape", {"y_true": [1.0, 4.0], "y_pred": [2.0, 1.0]}, {}, 0.8),
        ("wmape", {"y_true": [1.0, 4.0], "y_pred": [2.0, 1.0], "sample_weight": [1.0, 3.0]}, {}, 10 / 13),
        # categorical-hinge (Keras): scores [1, 3, 0] with label 1: pos 3, neg max(1, 0) = 1 ->
        # max(0, 1 - 3 + 1) = 0; scores [-2, -1, -3] with label 0: pos -2, neg max(-1, -3, 0) = 0
        # (the true class counts 0) -> max(0, 0 + 2 + 1) = 3, where Crammer-Singer gives 1 + (-1) - (-2) = 2.
        ("categorical-hinge", {"y_true": [1.0, 0.0], "y_pred": [[1, 3, 0], [-2, -1, -3]]}, {}, 3 / 2),
        ("multiclass-hinge", {"y_true": [1.0, 0.0], "y_pred": [[1, 3, 0], [-2, -1, -3]]}, {}, 2 / 2),
        # multi-margin p = 1.5, margin 1: scores [0, 1, 3], label 2: gaps max(0, 1 - 3 + 0) = 0 and
        # max(0, 1 - 3 + 1) = 0; label 0: gaps (1 - 0 + 1)^1.5 + (1 - 0 + 3)^1.5 = 2^1.5 + 4^1.5, over 3.
        ("multi-margin", {"y_true": [2.0, 0.0], "y_pred": [[0, 1, 3], [0, 1, 3]]}, {"p": 1.5}, (2**1.5 + 8) / 3 / 2),
        # perceptron: labels {0, 1} -> {-1, +1}; scores [2, 0.5, -1] for [1, 0, 1]: [0, 0.5, 1].
        ("perceptron", {"y_true": [1.0, 0.0, 1.0], "y_pred": [2.0, 0.5, -1.0]}, {}, 1.5 / 3),
        # poly-1, epsilon 2: p_t = 0.5 -> -log 0.5 + 2 * 0.5 = log 2 + 1; p_t = 0.25 -> log 4 + 1.5.
        (
            "poly-1",
            {"y_true": [1.0, 2.0], "y_pred": [[0.25, 0.5, 0.25], [0.5, 0.25, 0.25]]},
            {},
            (LN2 + 1 + 2 * LN2 + 1.5) / 2,
        ),
        # generalized-cross-entropy, q = 0.5: (1 - sqrt(p_y)) / 0.5 for p_y = 0.25 and 1: 1 and 0.
        ("generalized-cross-entropy", {"y_true": [1.0, 0.0], "y_pred": [[0.75, 0.25], [1.0, 0.0]]}, {"q": 0.5}, 0.5),
        # nll of log-probabilities [log 0.5, log 0.5] and [log 0.25, log 0.75], labels [0, 1].
        (
            "nll",
            {"y_true": [0.0, 1.0], "y_pred": [[math.log(0.5), math.log(0.5)], [math.log(0.25), math.log(0.75)]]},
            {},
            (LN2 - math.log(0.75)) / 2,
        ),
        # zero-one, binary: p = 0.5 is predicted negative (p > 0.5 is positive), so the positive
        # at 0.5 and the negative at 0.7 are wrong, the positive at 0.51 and negative at 0.2 right.
        ("zero-one", {"y_true": [1.0, 0.0, 1.0, 0.0], "y_pred": [0.5, 0.7, 0.51, 0.2]}, {}, 0.5),
        # threshold 0.8: only the positive at 0.9 is predicted positive; the one at 0.7 is missed.
        ("zero-one", {"y_true": [1.0, 1.0, 0.0], "y_pred": [0.9, 0.7, 0.75]}, {"threshold": 0.8}, 1 / 3),
        # from logits: sigmoid(0) = 0.5 is negative, sigmoid(0.1) > 0.5 positive; weights 1, 3.
        (
            "zero-one",
            {"y_true": [1.0, 1.0], "y_pred": [0.0, 0.1], "sample_weight": [1.0, 3.0]},
            {"from_logits": True},
            1 / 4,
        ),
        # multiclass: argmax [1, 0 (tie of 0 and 1 to the lowest), 2] against labels [1, 1, 0].
        ("zero-one", {"y_true": [1.0, 1.0, 0.0], "y_pred": [[0, 2, 1], [3, 3, 0], [0, 1, 5]]}, {}, 2 / 3),
        # ranking-softmax, rax's documented example: scores [2, 1, 3], labels [1, 0, 0] -> 1.4076059,
        # -log(e^2 / (e^2 + e + e^3)); a second list, relevance [0, 2, 1] of scores [0, 0, ln 2]:
        # softmax [1/4, 1/4, 1/2], so -(2 log(1/4) + log(1/2)) = 5 log 2.
        ("ranking-softmax", {"y_true": [[1.0, 0.0, 0.0]], "y_pred": [[2.0, 1.0, 3.0]]}, {}, 1.4076059644443804),
        (
            "ranking-softmax",
            {"y_true": [[1.0, 0.0, 0.0], [0.0, 2.0, 1.0]], "y_pred": [[2.0, 1.0, 3.0], [0.0, 0.0, LN2]]},
            {},
            (math.log(math.exp(2) + math.exp(1) + math.exp(3)) - 2 + 5 * LN2) / 2,
        ),
        # distillation, T = 2: teacher logits [0, 2 ln 3] and student [0, 0] soften to q = [1/4, 3/4]
        # and p = [1/2, 1/2]: T^2 (1/4 log(1/2) + 3/4 log(3/2)) = 4 (3/4 log 3 - log 2).
        (
            "distillation",
            {"y_true": [[0.0, 2 * math.log(3.0)]], "y_pred": [[0.0, 0.0]]},
            {"temperature": 2.0},
            4 * (0.75 * math.log(3.0) - LN2),
        ),
    ],
)
def test_hand_computed_value(loss, arrays, params, expected):
    assert_close(lossctl.compute(loss, **arrays, **params), expected)


# -- nearly perfect predictions ----------------------------------------------------------------
# A good model has small residuals; the loss must keep its relative accuracy there, which a
# formula that subtracts nearly equal numbers loses. The references are rearranged so that
# nothing cancels:
# - log cosh r = log(1 + 2 sinh^2(r/2)) (cosh r = 1 + 2 sinh^2(r/2)), by log1p;
# - the Poisson deviance of y = mu (1 + d) is 2 mu ((1 + d) log(1 + d) - d)
#   = 2 mu sum_{k>=2} (-1)^k d^k / (k (k - 1)), by its Taylor series;
# - (log1p(y) - log1p(p))^2 = log1p((y - p) / (1 + p))^2, y - p exact for y, p close.


def poisson_series(y: float, mu: float) -> float:
    d = y / mu - 1.0  # exact here: mu = 1
    return 2.0 * mu * sum((-1) ** k * d**k / (k * (k - 1)) for k in range(2, 12))


@pytest.mark.parametrize(
    ("loss", "y", "p", "expected"),
    [
        *(("log-cosh", r, 0.0, math.log1p(2.0 * math.sinh(r / 2) ** 2)) for r in (1e-8, 1e-5, 1e-3, 0.5)),
        *(("poisson", 1.0 + d, 1.0, poisson_series(1.0 + d, 1.0)) for d in (2.0**-10, 2.0**-20, 2.0**-30)),
        *(("msle", 1.0, 1.0 + d, math.log1p(-d / (2.0 + d)) ** 2) for d in (2.0**-10, 2.0**-20, 2.0**-30)),
    ],
)
def test_relative_accuracy_for_nearly_perfect_predictions(loss, y, p, expected):
    assert_close(lossctl.compute(loss, [y], [p]), expected)


@pytest.mark.parametrize("r", [1e-300, 1e-150, 1e-20, 0.25, 0.999, 1.0, 1.001, 3.0, 12.5, 29.99, 30.0, 30.01, 250.0])
def test_log_cosh_across_magnitudes(r):
    """Against ``log1p(2 sinh^2(r/2))`` (no cancellation, no overflow below |r| = 1400), on
    both sides of the points where a formula might switch branches (1 and 30)."""
    expected = math.log1p(2.0 * math.sinh(r / 2) ** 2)
    assert_close(lossctl.per_sample("log-cosh", [r, -r], [0.0, 0.0]), [expected, expected])


def test_log_cosh_of_large_residuals_does_not_overflow():
    # cosh(1000) overflows; log cosh r = |r| - log 2 + log1p(e^-2|r|) = |r| - log 2 here.
    r = np.array([1000.0, -800.0])
    assert_close(lossctl.per_sample("log-cosh", r, np.zeros(2)), np.abs(r) - LN2)


def test_hinge_embedding_by_hand():
    # y = [1, -1, -1], x = [0.5, 1.5, 0.25], margin 1: the similar pair costs its distance 0.5,
    # the dissimilar ones max(0, 1 - 1.5) = 0 and max(0, 1 - 0.25) = 0.75: mean 1.25 / 3.
    assert lossctl.compute("hinge-embedding", [1.0, -1.0, -1.0], [0.5, 1.5, 0.25]) == 1.25 / 3
    # Labels {0, 1} read 0 as -1: the same value.
    assert lossctl.compute("hinge-embedding", [1.0, 0.0, 0.0], [0.5, 1.5, 0.25]) == 1.25 / 3
