"""Ten million rows (``HYPOTHESIS_PROFILE=fuzz pytest tests/dask/test_dask_ten_million.py``;
``make test`` reads 400,000): the skill, calibration and forecast scores of a
Parquet dataset read in chunks, of the same arrays held in memory (the Python API) and of the
Dask engine are the same floats. The quick suite checks the same at thousands of rows
(``test_dask_equality``, ``tests/engine/test_reproducible.py``)."""

from __future__ import annotations

import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dask_cluster import on_dask

import lossctl
from lossctl.engine.evaluate import evaluate
from lossctl.options.request import build_request

ROWS = 10_000_000 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 400_000


def _dataset(root, columns: dict[str, np.ndarray]) -> str:
    """Four files of a quarter of the rows, each in row groups of 3/20 of the rows."""
    root.mkdir()
    quarter = ROWS // 4
    for k in range(4):
        part = {name: values[k * quarter : (k + 1) * quarter] for name, values in columns.items()}
        pq.write_table(pa.table(part), root / f"part-{k}.parquet", row_group_size=ROWS * 3 // 20)
    return str(root)


@pytest.mark.parametrize("task", ["regression", "binary"])
def test_millions_of_rows_in_chunks_in_memory_and_on_dask(task, tmp_path, scheduler):
    rng = np.random.default_rng(23)
    y = rng.normal(0.0, 1.0, ROWS)
    if task == "regression":
        columns = {"y_true": y, "y_pred": y + rng.normal(0.0, 1.0, ROWS), "std": rng.uniform(0.5, 2.0, ROWS)}
        losses = ["r2", "explained-variance", "d2:mae", "crps-gaussian"]
        extra = {"crps-gaussian": {"scale": columns["std"]}}
    else:
        p = 1.0 / (1.0 + np.exp(-y))
        columns = {"y_true": (rng.random(ROWS) < p).astype(np.float64), "y_pred": p}
        losses = ["ece", "ece:binning=equal-mass", "brier-reliability", "d2:bce"]
        extra = {}
    path = _dataset(tmp_path / "data", columns)
    options = {"std": "std"} if task == "regression" else {}
    request = build_request(path, losses, **options)
    local, _ = evaluate(request)
    dask, _ = evaluate(on_dask(request, scheduler))
    for name, here, there in zip(losses, local.results, dask.results, strict=True):
        in_memory = lossctl.compute(name, columns["y_true"], columns["y_pred"], **extra.get(name, {}))
        assert here.value == in_memory, name
        assert there.value == in_memory, name
