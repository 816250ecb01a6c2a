"""Chunks: column projection, boundaries, start offsets, identical results for any chunk size."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from io_table import IDS, Y_PRED

from lossctl.io import columnar, open_source
from lossctl.io.chunk import Chunk, exact_chunks

FORMATS = ["csv", "tsv", "jsonl", "parquet", "feather", "npy", "npz"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_chunk_rows_7_gives_the_same_arrays_with_right_starts(tmp_path, table, fmt):
    source = open_source(str(table.write(tmp_path, fmt)))
    chunks = list(source.iter_chunks(["y_pred", "y_true"], ["id"], chunk_rows=7))
    assert [chunk.start for chunk in chunks] == [0, 7, 14, 21]
    assert [chunk.num_rows for chunk in chunks] == [7, 7, 7, 2]
    for chunk in chunks:
        assert set(chunk.arrays) == {"y_pred", "y_true", "id"}
        assert all(len(array) == chunk.num_rows for array in chunk.arrays.values())
        np.testing.assert_array_equal(chunk.arrays["y_pred"], Y_PRED[chunk.start : chunk.start + chunk.num_rows])
        np.testing.assert_array_equal(chunk.arrays["id"], IDS[chunk.start : chunk.start + chunk.num_rows])
        assert chunk.arrays["y_pred"].flags.c_contiguous
    (whole,) = source.iter_chunks(["y_pred", "y_true"], ["id"])
    for name in whole.arrays:
        np.testing.assert_array_equal(np.concatenate([c.arrays[name] for c in chunks]), whole.arrays[name])


@pytest.mark.parametrize("chunk_rows", [1, 2, 5, 22, 23, 24, 1000])
def test_any_chunk_size(tmp_path, table, chunk_rows):
    source = open_source(str(table.write(tmp_path, "parquet")))
    chunks = list(source.iter_chunks(["y_pred"], chunk_rows=chunk_rows))
    assert [c.start for c in chunks] == list(range(0, len(IDS), chunk_rows))
    np.testing.assert_array_equal(np.concatenate([c.arrays["y_pred"] for c in chunks]), Y_PRED)


@pytest.mark.parametrize("fmt", FORMATS)
def test_only_requested_columns(tmp_path, table, fmt):
    source = open_source(str(table.write(tmp_path, fmt)))
    (chunk,) = source.iter_chunks(["y_true"])
    assert list(chunk.arrays) == ["y_true"]


def test_projection_skips_unreadable_columns(tmp_path):
    """A column that is not requested is never converted: its non-numbers do not matter."""
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"junk": ["x", "y"], "v": [1.5, 2.5]}), path)
    (chunk,) = open_source(str(path)).iter_chunks(["v"])
    np.testing.assert_array_equal(chunk.arrays["v"], [1.5, 2.5])


def _spy_on_parquet_reads(monkeypatch) -> list[int]:
    """Record the rows each Parquet read decodes (a whole row group, or one batch)."""
    decoded: list[int] = []
    read_row_group, iter_batches = pq.ParquetFile.read_row_group, pq.ParquetFile.iter_batches

    def spy_group(self, *args, **kwargs):
        table = read_row_group(self, *args, **kwargs)
        decoded.append(table.num_rows)
        return table

    def spy_batches(self, *args, **kwargs):
        for batch in iter_batches(self, *args, **kwargs):
            decoded.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", spy_group)
    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy_batches)
    return decoded


@pytest.mark.parametrize(
    ("row_group_size", "largest_read"),
    [
        (100, 100),  # row groups of 100 cells (<= 200) are decoded one at a time
        (1000, 50),  # one row group of 1000 cells (> 200) is streamed 50 rows at a time
    ],
)
def test_parquet_reads_lazily(tmp_path, monkeypatch, row_group_size, largest_read):
    """Memory is bounded by a row group or a batch, never by the file: taking the first chunk
    decodes at most one read's worth of rows, and no read is larger than expected."""
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"v": np.arange(1000, dtype=np.float64)}), path, row_group_size=row_group_size)
    monkeypatch.setattr(columnar, "WHOLE_ROW_GROUP_CELLS", 200)
    decoded = _spy_on_parquet_reads(monkeypatch)
    chunks = open_source(str(path)).iter_chunks(["v"], chunk_rows=50)
    first = next(chunks)
    assert first.num_rows == 50
    assert sum(decoded) == largest_read
    rest = list(chunks)
    assert max(decoded) == largest_read
    np.testing.assert_array_equal(np.concatenate([first.arrays["v"], *(c.arrays["v"] for c in rest)]), np.arange(1000))


def test_same_column_numeric_and_other_comes_once_as_numeric(tmp_path, table):
    source = open_source(str(table.write(tmp_path, "csv")))
    (chunk,) = source.iter_chunks(["y_true"], ["y_true", "id"])
    assert list(chunk.arrays) == ["y_true", "id"]
    assert chunk.arrays["y_true"].dtype == np.float64


def test_no_column_requested_is_a_programming_error(tmp_path, table):
    source = open_source(str(table.write(tmp_path, "csv")))
    with pytest.raises(ValueError):
        source.iter_chunks([])
    with pytest.raises(ValueError):
        source.iter_chunks(["y_true"], chunk_rows=0)


def test_exact_chunks_regroup_batches():
    batches = [{"a": np.arange(0, 3)}, {"a": np.arange(3, 4)}, {"a": np.arange(4, 12)}]
    chunks = list(exact_chunks(batches, 5))
    assert [(c.start, c.num_rows) for c in chunks] == [(0, 5), (5, 5), (10, 2)]
    assert [c.arrays["a"].tolist() for c in chunks] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]


def test_exact_chunks_pass_a_fitting_batch_without_copy():
    batch = {"a": np.arange(5)}
    (chunk,) = exact_chunks([batch], 5)
    assert chunk == Chunk(0, batch, 5)
    assert chunk.arrays["a"] is batch["a"]
