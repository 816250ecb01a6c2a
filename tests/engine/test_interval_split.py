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
