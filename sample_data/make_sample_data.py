"""Generate every file of sample_data/: CSV and Parquet of each table, plus model_weights.npy.

    python sample_data/make_sample_data.py            # rewrites the files next to this script

Deterministic: each table has its own seed for ``numpy.random.default_rng``; the worked
examples' files are written from ``lossctl.examples``, the single source of their data. CSV
cells are the shortest decimal that reads back to the same float64 (Python ``repr``), so the
CSV and Parquet of a table hold identical values.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lossctl.examples import examples

HERE = Path(__file__).resolve().parent
CLASSES = 10
MICRO = 1_000_000
"""Probabilities are written in millionths, so each row of multiclass_probs sums to exactly 1."""


def write_table(out: Path, name: str, columns: dict[str, np.ndarray]) -> None:
    """``name.csv`` and ``name.parquet`` in ``out``, with the same columns and values."""
    with open(out / f"{name}.csv", "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for row in zip(*columns.values(), strict=True):
            writer.writerow([repr(value.item()) if isinstance(value, np.number) else value for value in row])
    pq.write_table(pa.table(columns), out / f"{name}.parquet")


def regression_truth() -> np.ndarray:
    """The y_true shared by preds, model_a and model_b: 200 values around 50."""
    return np.round(np.random.default_rng(1).normal(50.0, 15.0, size=200), 2)


def with_outliers(y_true: np.ndarray, *, seed: int, noise: float, outliers: int, bias: float = 0.0) -> np.ndarray:
    """Predictions: y_true plus bias and N(0, noise) errors, ``outliers`` of them off by 40 to 80."""
    rng = np.random.default_rng(seed)
    y_pred = y_true + bias + rng.normal(0.0, noise, size=y_true.size)
    rows = rng.choice(y_true.size, size=outliers, replace=False)
    y_pred[rows] += rng.choice([-1.0, 1.0], size=outliers) * rng.uniform(40.0, 80.0, size=outliers)
    return np.round(y_pred, 2)


def binary() -> dict[str, np.ndarray]:
    """2000 imbalanced binary rows (about 10% positives) with a region and a sample weight."""
    rng = np.random.default_rng(4)
    n = 2000
    regions = np.array(["north", "south", "east", "west"])
    group = regions[rng.integers(0, regions.size, size=n)]
    base_rate = {"north": 0.06, "south": 0.08, "east": 0.12, "west": 0.14}
    y_true = (rng.random(n) < np.vectorize(base_rate.get)(group)).astype(np.int64)
    # The model separates the classes less well in the west: a slice worth finding.
    signal = np.where(group == "west", 1.2, 2.6)
    logit = -2.6 + signal * y_true + rng.normal(0.0, 1.0, size=n)
    y_pred = np.clip(np.round(1.0 / (1.0 + np.exp(-logit)), 4), 0.0001, 0.9999)
    weight = rng.choice([0.5, 1.0, 2.0], size=n, p=[0.2, 0.6, 0.2])
    return {"y_true": y_true, "y_pred": y_pred, "group": group, "weight": weight}


def multiclass() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """500 rows of 10 classes: (logits table, probabilities table) of the same model.

    The probabilities are the softmax of the written logits, floored to millionths (at least
    one), the last class taking the remainder: each written row sums to exactly 1.
    """
    rng = np.random.default_rng(5)
    n = 500
    y_true = rng.integers(0, CLASSES, size=n)
    logits = rng.normal(0.0, 1.0, size=(n, CLASSES))
    logits[np.arange(n), y_true] += 2.5
    logits = np.round(logits, 4)
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    softmax = shifted / shifted.sum(axis=1, keepdims=True)
    micro = np.maximum(np.floor(softmax * MICRO).astype(np.int64), 1)
    micro[:, -1] = MICRO - micro[:, :-1].sum(axis=1)
    if micro.min() < 1:
        raise RuntimeError("a probability row has no remainder left for its last class")
    logit_table = {"y_true": y_true, **{f"logit_{k}": logits[:, k] for k in range(CLASSES)}}
    prob_table = {"y_true": y_true, **{f"prob_{k}": micro[:, k] / MICRO for k in range(CLASSES)}}
    return logit_table, prob_table


def pairs() -> dict[str, np.ndarray]:
    """300 pairs: label 1 (similar, close) or 0 (dissimilar, far), and their distance."""
    rng = np.random.default_rng(6)
    label = (rng.random(300) < 0.5).astype(np.int64)
    distance = np.where(label == 1, rng.normal(0.4, 0.25, size=300), rng.normal(1.3, 0.4, size=300))
    return {"label": label, "distance": np.round(np.abs(distance), 4)}


def triplets() -> dict[str, np.ndarray]:
    """300 triplets as anchor-positive and anchor-negative distances; some violate the margin."""
    rng = np.random.default_rng(7)
    d_ap = np.round(np.abs(rng.normal(0.6, 0.3, size=300)), 4)
    d_an = np.round(np.abs(rng.normal(1.4, 0.5, size=300)), 4)
    return {"d_ap": d_ap, "d_an": d_an}


def critic() -> dict[str, np.ndarray]:
    """400 critic scores: label 1 for real samples, 0 for generated ones."""
    rng = np.random.default_rng(8)
    label = np.repeat(np.array([1, 0]), 200)
    score = np.where(label == 1, rng.normal(0.8, 0.6, size=400), rng.normal(-0.4, 0.6, size=400))
    return {"label": label, "score": np.round(score, 4)}


def model_weights() -> np.ndarray:
    """100 float64 weights of a model, for the l1, l2 and elastic-net penalties."""
    return np.round(np.random.default_rng(9).normal(0.0, 0.5, size=100), 6)


def example_tables() -> dict[str, dict[str, np.ndarray]]:
    """The worked examples' files, by name; examples sharing a file must agree on its data."""
    tables: dict[str, dict[str, np.ndarray]] = {}
    for example in examples():
        name = example.data_file.removesuffix(".csv")
        columns = example.data_columns()
        previous = tables.setdefault(name, columns)
        if previous.keys() != columns.keys() or not all(np.array_equal(previous[k], columns[k]) for k in columns):
            raise RuntimeError(f"examples disagree on the data of {example.data_file}")
    return tables


def main(out: Path = HERE) -> None:
    """Write every sample file into ``out``."""
    y_true = regression_truth()
    write_table(out, "preds", {"y_true": y_true, "y_pred": with_outliers(y_true, seed=10, noise=2.0, outliers=6)})
    write_table(out, "model_a", {"y_true": y_true, "y_pred": with_outliers(y_true, seed=2, noise=1.5, outliers=4)})
    write_table(
        out, "model_b", {"y_true": y_true, "y_pred": with_outliers(y_true, seed=3, noise=4.0, outliers=0, bias=0.5)}
    )
    write_table(out, "binary", binary())
    logit_table, prob_table = multiclass()
    write_table(out, "multiclass_logits", logit_table)
    write_table(out, "multiclass_probs", prob_table)
    write_table(out, "pairs", pairs())
    write_table(out, "triplets", triplets())
    write_table(out, "critic", critic())
    weights = model_weights()
    np.save(out / "model_weights.npy", weights)
    write_table(out, "model_weights", {"w": weights})
    for name, columns in example_tables().items():
        write_table(out, name, columns)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
