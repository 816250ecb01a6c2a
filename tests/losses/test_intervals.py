"""Confidence intervals against their textbook formulas, SciPy's bootstrap, and each other."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from scipy import special, stats

import lossctl
from lossctl.losses.intervals import resample_counts, resampled
from lossctl.losses.replication import GROUPS, groups_of_rows

Z95 = NormalDist().inv_cdf(0.975)


def residual_data(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.normal(0.0, 3.0, n)
    return y, y + rng.normal(0.0, 1.5, n)


@pytest.mark.parametrize("n", [2, 7, 200, 5000])
def test_normal_interval_of_a_mean_is_the_textbook_one(n):
    # mean -/+ z s / sqrt(n), s the sample standard deviation (n - 1 in its denominator), the
    # lower end no lower than 0, the least squared error.
    y, p = residual_data(n)
    terms = [(a - b) ** 2 for a, b in zip(y.tolist(), p.tolist(), strict=True)]
    mean = math.fsum(terms) / n
    s = math.sqrt(math.fsum((t - mean) ** 2 for t in terms) / (n - 1))
    ci = lossctl.interval("mse", y, p)
    assert (ci.level, ci.method) == (0.95, "normal")
    assert ci.low == pytest.approx(max(mean - Z95 * s / math.sqrt(n), 0.0), rel=1e-12)
    assert ci.high == pytest.approx(mean + Z95 * s / math.sqrt(n), rel=1e-12)


def test_normal_interval_of_a_non_negative_loss_ends_at_0():
    # Nine exact predictions and one off by 3: mse = 9/10, and the textbook interval
    # 0.9 -/+ z s / sqrt(10), s^2 = (9 (0.9)^2 + (8.1)^2) / 9 = 8.1, reaches below 0; its
    # upper end stays, its lower end is 0, the least value of a squared error.
    y, p = np.zeros(10), np.array([0.0] * 9 + [3.0])
    half = Z95 * math.sqrt(8.1) / math.sqrt(10)
    ci = lossctl.interval("mse", y, p)
    assert (ci.low, ci.high) == (0.0, pytest.approx(0.9 + half, rel=1e-12))
    # A Gaussian negative log-likelihood can be negative: its interval is left as it is.
    var = np.full(10, 0.5)
    nll = lossctl.interval("gaussian-nll", y, np.zeros(10), variance=var)
    assert nll.low < 0.0


def test_an_interval_holds_its_value_where_a_divergence_dips_below_0():
    # Targets need to sum to 1 only within 1e-3 and are not renormalized, so a KL divergence
    # can be below 0: the interval is not cut at 0 (kl-divergence declares no least value).
    rng = np.random.default_rng(5)
    t = np.full((40, 3), 0.333)
    t[:, 2] += rng.uniform(0.0, 5e-4, 40)
    p = np.full((40, 3), 1.0 / 3.0)
    value = float(np.mean(special.rel_entr(t, p).sum(axis=1)))
    ci = lossctl.interval("kl-divergence", t, p)
    assert value < 0.0
    assert ci.low <= value <= ci.high
    assert ci.low < ci.high


def test_normal_interval_of_a_weighted_mean_linearizes_the_ratio():
    # R = sum w l / sum w; var = n/(n-1) sum w_i^2 (l_i - R)^2 / (sum w)^2 (Cochran 6.3).
    y, p = residual_data(300)
    w = np.random.default_rng(2).choice([0.5, 1.0, 3.0], 300)
    terms = np.abs(y - p)
    ratio = np.sum(w * terms) / np.sum(w)
    se = math.sqrt(300 / 299 * np.sum(w**2 * (terms - ratio) ** 2)) / np.sum(w)
    ci = lossctl.interval("mae", y, p, sample_weight=w, level=0.9)
    z = NormalDist().inv_cdf(0.95)
    assert (ci.low, ci.high) == pytest.approx((ratio - z * se, ratio + z * se), rel=1e-12)


def test_rmse_interval_is_the_square_root_of_the_mse_interval():
    y, p = residual_data(500)
    mse, rmse = lossctl.interval("mse", y, p), lossctl.interval("rmse", y, p)
    assert (rmse.low, rmse.high) == pytest.approx((math.sqrt(mse.low), math.sqrt(mse.high)), rel=1e-15)
    # Its standard error by the delta method: d sqrt(m) / dm = 1 / (2 sqrt(m)).
    terms = (y - p) ** 2
    se_mse = np.std(terms, ddof=1) / math.sqrt(500)
    assert mse.se == pytest.approx(se_mse, rel=1e-12)
    assert rmse.se == pytest.approx(se_mse / (2.0 * math.sqrt(np.mean(terms))), rel=1e-12)


def test_an_expression_takes_the_jackknife_over_the_replicate_groups():
    # Delete-a-group jackknife of mse + 0.5 mae, by hand from the rows' groups.
    y, p = residual_data(1000)
    groups = groups_of_rows(np.arange(1000), 0)
    sq, ab = (y - p) ** 2, np.abs(y - p)
    used = np.unique(groups)
    deleted = np.array([np.mean(sq[groups != g]) + 0.5 * np.mean(ab[groups != g]) for g in used])
    g = len(used)
    se = math.sqrt((g - 1) / g * np.sum((deleted - deleted.mean()) ** 2))
    value = np.mean(sq) + 0.5 * np.mean(ab)
    ci = lossctl.interval("mse + 0.5*mae", y, p)
    assert (ci.low, ci.high) == pytest.approx((value - Z95 * se, value + Z95 * se), rel=1e-10)


def test_bootstrap_agrees_with_scipy_where_each_row_is_its_own_group():
    # Rows whose replicate groups all differ: resampling the groups is resampling the rows,
    # so SciPy's percentile bootstrap of the mean estimates the same interval. lossctl's ends
    # come from 2000 resamples: each lies, with probability above 99.99%, between SciPy's
    # quantiles at p -/+ 4 sqrt(p (1 - p) / 2000) (the binomial spread of an empirical quantile).
    rows = np.arange(2000)
    groups = groups_of_rows(rows, 0)
    _, first = np.unique(groups, return_index=True)
    picked = np.sort(first)[:40]  # 40 rows in 40 different groups
    assert len(set(groups[picked].tolist())) == 40 < GROUPS
    rng = np.random.default_rng(3)
    y_all, p_all = np.zeros(2000), np.zeros(2000)
    y_all[picked] = rng.normal(0.0, 1.0, 40)
    p_all[picked] = y_all[picked] + rng.standard_t(4, 40)
    terms = (y_all[picked] - p_all[picked]) ** 2
    # The same 40 rows as a 40-row input: the rows keep their groups only at their positions,
    # so give lossctl the positions' data through zero-weight filler rows.
    weight = np.zeros(2000)
    weight[picked] = 1.0
    ci = lossctl.interval("mse", y_all, p_all, sample_weight=weight, method="bootstrap")
    reference = stats.bootstrap((terms,), np.mean, method="percentile", n_resamples=200_000, random_state=4)
    boot = reference.bootstrap_distribution
    for end, p in ((ci.low, 0.025), (ci.high, 0.975)):
        spread = 4 * math.sqrt(p * (1 - p) / 2000)
        assert np.quantile(boot, p - spread) <= end <= np.quantile(boot, p + spread)
    # The standard error is the resamples' standard deviation: from 2000 resamples its
    # relative error has sd about 1 / sqrt(2 * 2000) = 1.6% (kurtosis of the t(4) terms
    # widens it): within 10% of SciPy's from 200,000.
    assert ci.se == pytest.approx(reference.standard_error, rel=0.1)


def test_intervals_are_repeatable_and_follow_the_seed():
    y, p = residual_data(400)
    first = lossctl.interval("huber", y, p, method="bootstrap", seed=7)
    assert lossctl.interval("huber", y, p, method="bootstrap", seed=7) == first
    assert lossctl.interval("huber", y, p, method="bootstrap", seed=8) != first


@pytest.mark.parametrize(
    ("loss", "arrays", "message"),
    [
        ("l2", {"y_true": [0.5, -1.0, 2.0]}, "no sampled rows"),
        ("wasserstein-distance", {"y_true": [1.0, 2.0, 3.0], "y_pred": [1.5, 2.5, 4.0]}, "whole samples"),
        ("mse + 0.5*mae", {"y_true": [1.0], "y_pred": [2.0]}, "fewer than two rows"),
        ("mse", {"y_true": [1.0], "y_pred": [2.0]}, "fewer than two rows"),
        # one row of non-zero weight among five: still fewer than two rows (n counts weighted rows)
        (
            "mse",
            {"y_true": [0.0] * 5, "y_pred": [1.0, 2, 3, 4, 5], "sample_weight": [1.0, 0, 0, 0, 0]},
            "fewer than two rows",
        ),
        ("mse + max-error", {"y_true": [1.0, 2.0, 3.0], "y_pred": [1.5, 2.5, 4.0]}, "whole samples"),
    ],
)
@pytest.mark.parametrize("method", ["normal", "bootstrap"])
def test_no_interval_says_why(loss, arrays, message, method):
    with pytest.raises(lossctl.losses.LossError, match=message):
        lossctl.interval(loss, **arrays, method=method)


def test_level_and_method_are_checked():
    with pytest.raises(ValueError, match="level"):
        lossctl.interval("mse", [1.0, 2.0], [1.0, 3.0], level=1.0)
    with pytest.raises(ValueError, match="method"):
        lossctl.interval("mse", [1.0, 2.0], [1.0, 3.0], method="exact")


def test_zero_weight_rows_do_not_count_in_n_over_n_minus_1():
    # 40 rows of weight 1 among 2000: the textbook interval of those 40 rows alone.
    rng = np.random.default_rng(8)
    y, p = rng.normal(0.0, 1.0, 2000), rng.normal(0.0, 1.0, 2000)
    weight = np.zeros(2000)
    weight[::50] = 1.0
    alone = lossctl.interval("mse", y[::50], p[::50])
    padded = lossctl.interval("mse", y, p, sample_weight=weight)
    assert (padded.low, padded.high) == pytest.approx((alone.low, alone.high), rel=1e-12)


def test_an_overflowing_square_leaves_the_bootstrap():
    # Squared errors of 1e200 are finite; their squares are not: no normal interval, a bootstrap.
    y, p = np.zeros(100), np.random.default_rng(9).normal(0.0, 1e100, 100)
    with pytest.raises(lossctl.losses.LossError, match="overflow"):
        lossctl.interval("mse", y, p)
    ci = lossctl.interval("mse", y, p, method="bootstrap")
    assert ci.low <= lossctl.compute("mse", y, p) <= ci.high


def test_a_scores_interval_stops_at_a_perfect_one():
    # r2's normal interval is the delete-a-group jackknife's value -/+ z se (by hand below, with
    # scikit-learn's r2_score of the rows left); near a perfect fit of few rows value + z se
    # passes 1, which no r2 reaches: the upper end is 1, the lower end unmoved.
    from sklearn.metrics import r2_score

    rng = np.random.default_rng(5)
    y = rng.normal(0.0, 1.0, 12)
    p = y + rng.normal(0.0, 0.02, 12)
    p[3] += 0.8  # one poor row: the groups disagree
    groups = groups_of_rows(np.arange(12), 0)
    deleted = np.array([r2_score(y[groups != g], p[groups != g]) for g in np.unique(groups)])
    g = len(deleted)
    se = math.sqrt((g - 1) / g * np.sum((deleted - deleted.mean()) ** 2))
    value = r2_score(y, p)
    assert value + Z95 * se > 1.0
    ci = lossctl.interval("r2", y, p)
    assert ci.high == 1.0
    assert ci.low == pytest.approx(value - Z95 * se, rel=1e-10)


def test_resampled_sums_add_the_groups_in_their_order():
    # Each resample's sums, by hand: a running float sum over the groups in order. Terms of
    # mixed magnitudes make the order show in the last bits (a BLAS product chooses its own).
    rng = np.random.default_rng(41)
    groups = rng.standard_normal((64, 3)) * 10.0 ** rng.integers(-8, 9, (64, 3))
    counts = resample_counts(64, seed=3)[:200]
    expected = np.zeros((200, 3))
    for i in range(200):
        for j in range(3):
            total = 0.0
            for g in range(64):
                total += counts[i, g] * groups[g, j]
            expected[i, j] = total
    assert np.array_equal(resampled(counts, groups), expected)
