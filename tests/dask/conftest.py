"""Fixtures of the Dask engine's tests: a local cluster of two worker processes, shared by
the tests that do not harm it, and the datasets they read.

Dask is imported at once (by dask_cluster): without it (``pip install -e '.[test,dask]'``)
these tests fail, they are never skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dask_cluster import local_cluster, on_dask
from dask_data import MAKERS, table, write

from lossctl.engine.evaluate import evaluate
from lossctl.engine.request import Request


@pytest.fixture(scope="session")
def scheduler() -> Iterator[str]:
    """The address of a cluster the tests share (none of them harms it)."""
    with local_cluster(**{"distributed.scheduler.allowed-failures": 3}) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="session")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One Parquet dataset per kind of data: 3 files of 2 or 3 row groups; the regression
    one Hive-partitioned by ``region``."""
    root = tmp_path_factory.mktemp("datasets")
    out = {}
    for kind in MAKERS:
        partition = "region" if kind == "regression" else None
        out[kind] = write(root / kind, table(kind, 6000), files=3, row_group_rows=800, partition=partition)
    return out


@pytest.fixture
def both(scheduler: str) -> Callable[..., tuple]:
    """``both(request)`` -> the local engine's and the Dask engine's ``(evaluation, warnings)``."""

    def evaluate_both(request: Request) -> tuple:
        return evaluate(request), evaluate(on_dask(request, scheduler))

    return evaluate_both
