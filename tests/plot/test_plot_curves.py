"""Curve data: each loss of one sample along its axis, against hand values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossctl.errors import UsageError
from lossctl.losses import resolve
from lossctl.plot.curves import MARGIN, PROBABILITY, RESIDUAL, axis_of, curve_values, curves_by_axis, grid


def values(loss: str, x: list[float], **defaults) -> np.ndarray:
    return curve_values(resolve(loss, None, defaults), np.array(x))


@pytest.mark.parametrize(
    ("loss", "x", "expected"),
    [
        ("mse", 2.0, 4.0),
        ("mse", -2.0, 4.0),
        ("rmse", -2.0, 2.0),  # the loss of one sample, not the per-sample term r^2
        ("mae", -2.5, 2.5),
        ("huber:delta=1", 2.0, 1.5),  # delta (|r| - delta/2)
        ("huber:delta=1", 0.5, 0.125),  # r^2 / 2 inside delta
        ("smooth-l1:beta=2", 1.0, 0.25),  # huber(2) / 2
        ("quantile:quantile=0.9", 1.0, 0.9),
        ("quantile:quantile=0.9", -1.0, 0.1),
        ("log-cosh", 1.0, math.log(math.cosh(1.0))),
    ],
)
def test_residual_curves_hand_values(loss, x, expected):
    assert axis_of(resolve(loss)) is RESIDUAL
    assert values(loss, [x])[0] == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("loss", "p", "expected"),
    [
        ("bce", 0.5, math.log(2)),
        ("cross-entropy", 0.25, math.log(4)),
        ("focal:gamma=2", 0.5, 0.25 * math.log(2)),  # (1 - p_t)^gamma (-log p_t)
        ("focal:gamma=5", 0.5, math.log(2) / 32),
        ("focal:gamma=0", 0.8, -math.log(0.8)),  # gamma 0 is cross-entropy
        ("brier", 0.7, 0.09),
        ("kl-divergence", 0.5, math.log(2)),
    ],
)
def test_probability_curves_hand_values(loss, p, expected):
    assert axis_of(resolve(loss)) is PROBABILITY
    assert values(loss, [p])[0] == pytest.approx(expected, rel=1e-14)


def test_focal_flattens_the_easy_examples():
    """The focal paper's figure 1: the larger gamma, the smaller the loss of a well-classified
    sample, all equal to cross-entropy as p_t -> 0 in ratio."""
    p = np.array([0.6, 0.9])
    ce = values("cross-entropy", list(p))
    for gamma in (0.5, 1, 2, 5):
        focal = values(f"focal:gamma={gamma}", list(p))
        np.testing.assert_allclose(focal, (1 - p) ** gamma * ce, rtol=1e-14)


def test_multiclass_and_binary_cross_entropy_draw_the_same_curve():
    x, _, _ = grid(PROBABILITY, span=3.0, points=101)
    np.testing.assert_allclose(values("cross-entropy", list(x)), values("bce", list(x)), rtol=1e-14)
    np.testing.assert_allclose(values("focal", list(x)), values("focal:gamma=2", list(x)), rtol=0)


def test_a_curve_does_not_depend_on_how_a_file_gives_probabilities():
    x = [0.1, 0.5, 0.99]
    np.testing.assert_array_equal(values("focal", x, from_logits=True), values("focal", x))


def test_margin_curves():
    assert axis_of(resolve("hinge")) is MARGIN
    np.testing.assert_array_equal(values("hinge", [-1.0, 0.5, 2.0]), [2.0, 0.5, 0.0])
    np.testing.assert_array_equal(values("squared-hinge", [-1.0, 0.5]), [4.0, 0.25])
    np.testing.assert_array_equal(values("multiclass-hinge", [-1.0, 0.5, 2.0]), [2.0, 0.5, 0.0])


def test_a_combined_loss_draws_its_terms_on_samples():
    p = [0.2, 0.7]
    expected = values("bce", p) + 0.5 * values("focal:gamma=1", p)
    np.testing.assert_allclose(values("bce + 0.5*focal:gamma=1 + 1e-4*l2", p), expected, rtol=1e-15)


@pytest.mark.parametrize("loss", ["mape", "msle", "poisson"])
def test_losses_of_y_true_itself_have_no_residual_curve(loss):
    with pytest.raises(UsageError, match=f"{loss} has no residual curve: it depends on y_true itself"):
        values(loss, [0.5])


@pytest.mark.parametrize("loss", ["contrastive", "triplet", "wasserstein", "l2"])
def test_losses_of_other_inputs_have_no_curve(loss):
    with pytest.raises(UsageError, match=f"{loss} has no curve"):
        axis_of(resolve(loss))


def test_grids():
    x, low, high = grid(RESIDUAL, span=2.0, points=5)
    np.testing.assert_array_equal(x, [-2.0, -1.0, 0.0, 1.0, 2.0])
    assert (low, high) == (-2.0, 2.0)
    p, low, high = grid(PROBABILITY, span=2.0, points=4)
    np.testing.assert_array_equal(p, [0.125, 0.375, 0.625, 0.875])
    assert (low, high) == (0.0, 1.0)


def test_curves_by_axis_groups_and_skips():
    losses = [resolve(name) for name in ("mse", "bce", "mape", "huber:delta=0.5", "contrastive")]
    sets, skipped = curves_by_axis(losses, span=2.0, points=9)
    assert [(s.axis, [c.label for c in s.curves]) for s in sets] == [
        (RESIDUAL, ["mse", "huber:delta=0.5"]),
        (PROBABILITY, ["bce"]),
    ]
    assert list(skipped) == ["mape", "contrastive"]
    assert len(sets[0].curves[0].x) == 9
