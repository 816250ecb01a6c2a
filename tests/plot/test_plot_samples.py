"""Summaries of per-sample losses: histogram, quantiles, the share of the worst rows."""

from __future__ import annotations

import numpy as np
import pytest

from lossctl.plot.samples import SampleCollector, histogram, summarize


def test_shares_of_the_worst_rows():
    values = np.arange(1.0, 101.0)  # total 5050
    summary = summarize("mae", np.arange(100), values, bins=10, worst=3)
    assert summary.n == 100
    assert summary.total == 5050.0
    assert summary.mean == 50.5
    one, ten = summary.shares
    assert (one.fraction, one.rows, one.share) == (0.01, 1, 100 / 5050)
    assert (ten.fraction, ten.rows) == (0.10, 10)
    assert ten.share == pytest.approx(sum(range(91, 101)) / 5050, rel=1e-15)
    assert summary.worst == ((100, 100.0), (99, 99.0), (98, 98.0))  # 1-based rows
    assert dict(summary.quantiles) == pytest.approx({"min": 1, "median": 50.5, "p90": 90.1, "p99": 99.01, "max": 100})
    assert summary.counts.tolist() == [10] * 10
    assert summary.edges[0] == 1.0 and summary.edges[-1] == 100.0


def test_concentration_curve_runs_from_nothing_to_everything():
    values = np.array([0.0, 1.0, 3.0, 6.0])
    fraction, share = summarize("mse", np.arange(4), values).concentration
    np.testing.assert_allclose(fraction, [0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(share, [0, 0.6, 0.9, 1.0, 1.0])


def test_ties_keep_the_earlier_row_as_compute_worst_does():
    summary = summarize("mae", np.array([4, 7, 9]), np.array([2.0, 5.0, 5.0]), worst=2)
    assert summary.worst == ((8, 5.0), (10, 5.0))


def test_a_total_that_is_not_positive_has_no_shares():
    summary = summarize("combined", np.arange(3), np.array([-1.0, 0.5, 0.5]))
    assert [s.share for s in summary.shares] == [None, None]
    assert np.isnan(summary.concentration[1]).all()


def test_equal_values_make_one_bin():
    edges, counts = histogram(np.zeros(5), bins=10)
    assert edges.tolist() == [0.0, 0.0] and counts.tolist() == [5]


def test_collector_keeps_the_chunks_of_each_loss_in_order():
    collector = SampleCollector()
    collector(np.array([0, 1]), {"mse": np.array([1.0, 4.0]), "mae": np.array([1.0, 2.0])})
    collector(np.array([3]), {"mse": np.array([9.0])})
    assert collector.labels() == ["mse", "mae"]
    rows, values = collector.values("mse")
    assert rows.tolist() == [0, 1, 3] and values.tolist() == [1.0, 4.0, 9.0]
