"""Seeded benchmark data: regression, binary and multi-class inputs as CSV and Parquet.

Every dataset is drawn chunk by chunk from one ``numpy.random.default_rng(seed)`` and written
with pyarrow, so the generator's memory is bounded by the chunk size (the 5x regression file is
~1.8 GB as CSV, ~0.8 GB as Parquet) and the CSV and the Parquet file of a dataset hold the same
rows. A file is written under a temporary name and renamed when complete; a missing format of a
dataset is drawn again from its seed, the formats present are kept unless ``--regenerate`` is
given.

Regression values are positive (log-normal labels, multiplicative log-normal errors) so that
every regression loss fits, mape, msle and poisson included.

    python bench/make_data.py [--quick] [--regenerate]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

DATA_DIR = Path(__file__).resolve().parent / "data"
CHUNK_ROWS = 1 << 20
REPORT_ROWS = 1_000_000
N_CLASSES = 10

Chunk = Callable[[np.random.Generator, int], pa.Table]


def regression_chunk(rng: np.random.Generator, n: int) -> pa.Table:
    """Positive labels and predictions: y_true ~ LogNormal(0, 1), y_pred = y_true * LogNormal(0, 0.3)."""
    y_true = rng.lognormal(0.0, 1.0, n)
    y_pred = y_true * rng.lognormal(0.0, 0.3, n)
    return pa.table({"y_true": y_true, "y_pred": y_pred})


def binary_chunk(rng: np.random.Generator, n: int) -> pa.Table:
    """Labels in {0, 1} and a probability from a noisy logit that leans towards the label."""
    y_true = rng.integers(0, 2, n)
    logit = 1.5 * (2 * y_true - 1) + rng.normal(0.0, 1.5, n)
    return pa.table({"y_true": y_true, "y_pred": 1.0 / (1.0 + np.exp(-logit))})


def multiclass_chunk(rng: np.random.Generator, n: int) -> pa.Table:
    """A class label in 0..9 and ten logits, the true class's raised by 2."""
    y_true = rng.integers(0, N_CLASSES, n)
    logits = rng.normal(0.0, 1.0, (n, N_CLASSES))
    logits[np.arange(n), y_true] += 2.0
    columns = {"y_true": y_true} | {f"logit_{k}": logits[:, k] for k in range(N_CLASSES)}
    return pa.table(columns)


@dataclass(frozen=True)
class Dataset:
    """One seeded dataset, written in the listed formats."""

    name: str
    chunk: Chunk
    rows: int
    seed: int
    formats: tuple[str, ...] = ("csv", "parquet")

    def path(self, fmt: str, root: Path) -> Path:
        return root / f"{self.name}.{fmt}"


def datasets(quick: bool) -> dict[str, Dataset]:
    """The benchmark's datasets: 10M rows (1M with ``quick``), 1M multi-class (100k), 5x regression,
    and the 1M-row CSV of ``lossctl report`` (at both scales: its target is for a million rows)."""
    base = 1_000_000 if quick else 10_000_000
    multi = 100_000 if quick else 1_000_000
    return {
        d.name: d
        for d in (
            Dataset("regression", regression_chunk, base, seed=1),
            Dataset("binary", binary_chunk, base, seed=2),
            Dataset("multiclass", multiclass_chunk, multi, seed=3),
            Dataset("regression_5x", regression_chunk, 5 * base, seed=4),
            Dataset("report", regression_chunk, REPORT_ROWS, seed=5, formats=("csv",)),
        )
    }


def data_root(quick: bool) -> Path:
    """Where the data of a scale lives: bench/data/full or bench/data/quick."""
    return DATA_DIR / ("quick" if quick else "full")


class _CsvSink:
    """A CSV file with a plain (unquoted) header, appended to batch by batch."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.file = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.file.write((",".join(schema.names) + "\n").encode())
        self.writer = pacsv.CSVWriter(self.file, schema, write_options=pacsv.WriteOptions(include_header=False))

    def write(self, table: pa.Table) -> None:
        self.writer.write_table(table)

    def close(self) -> None:
        self.writer.close()
        self.file.close()


class _ParquetSink:
    """A Parquet file with one row group per generated chunk."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.writer = pq.ParquetWriter(path, schema)

    def write(self, table: pa.Table) -> None:
        self.writer.write_table(table)

    def close(self) -> None:
        self.writer.close()


SINKS = {"csv": _CsvSink, "parquet": _ParquetSink}


def write_dataset(dataset: Dataset, root: Path, formats: list[str]) -> None:
    """Draw the dataset chunk by chunk and append each chunk to every requested format."""
    rng = np.random.default_rng(dataset.seed)
    tmp = {fmt: dataset.path(fmt, root).with_suffix(f".{fmt}.tmp") for fmt in formats}
    sinks = None
    for start in range(0, dataset.rows, CHUNK_ROWS):
        table = dataset.chunk(rng, min(CHUNK_ROWS, dataset.rows - start))
        if sinks is None:
            sinks = {fmt: SINKS[fmt](tmp[fmt], table.schema) for fmt in formats}
        for sink in sinks.values():
            sink.write(table)
    for fmt, sink in sinks.items():
        sink.close()
        os.replace(tmp[fmt], dataset.path(fmt, root))


def ensure(quick: bool, regenerate: bool = False, log=print) -> dict[str, Dataset]:
    """Write every missing dataset file (all of them with ``regenerate``); return the datasets."""
    root = data_root(quick)
    root.mkdir(parents=True, exist_ok=True)
    all_sets = datasets(quick)
    for dataset in all_sets.values():
        todo = [f for f in dataset.formats if regenerate or not dataset.path(f, root).exists()]
        if not todo:
            continue
        log(f"generating {dataset.name} ({dataset.rows:,} rows) as {', '.join(todo)} ...")
        start = time.perf_counter()
        write_dataset(dataset, root, todo)
        sizes = ", ".join(f"{dataset.path(f, root).stat().st_size / 2**20:,.0f} MiB" for f in todo)
        log(f"  done in {time.perf_counter() - start:.1f} s ({sizes})")
    return all_sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1M-row files (5M for regression_5x)")
    parser.add_argument("--regenerate", action="store_true", help="rewrite the files even if present")
    args = parser.parse_args(argv)
    ensure(args.quick, args.regenerate, log=lambda msg: print(msg, file=sys.stderr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
