"""An interval is the same float whatever the split: CSV in chunks of any size, Parquet in row
groups of any size, and the Python API on the whole arrays, for both methods."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

import lossctl
from lossctl.engine.evaluate import evaluate
from lossctl.options.request import build_request

from .test_reproducible import write

LOSSES = ["mse", "rmse", "huber:delta=0.5", "mse + 2*mae"]


@pytest.mark.parametrize("method", ["normal", "bootstrap"])
@pytest.mark.parametrize(("chunk_rows", "row_group_rows"), [(7, 5), (64, 1000), (1 << 16, 33)])
def test_interval_does_not_depend_on_the_split(method, chunk_rows, row_group_rows):
    rng = np.random.default_rng(11)
    n = 900
    columns = {
        "y_true": rng.normal(0.0, 1e3, n) * 10.0 ** rng.integers(-5, 5, n),
        "y_pred": rng.normal(0.0, 1e3, n),
        "weight": rng.choice([0.0, 0.5, 1.0, 7.0], n),
    }
    expected = [
        lossctl.interval(
            loss, columns["y_true"], columns["y_pred"], sample_weight=columns["weight"], method=method, seed=3
        )
        for loss in LOSSES
    ]
    with tempfile.TemporaryDirectory() as directory:
        for path in write(Path(directory), columns, row_group_rows):
            request = build_request(str(path), LOSSES, chunk_rows=chunk_rows, ci=0.95, ci_method=method, seed=3)
            evaluation, _ = evaluate(request)
            assert [r.ci for r in evaluation.results] == expected, path.suffix


SCORES = {
    "regression": ["d2:mae", "d2:mse", "d2:quantile:quantile=0.8", "d2:poisson"],
    "binary": ["ece", "rmsce", "brier-resolution", "brier-uncertainty", "d2:bce", "rmsce:binning=equal-mass"],
}


@pytest.mark.parametrize("method", ["normal", "bootstrap"])
@pytest.mark.parametrize("kind", list(SCORES))
def test_intervals_of_skill_and_calibration_scores_do_not_depend_on_the_split(method, kind):
    # The constant's loss of d2 is summed by replicate group in a second pass over sorted runs,
    # and calibration bins by group: neither may depend on how the rows came.
    rng = np.random.default_rng(12)
    n = 1500
    if kind == "regression":
        y = rng.gamma(2.0, 3.0, n)
        columns = {"y_true": y, "y_pred": y * rng.uniform(0.5, 1.5, n) + 0.1}
    else:
        p = rng.random(n)
        columns = {"y_true": (rng.random(n) < p * 0.8).astype(float), "y_pred": p}
    columns["weight"] = rng.choice([0.0, 0.5, 1.0, 7.0], n)
    losses = SCORES[kind]
    expected = [
        lossctl.interval(
            loss, columns["y_true"], columns["y_pred"], sample_weight=columns["weight"], method=method, seed=3
        )
        for loss in losses
    ]
    with tempfile.TemporaryDirectory() as directory:
        for path in write(Path(directory), columns, 97):
            for chunk_rows in (13, 1 << 16):
                request = build_request(str(path), losses, chunk_rows=chunk_rows, ci=0.95, ci_method=method, seed=3)
                evaluation, _ = evaluate(request)
                assert [r.ci for r in evaluation.results] == expected, (path.suffix, chunk_rows)
