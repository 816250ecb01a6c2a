"""The datasets of the Dask tests, made by the tests: one table per kind of data, split in
order into files (and row groups), so that row ``i`` of the table is dataset row ``i + 1``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from lossctl.engine.task import SCORES, Task
from lossctl.losses.tasks import BINARY, MULTICLASS, PAIR, REGRESSION, TRIPLET


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def regression(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    y_true = rng.lognormal(0.0, 1.0, n)
    return {"y_true": y_true, "y_pred": y_true * rng.lognormal(0.0, 0.3, n), "weight": rng.uniform(0.5, 2.0, n)}


def binary(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    y_true = rng.integers(0, 2, n).astype(float)
    return {"y_true": y_true, "y_pred": _sigmoid(rng.normal(2.0 * y_true - 1.0, 1.5, n))}


def binary_logits(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    y_true = rng.integers(0, 2, n).astype(float)
    return {"y_true": y_true, "logit": rng.normal(2.0 * y_true - 1.0, 1.5, n)}


def scores(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    y_true = rng.integers(0, 2, n).astype(float)
    return {"y_true": y_true, "y_pred": rng.normal(2.0 * y_true - 1.0, 1.5, n)}


def multiclass(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    labels = rng.integers(0, 4, n)
    logits = rng.normal(0.0, 1.0, (n, 4))
    logits[np.arange(n), labels] += 1.5
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return {"y_true": labels.astype(float), **{f"prob_{k}": probs[:, k] for k in range(4)}}


def pairs(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """A pair label, the pair's distance, two scores and two embeddings of 3 dimensions."""
    label = rng.integers(0, 2, n).astype(float)
    inputs = {"label": label, "distance": np.abs(rng.normal(1.5 - label, 0.5, n))}
    inputs |= {"x1": rng.normal(label, 1.0, n), "x2": rng.normal(0.0, 1.0, n)}
    embeddings = rng.normal(0.0, 1.0, (2, n, 3))
    return inputs | {f"x{k + 1}_{j}": embeddings[k, :, j] for k in range(2) for j in range(3)}


def triplets(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {"d_ap": np.abs(rng.normal(0.8, 0.4, n)), "d_an": np.abs(rng.normal(1.4, 0.5, n))}


MAKERS: dict[str, tuple[Callable[[np.random.Generator, int], dict[str, np.ndarray]], Task]] = {
    "regression": (regression, Task(REGRESSION)),
    "binary": (binary, Task(BINARY)),
    "binary-logits": (binary_logits, Task(BINARY, from_logits=True)),
    "scores": (scores, Task(SCORES)),
    "multiclass": (multiclass, Task(MULTICLASS)),
    "pairs": (pairs, Task(PAIR)),
    "triplets": (triplets, Task(TRIPLET)),
}


def table(kind: str, n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """``n`` rows of data of ``kind``."""
    make, _ = MAKERS[kind]
    return make(np.random.default_rng(seed), n)


def write(
    root: Path,
    columns: dict[str, np.ndarray],
    *,
    files: int,
    row_group_rows: int,
    partition: str | None = None,
    fmt: str = "parquet",
) -> Path:
    """The table written in order to ``files`` files under ``root`` (a Hive key ``partition``
    with values ``a`` then ``b`` splits them in two halves); returns ``root``."""
    data = pa.table(columns)
    bounds = np.linspace(0, data.num_rows, files + 1).astype(int)
    for k in range(files):
        directory = root if partition is None else root / f"{partition}={'a' if k < files // 2 else 'b'}"
        directory.mkdir(parents=True, exist_ok=True)
        piece = data.slice(bounds[k], bounds[k + 1] - bounds[k])
        if fmt == "parquet":
            pq.write_table(piece, directory / f"part-{k:03d}.parquet", row_group_size=row_group_rows)
        else:
            pacsv.write_csv(piece, directory / f"part-{k:03d}.csv")
    return root
