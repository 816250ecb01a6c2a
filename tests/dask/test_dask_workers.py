"""Workers lost mid-run: Dask runs their tasks again and the number is right; when no
worker is left, or a task keeps killing its workers, a clear error and no number."""

from __future__ import annotations

import dataclasses
import math

import pytest
from dask_cluster import kill_worker_when, local_cluster, on_dask
from dask_data import table, write

from lossctl.engine.cluster import ClusterError
from lossctl.engine.evaluate import evaluate
from lossctl.engine.request import Request
from lossctl.options.request import build_request


@pytest.fixture(scope="module")
def slow(tmp_path_factory) -> Request:
    """48 parts of 2,500 rows whose tasks take some hundredths of a second each (tiny chunks,
    groups, worst rows): a run of a second or more on two workers, so that the first progress
    poll (after half a second) finds it under way, and short enough that re-running the parts
    of a killed worker stays cheap."""
    root = write(
        tmp_path_factory.mktemp("slow"),
        table("regression", 120_000),
        files=4,
        row_group_rows=2_500,
        partition="region",
    )
    return build_request(
        str(root),
        ["mse", "mae", "huber", "log-cosh", "quantile"],
        chunk_rows=64,
        worst=3,
        group_by="region",
    )


def test_a_killed_worker_changes_nothing(slow):
    expected, _ = evaluate(
        dataclasses.replace(slow, execution=dataclasses.replace(slow.execution, chunk_rows=1 << 20))
    )  # the same values, sooner
    with local_cluster(**{"distributed.scheduler.allowed-failures": 3}) as cluster:
        killer = kill_worker_when(cluster, parts_done=2)
        evaluation, _ = evaluate(on_dask(slow, cluster.scheduler_address, progress=killer))
    assert killer.killed, "no worker was killed"
    assert [(r.label, r.group, r.n, r.worst) for r in evaluation.results] == [
        (r.label, r.group, r.n, r.worst) for r in expected.results
    ]
    for mine, theirs in zip(expected.results, evaluation.results, strict=True):
        assert math.isclose(theirs.value, mine.value, rel_tol=1e-12)


def test_no_worker_left_is_an_error(slow):
    with local_cluster() as cluster:
        killer = kill_worker_when(cluster, parts_done=2, every=True)
        request = on_dask(slow, cluster.scheduler_address, progress=killer, worker_timeout=1.0)
        with pytest.raises(ClusterError, match=r"no Dask worker left for 1 s .*; no result"):
            evaluate(request)
    assert killer.killed


def test_a_task_that_keeps_killing_workers_is_an_error(slow):
    with local_cluster(**{"distributed.scheduler.allowed-failures": 0}) as cluster:
        killer = kill_worker_when(cluster, parts_done=2)
        request = on_dask(slow, cluster.scheduler_address, progress=killer)
        # The killed worker may be reading a row group or merging two parts' tallies: the
        # error names whichever task it was.
        died = r"Dask workers died while reading (.*\.parquet \(row group \d+\)|merged tallies)"
        with pytest.raises(ClusterError, match=died):
            evaluate(request)
    assert killer.killed
