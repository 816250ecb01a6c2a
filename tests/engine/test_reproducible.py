"""Bit for bit, whatever the split: the same rows read as CSV in chunks of any size, as Parquet
in row groups of any size, and handed to the Python API whole give the same float, for data
that defeats a float sum (magnitudes from 1e-300 to 1e150, signed scores that cancel, zero
weights)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

import lossctl
from lossctl.engine.evaluate import evaluate
from lossctl.options.request import build_request

SETTINGS = settings(max_examples=12, deadline=None)

# mse of residuals up to 1e150 stays below 1.8e308; the critic's scores are signed, so its two
# means are sums that cancel.
LOSSES = ["mse", "mae", "huber:delta=0.5", "quantile:quantile=0.9", "log-cosh", "mse + 2*mae"]
MAGNITUDE = st.integers(-300, 150).map(lambda k: 10.0**k)
SIGNED = st.tuples(st.floats(-10.0, 10.0), MAGNITUDE).map(lambda t: t[0] * t[1])


@st.composite
def rows(draw, signed_targets: bool) -> dict[str, np.ndarray]:
    n = draw(st.integers(2, 400))
    y_pred = np.array(draw(st.lists(SIGNED, min_size=n, max_size=n)))
    if signed_targets:  # the critic: y = 0 fake, 1 real, rows 0 and 1 one of each
        y_true = np.array([0.0, 1.0, *draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n - 2, max_size=n - 2))])
    else:
        y_true = np.array(draw(st.lists(SIGNED, min_size=n, max_size=n)))
    weight = np.array(draw(st.lists(st.sampled_from([0.0, 0.1, 1.0, 3.0, 1e-300, 1e150]), min_size=n, max_size=n)))
    weight[:2] = 1.0  # a class of non-zero weight for the critic; a non-zero total for all
    return {"y_true": y_true, "y_pred": y_pred, "weight": weight}


def write(directory: Path, columns: dict[str, np.ndarray], row_group_rows: int) -> tuple[Path, Path]:
    csv = directory / "rows.csv"
    # repr() round-trips every float64 exactly.
    lines = [",".join(columns)] + [",".join(repr(float(v)) for v in row) for row in zip(*columns.values(), strict=True)]
    csv.write_text("\n".join(lines) + "\n")
    parquet = directory / "rows.parquet"
    pq.write_table(pa.table(columns), parquet, row_group_size=row_group_rows)
    return csv, parquet


def values(path: Path, losses: list[str], chunk_rows: int) -> list[float]:
    evaluation, _ = evaluate(build_request(str(path), losses, chunk_rows=chunk_rows))
    return [result.value for result in evaluation.results]


def api(losses: list[str], columns: dict[str, np.ndarray]) -> list[float]:
    return [
        lossctl.compute(name, columns["y_true"], columns["y_pred"], sample_weight=columns["weight"]) for name in losses
    ]


def check(losses: list[str], columns: dict[str, np.ndarray], splits: tuple[int, int, int]) -> None:
    csv_chunk, row_group, parquet_chunk = splits
    with tempfile.TemporaryDirectory() as directory:
        csv, parquet = write(Path(directory), columns, row_group)
        expected = api(losses, columns)
        assert values(csv, losses, csv_chunk) == expected
        assert values(parquet, losses, parquet_chunk) == expected


SPLITS = st.tuples(st.integers(1, 64), st.integers(1, 64), st.integers(1, 64))


@SETTINGS
@given(columns=rows(signed_targets=False), splits=SPLITS)
def test_regression_losses_are_the_same_float_whatever_the_split(columns, splits):
    check(LOSSES, columns, splits)


@SETTINGS
@given(columns=rows(signed_targets=True), splits=SPLITS)
def test_the_critic_whose_means_cancel_is_the_same_float_whatever_the_split(columns, splits):
    check(["wasserstein"], columns, splits)


def test_scores_of_the_whole_sample_are_the_same_float_from_a_file_in_chunks():
    # 100,000 rows read 7,777 at a time from CSV and in row groups of 10,000 from Parquet, the
    # targets spilled to sorted runs past a million values in the real thing (here in memory):
    # the skill and calibration scores equal the Python API's on the whole arrays.
    rng = np.random.default_rng(11)
    n = 100_000
    y = np.round(rng.normal(1e3, 5.0, n), 3)
    p = y + rng.normal(0.0, 1.0, n)
    columns = {"y_true": y, "y_pred": p, "weight": rng.integers(0, 3, n).astype(float)}
    losses = ["r2", "explained-variance", "d2:mae", "d2:quantile:quantile=0.9", "nrmse:normalization=std"]
    with tempfile.TemporaryDirectory() as directory:
        csv, parquet = write(Path(directory), columns, 10_000)
        expected = api(losses, columns)
        assert values(csv, losses, 7_777) == expected
        assert values(parquet, losses, 4_096) == expected
        labels = (rng.random(n) < 0.3).astype(float)
        probs = np.clip(0.3 + rng.normal(0.0, 0.2, n), 0.0, 1.0)
        binary = {"y_true": labels, "y_pred": probs, "weight": columns["weight"]}
        calibration = ["ece", "ece:binning=equal-mass,bins=20", "brier-resolution", "d2:bce"]
        csv, parquet = write(Path(directory), binary, 10_000)
        assert values(csv, calibration, 7_777) == values(parquet, calibration, 4_096) == api(calibration, binary)
