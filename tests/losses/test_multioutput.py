"""Multi-output regression: every output a regression of its own, averaged as scikit-learn's
``multioutput`` ('uniform_average', 'raw_values', 'variance_weighted'), to 1e-12 relative."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from sklearn import metrics

import lossctl
from lossctl.losses import Batch, resolve
from lossctl.losses.intervals import interval, tracked
from lossctl.losses.multioutput import MultiOutputLoss
from lossctl.losses.replication import groups_of_rows

from ._support import assert_close, merged_in_parts, rng_for

MODES = {"uniform": "uniform_average", "raw": "raw_values", "variance-weighted": "variance_weighted"}

# lossctl's loss, scikit-learn's function, and whether it takes variance_weighted.
PEERS = [
    ("mse", metrics.mean_squared_error, False),
    ("rmse", metrics.root_mean_squared_error, False),
    ("mae", metrics.mean_absolute_error, False),
    ("median-absolute-error", metrics.median_absolute_error, False),
    ("quantile:quantile=0.8", lambda y, p, **k: metrics.mean_pinball_loss(y, p, alpha=0.8, **k), False),
    ("r2", metrics.r2_score, True),
    ("explained-variance", metrics.explained_variance_score, True),
    ("d2:mae", metrics.d2_absolute_error_score, False),
]


def outputs(n: int = 400, k: int = 3, seed: str = "multi") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Targets of three scales (the weights of variance_weighted differ), noisy predictions."""
    rng = rng_for(seed, n, k)
    y = rng.normal(0.0, 1.0, (n, k)) * np.array([1.0, 5.0, 20.0])[:k]
    return y, y + rng.normal(0.0, 1.5, (n, k)), rng.uniform(0.2, 2.0, n)


CASES = [
    pytest.param(loss, reference, mode, weighted, id=f"{loss}-{mode}-{'weighted' if weighted else 'plain'}")
    for loss, reference, variance in PEERS
    for mode in MODES
    for weighted in (False, True)
    if variance or mode != "variance-weighted"  # scikit-learn weighs by variance only r2 and explained variance
]


@pytest.mark.parametrize(("loss", "reference", "mode", "weighted"), CASES)
def test_each_mode_agrees_with_scikit_learn(loss, reference, mode, weighted):
    y, p, w = outputs()
    weights = {"sample_weight": w} if weighted and loss != "median-absolute-error" else {}
    expected = reference(y, p, multioutput=MODES[mode], **weights)
    assert_close(lossctl.compute(loss, y, p, multioutput=mode, **weights), expected, rtol=1e-12)


def test_variance_weighted_weighs_each_loss_by_its_targets_variance():
    # For a loss scikit-learn gives no variance weights, the definition itself:
    # sum_k var(y_k) L_k / sum_k var(y_k), the variance of each target column (ddof 0).
    y, p, _ = outputs()
    per_output = [metrics.mean_absolute_error(y[:, k], p[:, k]) for k in range(3)]
    spread = y.var(axis=0)
    expected = float(np.dot(spread, per_output) / spread.sum())
    assert_close(lossctl.compute("mae", y, p, multioutput="variance-weighted"), expected, rtol=1e-12)


@pytest.mark.parametrize("mode", list(MODES))
def test_the_same_floats_whatever_the_split(mode):
    y, p, w = outputs(n=500, seed="split")
    loss = MultiOutputLoss(resolve("mse"), ("a", "b", "c"), mode)
    whole = loss.state()
    whole.update(Batch({"y_true": y, "y_pred": p, "sample_weight": w}))
    parts = merged_in_parts(loss, {"y_true": y, "y_pred": p, "sample_weight": w}, [3, 200, 499])
    assert parts.result() == whole.result()
    assert parts.components() == whole.components()


def test_the_interval_resamples_the_outputs_together():
    # The delete-a-group jackknife of the mean over outputs of each output's MSE, by hand from
    # the rows' replicate groups (the outputs of a row share its group).
    y, p, _ = outputs(n=600, k=2, seed="interval")
    groups = groups_of_rows(np.arange(600), 0)
    squares = (y - p) ** 2
    deleted = np.array([squares[groups != g].mean(axis=0).mean() for g in np.unique(groups)])
    g = len(deleted)
    se = math.sqrt((g - 1) / g * np.sum((deleted - deleted.mean()) ** 2))
    value, z = squares.mean(axis=0).mean(), NormalDist().inv_cdf(0.975)
    state = MultiOutputLoss(resolve("mse"), ("a", "b"), "uniform").state()
    state = tracked(state, moments=False, groups=True)
    batch = Batch({"y_true": y, "y_pred": p})
    batch.replicates = groups
    state.update(batch)
    ci = interval(state, level=0.95, method="normal")
    assert (ci.low, ci.high) == pytest.approx((value - z * se, value + z * se), rel=1e-10)
    assert ci.se == pytest.approx(se, rel=1e-10)


def test_raw_gives_one_value_per_output():
    y, p, _ = outputs()
    got = lossctl.compute("mae", y, p, multioutput="raw")
    assert_close(got, [metrics.mean_absolute_error(y[:, k], p[:, k]) for k in range(3)], rtol=1e-12)


def test_targets_and_predictions_must_pair():
    y, p, _ = outputs()
    with pytest.raises(lossctl.losses.InputDomainError, match="3 target columns but 2 prediction columns"):
        lossctl.compute("mse", y, p[:, :2])
    with pytest.raises(ValueError, match="2-D"):
        lossctl.compute("mse", y[:, 0], p[:, 0], multioutput="raw")
