"""Forecast scores: against properscoring and PyTorch (fixtures made by
tests/reference/make_forecast_fixtures.py), the CRPS definition integrated numerically, and
hand-worked intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, special
from sklearn.metrics import mean_pinball_loss

import lossctl
from lossctl.io import quantile_level
from lossctl.losses import Batch, InputDomainError

from ._support import assert_close, merged_in_parts

FIXTURES = np.load(Path(__file__).resolve().parents[1] / "reference" / "forecast_fixtures.npz")
Y, MU, SIGMA, MEMBERS = (FIXTURES[name] for name in ("y", "mu", "sigma", "members"))


def test_crps_gaussian_per_row_agrees_with_properscoring():
    got = lossctl.per_sample("crps-gaussian", Y, MU, scale=SIGMA)
    assert_close(got, FIXTURES["crps_gaussian"], rtol=1e-12)


@pytest.mark.parametrize(("y", "mu", "sigma"), [(0.3, 0.0, 1.0), (5.0, -1.0, 0.5), (-2.0, -2.0, 3.0), (40.0, 0.0, 2.0)])
def test_crps_gaussian_is_the_integral_of_its_definition(y, mu, sigma):
    # CRPS = int (F(x) - [x >= y])^2 dx, F the N(mu, sigma^2) CDF: below y, F^2; above, (1 - F)^2.
    def cdf(x):
        return special.ndtr((x - mu) / sigma)

    below, _ = integrate.quad(lambda x: cdf(x) ** 2, -np.inf, y, epsabs=1e-13, epsrel=1e-13, limit=200)
    above, _ = integrate.quad(lambda x: (1.0 - cdf(x)) ** 2, y, np.inf, epsabs=1e-13, epsrel=1e-13, limit=200)
    got = lossctl.compute("crps-gaussian", [y], [mu], scale=[sigma])
    assert abs(got - (below + above)) <= 1e-10 * max(1.0, below + above)


def test_crps_ensemble_agrees_with_properscoring_and_the_fair_form_with_its_definition():
    got = lossctl.per_sample("crps-ensemble", Y, None, members=MEMBERS)
    assert_close(got, FIXTURES["crps_ensemble"], rtol=1e-12)
    # The fair estimator by its definition, the pairwise sum over every ordered pair:
    # mean |x_i - y| - sum_ij |x_i - x_j| / (2 m (m - 1)).
    m = MEMBERS.shape[1]
    pairwise = np.abs(MEMBERS[:, :, None] - MEMBERS[:, None, :]).sum(axis=(1, 2))
    fair = np.abs(MEMBERS - Y[:, None]).mean(axis=1) - pairwise / (2 * m * (m - 1))
    assert_close(lossctl.per_sample("crps-ensemble", Y, None, members=MEMBERS, fair=True), fair, rtol=1e-12)


def test_a_one_member_ensemble_is_the_absolute_error():
    assert lossctl.compute("crps-ensemble", [1.0, 4.0], None, members=[[2.0], [1.0]]) == 2.0
    with pytest.raises(InputDomainError, match="at least two members"):
        lossctl.compute("crps-ensemble", [1.0], None, members=[[2.0]], fair=True)


@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll_agrees_with_pytorch_and_clamps_the_variance(full):
    expected = FIXTURES["gaussian_nll_full" if full else "gaussian_nll"]
    got = lossctl.compute("gaussian-nll", Y, MU, variance=FIXTURES["variance"], full=full)
    assert_close(got, float(expected), rtol=1e-12)


def test_interval_score_and_coverage_by_hand():
    # y = [0, 5, -3] in [-1, 1]: widths 2; y = 5 misses above by 4, y = -3 below by 2; with
    # alpha 0.1 a miss costs 2 / 0.1 = 20 per unit: rows 2, 2 + 80, 2 + 40, mean 42.
    y, lower, upper = [0.0, 5.0, -3.0], [-1.0] * 3, [1.0] * 3
    assert lossctl.compute("interval-score", y, None, lower=lower, upper=upper, alpha=0.1) == 42.0
    # Only the first row is covered; both ends count as inside.
    assert lossctl.compute("coverage", y, None, lower=lower, upper=upper) == 1 / 3
    assert lossctl.compute("coverage", [1.0, -1.0], None, lower=[-1.0, -1.0], upper=[1.0, 1.0]) == 1.0


def test_a_crossed_interval_names_its_row():
    with pytest.raises(InputDomainError, match=r"lower\[1\].*above the upper bound"):
        lossctl.compute("interval-score", [0.0, 0.0], None, lower=[-1.0, 2.0], upper=[1.0, 1.0])


def test_coverage_is_ranked_neither_way():
    assert lossctl.resolve("coverage").higher_is_better is None
    assert lossctl.resolve("interval-score").higher_is_better is False


def test_quantile_set_is_the_mean_of_scikit_learns_pinball_losses():
    levels = (0.1, 0.5, 0.9)
    columns = MU[:, None] + np.array([-1.0, 0.0, 1.0]) * SIGMA[:, None]
    expected = np.mean([mean_pinball_loss(Y, columns[:, k], alpha=q) for k, q in enumerate(levels)])
    assert_close(lossctl.compute("quantile-set", Y, None, quantiles=columns, levels=levels), expected, rtol=1e-12)
    with pytest.raises(InputDomainError, match="3 quantile columns but 2 levels"):
        lossctl.compute("quantile-set", Y, None, quantiles=columns, levels=(0.1, 0.9))


def test_quantile_set_gives_each_levels_pinball_loss_as_scikit_learn_does():
    levels = (0.1, 0.5, 0.9)
    columns = MU[:, None] + np.array([-1.0, 0.0, 1.0]) * SIGMA[:, None]
    weights = np.random.default_rng(3).uniform(0.0, 2.0, len(Y))
    loss = lossctl.resolve("quantile-set", {"levels": levels})
    state = loss.state()
    state.update(Batch({"y_true": Y, "quantiles": columns, "sample_weight": weights}))
    got = state.components()
    assert [part["level"] for part in got] == [0.1, 0.5, 0.9]
    for part, k in zip(got, range(3), strict=True):
        expected = mean_pinball_loss(Y, columns[:, k], alpha=levels[k], sample_weight=weights)
        assert_close(part["value"], expected, rtol=1e-12)


def test_quantile_set_levels_are_the_same_floats_whatever_the_split():
    levels = (0.05, 0.5, 0.95)
    columns = MU[:, None] + np.array([-2.0, 0.0, 2.0]) * SIGMA[:, None]
    loss = lossctl.resolve("quantile-set", {"levels": levels})
    whole = loss.state()
    whole.update(Batch({"y_true": Y, "quantiles": columns}))
    parts = merged_in_parts(loss, {"y_true": Y, "quantiles": columns}, [7, 40, len(Y) - 3])
    assert parts.components() == whole.components()
    assert parts.result() == whole.result()


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("q_0.1", 0.1),
        ("quantile_0.95", 0.95),
        ("q10", 0.1),
        ("q_5", 0.05),
        ("q_1.5", None),
        ("q_1e-3", None),
        ("q_v2", None),
    ],
)
def test_quantile_levels_from_column_names(name, level):
    assert quantile_level(name) == level


def test_gaussian_nll_without_a_clamp_refuses_a_zero_variance():
    with pytest.raises(InputDomainError, match=r"variance\[1\]: 0 is not positive"):
        lossctl.compute("gaussian-nll", [0.0, 1.0], [0.0, 1.0], variance=[1.0, 0.0], eps=0.0)
