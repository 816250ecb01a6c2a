"""Agreement with scikit-learn's metrics on seeded random inputs of 1, 2, 7 and 1000 rows,
with and without sample weights, to 1e-12 relative."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from sklearn import metrics

import lossctl

from ._support import SIZES, assert_close, binary_labels, rng_for, row_distributions, sample_weights

Arrays = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Peer:
    """A lossctl loss, the scikit-learn function that defines the same quantity, and inputs."""

    loss: str
    params: dict[str, Any]
    reference: Callable[..., float]
    make: Callable[[np.random.Generator, int], Arrays]

    def __str__(self) -> str:
        params = ",".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.loss}:{params}" if params else self.loss


def regression(rng, n):
    return rng.normal(0.0, 3.0, n), rng.normal(0.0, 3.0, n)


def non_negative(rng, n):
    # Counts with zeros (0 log 0 = 0 in the Poisson deviance) and positive predictions.
    return rng.poisson(3.0, n).astype(float), rng.uniform(0.05, 8.0, n)


def positive(rng, n):
    return rng.uniform(0.05, 8.0, n), rng.uniform(0.05, 8.0, n)


def regression_positive_mean(rng, n):
    # Tweedie power < 0: any target, a positive predicted mean.
    return rng.normal(0.0, 3.0, n), rng.uniform(0.05, 8.0, n)


def away_from_zero(rng, n):
    y = rng.uniform(0.5, 10.0, n) * rng.choice([-1.0, 1.0], n)
    return y, y + rng.normal(0.0, 2.0, n)


def some_zero_targets(rng, n):
    # scikit-learn divides by max(|y|, eps), eps the float64 machine epsilon, for y = 0.
    y, p = away_from_zero(rng, n)
    y[::2] = 0.0
    return y, p


def probabilities(rng, n):
    return binary_labels(rng, n), rng.uniform(0.0, 1.0, n)


def scores_pm1(rng, n):
    return 2.0 * binary_labels(rng, n) - 1.0, rng.normal(0.0, 2.0, n)


def scores_01(rng, n):
    return binary_labels(rng, n), rng.normal(0.0, 2.0, n)


CLASSES = 4


def class_scores(rng, n):
    return rng.integers(0, CLASSES, n).astype(float), rng.normal(0.0, 2.0, (n, CLASSES))


def class_probabilities(rng, n):
    return rng.integers(0, CLASSES, n).astype(float), row_distributions(rng, n, CLASSES)


LABELS_01 = {"labels": [0, 1]}  # scikit-learn cannot infer two classes from one row
CLASS_LABELS = {"labels": np.arange(CLASSES)}

PEERS = [
    Peer("mse", {}, metrics.mean_squared_error, regression),
    Peer("rmse", {}, metrics.root_mean_squared_error, regression),
    Peer("mae", {}, metrics.mean_absolute_error, regression),
    *(
        Peer(
            "quantile",
            {"quantile": q},
            lambda y, p, q=q, **kw: metrics.mean_pinball_loss(y, p, alpha=q, **kw),
            regression,
        )
        for q in (0.0, 0.1, 0.5, 0.9, 1.0)
    ),
    Peer("mape", {}, metrics.mean_absolute_percentage_error, away_from_zero),
    Peer("mape", {}, metrics.mean_absolute_percentage_error, some_zero_targets),
    Peer("msle", {}, metrics.mean_squared_log_error, non_negative),
    Peer("poisson", {}, metrics.mean_poisson_deviance, non_negative),
    Peer("rmsle", {}, metrics.root_mean_squared_log_error, non_negative),
    Peer("gamma-deviance", {}, metrics.mean_gamma_deviance, positive),
    *(
        Peer(
            "tweedie-deviance",
            {"power": power},
            lambda y, p, power=power, **kw: metrics.mean_tweedie_deviance(y, p, power=power, **kw),
            data,
        )
        for power, data in ((-1.0, regression_positive_mean), (0.0, regression), (1.0, non_negative))
        + ((1.5, non_negative), (2.0, positive), (3.0, positive), (4.5, positive))
    ),
    Peer("bce", {}, lambda y, p, **kw: metrics.log_loss(y, p, **LABELS_01, **kw), probabilities),
    Peer("hinge", {}, lambda y, s, **kw: metrics.hinge_loss(y, s, **kw), scores_pm1),
    Peer("hinge", {}, lambda y, s, **kw: metrics.hinge_loss(y, s, **kw), scores_01),
    Peer("brier", {}, lambda y, p, **kw: metrics.brier_score_loss(y, p, **LABELS_01, **kw), probabilities),
    Peer("multiclass-hinge", {}, lambda y, s, **kw: metrics.hinge_loss(y, s, **CLASS_LABELS, **kw), class_scores),
    Peer("cross-entropy", {}, lambda y, p, **kw: metrics.log_loss(y, p, **CLASS_LABELS, **kw), class_probabilities),
    Peer("brier", {}, lambda y, p, **kw: metrics.brier_score_loss(y, p, **CLASS_LABELS, **kw), class_probabilities),
    # The predicted class: positive where p > 0.5 (torchmetrics, Keras), the argmax of a matrix.
    Peer("zero-one", {}, lambda y, p, **kw: metrics.zero_one_loss(y, p > 0.5, **kw), probabilities),
    Peer("zero-one", {}, lambda y, s, **kw: metrics.zero_one_loss(y, s.argmax(axis=1), **kw), class_scores),
    Peer("zero-one", {}, lambda y, p, **kw: metrics.zero_one_loss(y, p.argmax(axis=1), **kw), class_probabilities),
]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("peer", PEERS, ids=str)
def test_matches_scikit_learn(peer: Peer, n: int, weighted: bool):
    rng = rng_for(str(peer), peer.make.__name__, n)
    y_true, y_pred = peer.make(rng, n)
    weight = sample_weights(rng, n) if weighted else None
    expected = peer.reference(y_true, y_pred, sample_weight=weight)
    assert_close(lossctl.compute(peer.loss, y_true, y_pred, sample_weight=weight, **peer.params), expected)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_bce_of_probabilities_exactly_0_and_1_matches_log_loss(weighted: bool):
    # Both clip to [eps, 1 - eps] with eps the float64 machine epsilon: a confident miss
    # costs -log(eps) = 52 log 2 = 36.04..., a confident hit -log(1 - eps) ~ 2.2e-16.
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    p = np.array([0.0, 1.0, 1.0, 0.0, 0.5, 0.25])
    weight = np.array([1.0, 2.0, 0.5, 3.0, 1.0, 1.0]) if weighted else None
    expected = metrics.log_loss(y, p, sample_weight=weight)
    assert_close(lossctl.compute("bce", y, p, sample_weight=weight), expected)


def test_bce_confident_misses_cost_minus_log_eps():
    # By hand: rows 0 and 1 are confident misses, -log(2**-52) = 52 ln 2 each; mean = 52 ln 2.
    value = lossctl.compute("bce", [1.0, 0.0], [0.0, 1.0])
    assert_close(value, 52 * np.log(2.0))


def test_float32_inputs_are_computed_in_float64():
    rng = rng_for("float32")
    y32 = rng.normal(0.0, 1.0, 1000).astype(np.float32)
    p32 = (y32 + rng.normal(0.0, 1e-3, 1000)).astype(np.float32)
    expected = metrics.mean_squared_error(y32.astype(np.float64), p32.astype(np.float64))
    value = lossctl.compute("mse", y32, p32)
    assert isinstance(value, float)
    assert_close(value, expected)


def test_max_error_matches_scikit_learn():
    rng = rng_for("max-error")
    for n in SIZES:
        y, p = regression(rng, n)
        assert lossctl.compute("max-error", y, p) == metrics.max_error(y, p)
    # With weights: the rows of zero weight do not count (scikit-learn takes no weights).
    assert lossctl.compute("max-error", [0.0, 0.0, 0.0], [5.0, 1.0, -2.0], sample_weight=[0.0, 1.0, 2.0]) == 2.0
