"""Parquet and Arrow IPC: typed columns, row groups, compression, damaged files."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest
from io_table import Y_PRED

from lossctl.errors import InputError
from lossctl.io import open_source

HINT = " (hint: the file may be truncated or corrupt)"


def error_of(path, read=None, numeric=("y_pred",)) -> str:
    with pytest.raises(InputError) as caught:
        source = open_source(str(path))
        read(source, list(numeric))
    text = str(caught.value)
    assert "\n" not in text
    return text


def test_not_a_number_in_a_later_row_group_names_the_row(tmp_path, read):
    path = tmp_path / "x.parquet"
    texts = [str(i) for i in range(30)]
    texts[17] = "n/a!"
    pq.write_table(pa.table({"p": texts}), path, row_group_size=4)
    with pytest.raises(InputError) as caught:
        read(open_source(str(path)), ["p"], chunk_rows=5)
    assert (
        str(caught.value)
        == f"{path}, column 'p', row 18: 'n/a!' is not a number (hint: quote it or pick another column)"
    )


def test_parquet_dictionary_and_categorical_columns(tmp_path, read):
    path = tmp_path / "x.parquet"
    table = pa.table({"g": pa.array(["u", "v", "u"]).dictionary_encode(), "p": [0.25, 0.5, 0.75]})
    pq.write_table(table, path)
    columns = read(open_source(str(path)), ["p"], ["g"])
    assert columns["g"].tolist() == ["u", "v", "u"]
    np.testing.assert_array_equal(columns["p"], [0.25, 0.5, 0.75])


@pytest.mark.parametrize("compression", ["lz4", "zstd", "uncompressed"])
def test_feather_compressions(tmp_path, table, read, compression):
    path = tmp_path / "x.feather"
    feather.write_feather(table.arrow(), path, compression=compression, chunksize=6)
    np.testing.assert_array_equal(read(open_source(str(path)), ["y_pred"])["y_pred"], Y_PRED)


def test_parquet_without_rows(tmp_path):
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"a": pa.array([], pa.float64())}), path)
    assert error_of(path) == f"{path}: the file has columns but no data rows"


@pytest.mark.parametrize("kind", ["file", "stream"])
def test_arrow_without_rows(tmp_path, kind):
    path = tmp_path / "x.arrow"
    schema = pa.schema([("a", pa.float64())])
    with pa.OSFile(str(path), "wb") as sink:
        writer = ipc.new_file(sink, schema) if kind == "file" else ipc.new_stream(sink, schema)
        writer.close()
    assert error_of(path) == f"{path}: the file has columns but no data rows"


@pytest.mark.parametrize(("fmt", "kind"), [("parquet", "Parquet"), ("feather", "Arrow")])
@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated(tmp_path, table, read, fmt, kind, keep):
    data = table.encode(fmt)
    path = tmp_path / f"cut.{fmt}"
    path.write_bytes(data[: int(len(data) * keep)])
    message = error_of(path, read)
    assert message.startswith(f"{path}: not a valid {kind} file (")
    assert message.endswith(HINT)


def test_truncated_arrow_stream(tmp_path, table, read):
    data = table.encode("arrows")
    path = tmp_path / "cut.arrow"
    path.write_bytes(data[: len(data) * 2 // 3])
    message = error_of(path, read)
    assert message.startswith(f"{path}: not a valid Arrow file (")
    assert message.endswith(HINT)


@pytest.mark.parametrize(("fmt", "kind"), [("parquet", "Parquet"), ("feather", "Arrow")])
def test_corrupt(tmp_path, fmt, kind, read):
    path = tmp_path / f"bad.{fmt}"
    path.write_bytes(b"this is not a columnar file at all" * 10)
    message = error_of(path, read)
    assert message.startswith(f"{path}: not a valid {kind} file (")
    assert message.endswith(HINT)


def test_read_all_values_of_numeric_columns(tmp_path):
    path = tmp_path / "w.parquet"
    pq.write_table(pa.table({"name": ["a", "b"], "w1": [1.0, 2.0], "w2": pa.array([3, 4], pa.int32())}), path)
    np.testing.assert_array_equal(open_source(str(path)).read_all_values(), [1.0, 2.0, 3.0, 4.0])


def test_read_all_values_of_csv(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("layer,w\nfc,0.5\nfc,-1.5\n")
    np.testing.assert_array_equal(open_source(str(path)).read_all_values(), [0.5, -1.5])


def test_read_all_values_without_numbers(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("layer\nfc\n")
    with pytest.raises(InputError) as caught:
        open_source(str(path)).read_all_values()
    assert str(caught.value) == f"{path}: no numeric column to read values from"


def test_arrow_stream_rows_are_counted_on_demand(tmp_path, table):
    source = open_source(str(table.write(tmp_path, "arrows", name="x.arrow")))
    assert source.num_rows is None
    assert source.count_rows() == len(Y_PRED)
