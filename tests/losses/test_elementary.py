"""``losses.elementary``: the elementary scores of Ehm et al. (2016), checked against their
documented properties: non-negative, zero outside the forecast-outcome interval, and mixing
over theta (Lebesgue measure) to the pinball loss and to half the expectile loss."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from lossctl.losses import Batch
from lossctl.losses.elementary import EXTENT, elementary_expectile, elementary_quantile, elementary_score

PAIRS = [(0.0, 1.5), (2.0, -1.0), (3.0, 3.0), (-0.25, 0.75)]  # (y_true, y_pred)


def score(function, y: float, x: float, level: float, theta: float) -> float:
    return float(function(Batch({"y_true": [y], "y_pred": [x]}), level=level, theta=theta)[0])


@pytest.mark.parametrize("y, x", PAIRS)
@pytest.mark.parametrize("level", [0.1, 0.5, 0.8])
def test_the_quantile_scores_mix_to_the_pinball_loss(y, x, level):
    low, high = min(x, y), max(x, y)
    integral = quad(lambda t: score(elementary_quantile, y, x, level, t), low - 1, high + 1, points=[low, high])[0]
    pinball = max(level * (y - x), (level - 1) * (y - x))
    assert integral == pytest.approx(pinball, abs=1e-9)


@pytest.mark.parametrize("y, x", PAIRS)
@pytest.mark.parametrize("level", [0.1, 0.5, 0.8])
def test_the_expectile_scores_mix_to_half_the_expectile_loss(y, x, level):
    low, high = min(x, y), max(x, y)
    integral = quad(lambda t: score(elementary_expectile, y, x, level, t), low - 1, high + 1, points=[low, high])[0]
    half_expectile = abs(float(y < x) - level) * (y - x) ** 2 / 2
    assert integral == pytest.approx(half_expectile, abs=1e-9)


@pytest.mark.parametrize("function", [elementary_quantile, elementary_expectile])
def test_scores_are_non_negative_and_zero_outside_the_interval(function):
    rng = np.random.default_rng(11)
    y, x = rng.normal(size=500), rng.normal(size=500)
    batch = Batch({"y_true": y, "y_pred": x})
    for theta in np.linspace(-4, 4, 33):
        values = function(batch, level=0.3, theta=float(theta))
        assert (values >= 0).all()
        outside = (theta < np.minimum(x, y)) | (theta >= np.maximum(x, y))
        assert (values[outside] == 0).all()


def test_a_configured_score_and_the_extent():
    batch = Batch({"y_true": [1.0, 5.0, -2.0], "y_pred": [0.5, 7.5, 1.0]})
    # quantile 0.5 at theta 0: only row 3 (y = -2 < 0 <= x = 1) counts, 0.5 of it; mean 0.5/3
    assert elementary_score("quantile", 0.5, 0.0).evaluate(batch) == pytest.approx(0.5 / 3)
    assert [loss.evaluate(batch) for loss in EXTENT] == [-2.0, 7.5]
