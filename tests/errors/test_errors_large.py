"""A long file with one bad row at its very end: the error names that row and no partial result
is printed. Streamed in small batches through the engine (``build_request(chunk_rows=...)``), and
through the command line on a few hundred thousand rows."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lossctl.engine.evaluate import evaluate
from lossctl.errors import InputError
from lossctl.options.request import build_request

from ._support import error_line

MILLIONS = 3_000_000
BATCH = 8192


@pytest.fixture(scope="module")
def long_parquet(tmp_path_factory) -> dict[str, Path]:
    """3 million binary rows in Parquet row groups of 250,000, each variant with one bad value
    in its last row."""
    directory = tmp_path_factory.mktemp("long")
    rng = np.random.default_rng(7)
    y_true = (rng.random(MILLIONS) < 0.5).astype(np.float64)
    y_pred = rng.uniform(0.05, 0.95, MILLIONS)
    files = {}
    for name, value in {"above_one": 1.5, "nan": np.nan, "negative": -0.25}.items():
        bad = y_pred.copy()
        bad[-1] = value
        path = directory / f"{name}.parquet"
        pq.write_table(pa.table({"y_true": y_true, "y_pred": bad}), path, row_group_size=250_000)
        files[name] = path
    return files


@pytest.mark.parametrize(
    ("variant", "words"),
    [("above_one", ["probability 1.5", "from_logits=True"]), ("nan", ["missing value"]), ("negative", ["-0.25"])],
)
def test_streamed_millions_bad_last_row(long_parquet, variant, words):
    sizes: list[int] = []

    def sink(rows: np.ndarray, values: dict[str, np.ndarray]) -> None:
        sizes.append(len(rows))

    request = build_request(str(long_parquet[variant]), ["bce"], chunk_rows=BATCH, per_sample=sink)
    with pytest.raises(InputError) as caught:
        evaluate(request)
    error = caught.value
    assert error.row == MILLIONS
    assert error.column == "y_pred"
    message = str(error)
    assert f"row {MILLIONS}" in message and f"{variant}.parquet" in message
    for word in words:
        assert word in message
    # it was streamed: every batch but the failing one went through, none larger than BATCH
    assert max(sizes) <= BATCH
    assert sum(sizes) >= MILLIONS - BATCH


def test_streamed_millions_good_file_matches_one_shot(long_parquet, tmp_path):
    """The positive control: the same rows without the bad one give the one-shot value."""
    table = pq.read_table(long_parquet["above_one"]).slice(0, MILLIONS - 1)
    pq.write_table(table, tmp_path / "good.parquet", row_group_size=250_000)
    evaluation, _ = evaluate(build_request(str(tmp_path / "good.parquet"), ["mse"], chunk_rows=BATCH))
    y = table["y_true"].to_numpy()
    p = table["y_pred"].to_numpy()
    expected = float(np.mean((y - p) ** 2))
    assert evaluation.results[0].value == pytest.approx(expected, rel=1e-12)
    assert evaluation.results[0].n == MILLIONS - 1


def test_streamed_millions_of_csv_rows_non_number_in_last_row(tmp_path):
    """A CSV of several read windows (about 20 MB against windows of 8 MiB) is read window by
    window; a non-number in its last row is found and named."""
    body = b"1,0.25\n0,0.5\n" * (MILLIONS // 2)
    body = body[: -len(b"0,0.5\n")] + b"0,oops\n"
    (tmp_path / "long.csv").write_bytes(b"y_true,y_pred\n" + body)
    with pytest.raises(InputError) as caught:
        evaluate(build_request(str(tmp_path / "long.csv"), ["mse"], chunk_rows=65536))
    message = str(caught.value)
    assert "long.csv" in message and "column 'y_pred'" in message and f"row {MILLIONS}" in message
    assert "'oops'" in message


ROWS = 300_000


@functools.cache
def _good_rows() -> str:
    """The header and the ROWS - 1 good rows of every long CSV (formatted once)."""
    rows = np.arange(ROWS - 1)
    y_true = rows % 2
    y_pred = (rows % 10) / 10 + 0.05
    lines = "\n".join(f"{t},{p:.2f}" for t, p in zip(y_true.tolist(), y_pred.tolist(), strict=True))
    return "y_true,y_pred\n" + lines + "\n"


def _long_csv(path: Path, last: str) -> None:
    path.write_text(_good_rows() + last + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("last", "loss", "column", "words"),
    [
        ("1,1.5", "bce", "y_pred", ["1.5", "--from-logits"]),
        ("1,", "mse", "y_pred", ["--nan"]),
        ("x,0.5", "mse", "y_true", ["'x'"]),
        ("1,0.5,7", "mse", None, ["3 fields"]),
        ("3,0.5", "focal", "y_true", ["label 3"]),
        ("-1,0.5", "msle", "y_true", ["negative"]),
    ],
)
def test_cli_last_row_bad_prints_no_result(invoke, tmp_path, last, loss, column, words):
    _long_csv(tmp_path / "long.csv", last)
    for fmt in ("table", "json"):
        line = error_line(*invoke("compute", "-l", loss, "--format", fmt, "long.csv"))  # stdout must be empty
        assert "long.csv" in line and f"row {ROWS}" in line
        if column is not None:
            assert f"column {column!r}" in line
        for word in words:
            assert word in line


def test_cli_compare_last_row_bad_prints_no_result(invoke, tmp_path):
    _long_csv(tmp_path / "long.csv", "1,nan")
    line = error_line(*invoke("compare", "long.csv"))
    assert "long.csv" in line and f"row {ROWS}" in line
