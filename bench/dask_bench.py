"""The local engine against the Dask engine on two local worker processes, same dataset.

A Hive-partitioned Parquet dataset of regression rows (``--files`` files of ``--row-groups``
row groups, ``--rows`` rows in all) is written once under bench/data/dask/. Every streamable
regression loss is then computed three ways, each timed wall-clock (best of ``--repeat``):

- local: ``lossctl.engine.evaluate.evaluate`` in this process;
- dask, warm: ``lossctl.engine.distributed.evaluate`` on a running cluster of 2
  single-threaded worker processes (``local_cluster(2)``: what a long-lived cluster costs
  per run);
- dask, cold: the same with the cluster (one worker per core) started and stopped by the
  run, as ``lossctl compute --engine dask`` does without ``--scheduler``.

The overhead is the Dask time over the local time; the values must agree to 1e-12.

    python bench/dask_bench.py [--rows 16000000] [--files 8] [--row-groups 4] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lossctl.engine.cluster import local_cluster
from lossctl.engine.evaluate import evaluate
from lossctl.engine.task import Task, default_losses
from lossctl.losses.tasks import REGRESSION
from lossctl.options.request import build_request

DATA_DIR = Path(__file__).resolve().parent / "data" / "dask"


def make_dataset(rows: int, files: int, row_groups: int) -> Path:
    """``files`` Parquet files in two partitions (region=a, region=b), written once."""
    root = DATA_DIR / f"regression-{rows}-{files}x{row_groups}"
    if root.exists():
        return root
    rng = np.random.default_rng(0)
    per_file = rows // files
    for k in range(files):
        y_true = rng.lognormal(0.0, 1.0, per_file)
        y_pred = y_true * rng.lognormal(0.0, 0.3, per_file)
        directory = root / f"region={'a' if k < files // 2 else 'b'}"
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / f"part-{k:03d}.parquet"
        pq.write_table(
            pa.table({"y_true": y_true, "y_pred": y_pred}), target, row_group_size=-(-per_file // row_groups)
        )
    return root


def best(repeat: int, run: Callable[[], tuple]) -> tuple[float, tuple]:
    """The fastest of ``repeat`` runs, in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def agree(a, b) -> float:
    """The largest relative difference between the values of two evaluations."""
    return max(abs(x.value - y.value) / abs(x.value) for x, y in zip(a[0].results, b[0].results, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=16_000_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--row-groups", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    root = make_dataset(args.rows, args.files, args.row_groups)
    losses = default_losses(Task(REGRESSION))
    request = build_request(str(root), losses)
    parts = args.files * args.row_groups
    print(
        f"{args.rows:,} rows, {args.files} files x {args.row_groups} row groups ({parts} parts), {len(losses)} losses"
    )

    local_s, expected = best(args.repeat, lambda: evaluate(request))
    with local_cluster(n_workers=2) as cluster:
        on_cluster = build_request(str(root), losses, engine="dask", scheduler=cluster.scheduler_address)
        warm_s, warm = best(args.repeat, lambda: evaluate(on_cluster))
    cold_s, cold = best(1, lambda: evaluate(build_request(str(root), losses, engine="dask")))
    worst = max(agree(expected, warm), agree(expected, cold))
    assert worst <= 1e-12, worst

    print("| engine | seconds | rows/s | vs local |")
    print("| --- | ---: | ---: | ---: |")
    for name, seconds in [
        ("local", local_s),
        ("dask, warm cluster", warm_s),
        ("dask, cold (starts a cluster)", cold_s),
    ]:
        print(f"| {name} | {seconds:.2f} | {args.rows / seconds / 1e6:.1f}M | {seconds / local_s:.2f}x |")
    print(f"overhead of a warm cluster: {warm_s - local_s:+.2f} s; of starting one: {cold_s - warm_s:+.2f} s")
    print(f"largest relative difference of the values: {worst:.1e}" if worst else "values identical")


if __name__ == "__main__":
    main()
