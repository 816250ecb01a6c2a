"""The engine of ``diff``: the rows that changed most, kept while streaming, and the rate of
false regressions on models that differ only by noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lossctl.engine.changed import TopChanged
from lossctl.engine.diff import diff
from lossctl.engine.slice_changes import direction
from lossctl.options.request import build_request


def test_top_changed_over_chunks_is_the_brute_force_ranking_ties_to_the_earlier_row():
    rng = np.random.default_rng(4)
    n, k = 1000, 25
    loss_a = rng.integers(0, 6, n).astype(float)  # few distinct values: many ties of |change|
    loss_b = rng.integers(0, 6, n).astype(float)
    loss_b[17] = np.nan  # a NaN change ranks nowhere
    top = TopChanged(k)
    labels = np.arange(n) * 0.5
    for start in range(0, n, 97):  # chunks of 97 rows
        rows = np.arange(start, min(start + 97, n))
        top.update(
            rows,
            loss_a[rows],
            loss_b[rows],
            {"key": None, "label": labels[rows], "prediction_a": None, "prediction_b": None},
        )
    size = np.abs(loss_b - loss_a)
    size[17] = -1.0
    expected = np.lexsort((np.arange(n), -size))[:k]
    found = top.items()
    assert [r.row for r in found] == expected.tolist()
    assert [r.change for r in found] == (loss_b - loss_a)[expected].tolist()
    assert [r.label for r in found] == labels[expected].tolist()


def test_direction_is_the_sign_as_a_verdict():
    assert direction(-0.1, False) == "better" and direction(0.1, False) == "worse"
    assert direction(0.1, True) == "better"  # a score that rose
    assert direction(0.0, False) == "no difference"


def _noise_files(folder: Path, rng: np.random.Generator, n: int, extra_sd: float = 1.0) -> list:
    y = rng.normal(0.0, 1.0, n)
    paths = []
    for name, sd in (("a", 1.0), ("b", extra_sd)):
        path = folder / f"{name}.parquet"
        pq.write_table(pa.table({"y_true": y, "y_pred": y + rng.normal(0.0, sd, n)}), path)
        paths.append(str(path))
    return paths


def test_false_regressions_on_noise_are_rare(tmp_path):
    """200 pairs of models of equal expected mse (both errors N(0, 1), independent): B is
    called significantly worse at 95% in a share near 2.5% of them, half of the two-sided 5%.
    The jackknife over 64 replicate groups read against the normal quantile is a little
    liberal: P(t with 63 degrees of freedom > 1.96) = 0.027, so 5.4 of 200 are expected, with
    a binomial sd of sqrt(200 * 0.027 * 0.973) = 2.3; more than 5.4 + 3 sd = 12.3 fails."""
    rng = np.random.default_rng(2024)
    regressions = 0
    for _ in range(200):
        requests = [build_request(path, ["mse"], strict=False, ci=0.95) for path in _noise_files(tmp_path, rng, 200)]
        regressions += diff(*requests, top=0).regression
    assert regressions <= 12


def test_a_real_regression_is_found(tmp_path):
    rng = np.random.default_rng(7)
    requests = [build_request(p, ["mse"], strict=False, ci=0.95) for p in _noise_files(tmp_path, rng, 2000, 1.3)]
    found = diff(*requests, top=3)
    # Expected mse 1.69 against 1: a change of 0.69 with an se of sqrt((2 * 1.69^2 + 2) / 2000) = 0.06.
    assert found.regression and found.comparisons[0].verdict == "worse"
    assert len(found.rows) == 3 and found.key is None


def test_rows_dropped_in_either_file_are_not_ranked(tmp_path):
    y = np.arange(8.0)
    a, b = y + 1.0, y + np.array([0.0, 0.0, 9.0, 0.0, 0.0, 8.0, 0.0, 7.0])
    a[2], b[5] = np.nan, np.nan  # the two largest changes: each row missing in one file
    for name, pred in (("a", a), ("b", b)):
        pq.write_table(pa.table({"y_true": y, "y_pred": pred}), tmp_path / f"{name}.parquet")
    requests = [build_request(str(tmp_path / f"{n}.parquet"), ["mse"], ci=0.95, nan="drop") for n in "ab"]
    found = diff(*requests, top=2)
    assert [r.row for r in found.rows] == [7, 0]  # change 49 - 1, then 0 - 1 (the earliest of the ties)
    # the same labels: still paired, whatever prediction each file left out
    assert [c.loss for c in found.comparisons] == ["mse"]
