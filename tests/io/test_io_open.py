"""open_source: every format, every compression, standard input, sniffing, overrides, file errors."""

from __future__ import annotations

import os
import threading

import numpy as np
import pyarrow as pa
import pytest
from io_table import COMPRESSORS, GROUPS, IDS, Y_PRED, Y_TRUE

from lossctl.errors import InputError
from lossctl.io import Source, open_source

TABULAR = ["csv", "tsv", "jsonl", "parquet", "feather"]
ALL = [*TABULAR, "npy", "npz"]


def check_numbers(source: Source, read) -> None:
    columns = read(source, ["y_true", "y_pred"], ["id"])
    np.testing.assert_array_equal(columns["y_true"], Y_TRUE)
    np.testing.assert_array_equal(columns["y_pred"], Y_PRED)
    np.testing.assert_array_equal(columns["id"], IDS)
    assert columns["y_pred"].dtype == np.float64
    assert columns["id"].dtype == np.int64


@pytest.mark.parametrize("fmt", ALL)
def test_every_format(tmp_path, table, read, fmt):
    path = table.write(tmp_path, fmt)
    source = open_source(str(path))
    assert source.name == str(path)
    assert source.format == fmt
    assert source.size_bytes == path.stat().st_size
    assert {"id", "y_true", "y_pred"} <= set(source.columns)
    check_numbers(source, read)


@pytest.mark.parametrize("fmt", TABULAR)
def test_text_columns_of_tabular_formats(tmp_path, table, read, fmt):
    source = open_source(str(table.write(tmp_path, fmt)))
    assert source.columns == ["id", "y_true", "y_pred", "g"]
    groups = read(source, [], ["g"])["g"]
    assert groups.dtype == object
    assert groups.tolist() == GROUPS


def test_arrow_ipc_stream(tmp_path, table, read):
    path = table.write(tmp_path, "arrows", name="data.arrow")
    source = open_source(str(path))
    assert source.format == "feather"
    assert source.num_rows is None
    check_numbers(source, read)


@pytest.mark.parametrize("fmt", ["parquet", "feather", "jsonl", "npy", "npz"])
def test_num_rows_known_cheaply(tmp_path, table, fmt):
    assert open_source(str(table.write(tmp_path, fmt))).num_rows == len(IDS)


def test_csv_num_rows_counted_on_demand(tmp_path, table):
    source = open_source(str(table.write(tmp_path, "csv")))
    assert source.num_rows is None
    assert source.count_rows() == len(IDS)
    assert source.num_rows == len(IDS)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
@pytest.mark.parametrize("compression", sorted(COMPRESSORS))
def test_every_compression_by_extension(tmp_path, table, read, fmt, compression):
    source = open_source(str(table.write(tmp_path, fmt, compression=compression)))
    assert source.format == fmt
    check_numbers(source, read)


@pytest.mark.parametrize("compression", sorted(COMPRESSORS))
def test_compression_by_magic_bytes(tmp_path, table, read, compression):
    source = open_source(str(table.write(tmp_path, "csv", name="data.csv", compression=compression)))
    check_numbers(source, read)


@pytest.mark.parametrize("compression", sorted(COMPRESSORS))
def test_compressed_without_inner_extension_is_sniffed(tmp_path, table, read, compression):
    path = table.write(tmp_path, "tsv", name=f"data.{compression}", compression=compression)
    source = open_source(str(path))
    assert source.format == "tsv"
    check_numbers(source, read)


def test_compressed_binary_format_is_decompressed(tmp_path, table, read):
    source = open_source(str(table.write(tmp_path, "parquet", compression="gz")))
    assert source.format == "parquet"
    check_numbers(source, read)


def test_concatenated_gzip_members(tmp_path, table, read):
    text = table.csv_text().encode()
    half = text.index(b"\n12,")
    path = tmp_path / "data.csv.gz"
    path.write_bytes(COMPRESSORS["gz"](text[:half]) + COMPRESSORS["gz"](text[half:]))
    check_numbers(open_source(str(path)), read)


@pytest.mark.parametrize("fmt", ALL)
def test_sniffed_without_extension(tmp_path, table, read, fmt):
    source = open_source(str(table.write(tmp_path, fmt, name="data")))
    assert source.format == fmt
    check_numbers(source, read)


@pytest.mark.parametrize("fmt", ALL)
def test_stdin(table, stdin, read, fmt):
    stdin(table.encode(fmt))
    source = open_source("-")
    assert source.name == "<stdin>"
    assert source.format == fmt
    check_numbers(source, read)


@pytest.mark.parametrize("fmt", ["parquet", "feather"])
@pytest.mark.parametrize("where", ["stdin", "compressed file"])
def test_binary_formats_in_memory_reach_arrow_in_its_own_memory(tmp_path, table, stdin, read, monkeypatch, fmt, where):
    """Arrow's Parquet and IPC readers keep pieces of what they read and may let go of them
    on their own threads, where releasing Python bytes can abort the exiting interpreter (a
    Parquet file piped to `lossctl compute` ended with exit 134 once in about 200 runs). Bytes
    held in memory reach them as a buffer that Arrow owns, never as Python bytes."""
    given = []
    buffer_reader = pa.BufferReader
    monkeypatch.setattr(pa, "BufferReader", lambda buffer: given.append(type(buffer)) or buffer_reader(buffer))
    if where == "stdin":
        stdin(table.encode(fmt))
        path = "-"
    else:
        path = str(table.write(tmp_path, fmt, compression="gz"))
    source = open_source(path)
    assert source.format == fmt
    check_numbers(source, read)
    assert given and set(given) == {pa.Buffer}


@pytest.mark.parametrize("compression", sorted(COMPRESSORS))
def test_compressed_stdin(table, stdin, read, compression):
    stdin(COMPRESSORS[compression](table.encode("jsonl")))
    source = open_source("-")
    assert source.format == "jsonl"
    check_numbers(source, read)


def test_input_format_overrides_extension(tmp_path, table, read):
    path = table.write(tmp_path, "tsv", name="data.csv")
    source = open_source(str(path), input_format="tsv")
    assert source.format == "tsv"
    check_numbers(source, read)


def test_input_format_overrides_sniffing(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text("a\tb\n1\t2\n")
    source = open_source(str(path), input_format="csv")
    assert source.columns == ["a\tb"]


def test_unknown_extension_is_sniffed(tmp_path, table, read):
    source = open_source(str(table.write(tmp_path, "csv", name="data.txt")))
    assert source.format == "csv"
    check_numbers(source, read)


def test_input_files_are_not_modified(tmp_path, table, read):
    paths = [table.write(tmp_path, fmt) for fmt in ALL]
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}
    for path in paths:
        check_numbers(open_source(str(path)), read)
    assert before == {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}


# --- errors -------------------------------------------------------------------------------


def error_of(path: str, **options) -> str:
    with pytest.raises(InputError) as caught:
        open_source(path, **options)
    assert caught.value.exit_code == 2
    text = str(caught.value)
    assert "\n" not in text
    return text


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.csv")
    assert error_of(path) == f"{path}: no such file"


def test_directory_without_data_files(tmp_path):
    (tmp_path / "notes.txt").write_text("not data")
    assert error_of(str(tmp_path)) == (
        f"{tmp_path}: no data file in this directory (hint: datasets hold parquet, csv, tsv, jsonl, feather files)"
    )


def test_unreadable_file(tmp_path, table, monkeypatch):
    """The error the OS gives a user without read permission, raised at open (a chmod would
    prove nothing where the tests run as root, who reads every file)."""
    path = table.write(tmp_path, "csv")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("lossctl.io.files.open", refuse, raising=False)
    assert error_of(str(path)) == f"{path}: permission denied: the file cannot be read"


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert error_of(str(path)) == f"{path}: the file is empty (0 bytes)"


def test_empty_stdin(stdin):
    stdin(b"")
    assert error_of("-") == "<stdin>: the file is empty (0 bytes)"


def test_empty_once_decompressed(tmp_path):
    path = tmp_path / "empty.csv.gz"
    path.write_bytes(COMPRESSORS["gz"](b""))
    assert error_of(str(path)) == f"{path}: the file is empty once decompressed"


def test_unknown_binary_format(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00\x01\x02\x03 not a table")
    message = error_of(str(path))
    assert message.startswith(f"{path}: unknown format")
    assert "--input-format" in message


def test_unknown_input_format_option(tmp_path, table):
    path = table.write(tmp_path, "csv")
    message = error_of(str(path), input_format="xlsx")
    assert message.startswith("unknown input format 'xlsx'")
    assert "csv, tsv, jsonl, json, parquet, feather, npy, npz" in message


def test_unknown_encoding(tmp_path, table):
    message = error_of(str(table.write(tmp_path, "csv")), encoding="klingon")
    assert message.startswith("unknown encoding 'klingon'")


@pytest.mark.parametrize("compression", sorted(COMPRESSORS))
def test_compressed_file_cut_short(tmp_path, table, compression, read):
    data = COMPRESSORS[compression]((table.csv_text() * 50).encode())
    path = tmp_path / f"cut.csv.{compression}"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(InputError) as caught:
        read(open_source(str(path)), ["y_true"])
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert message.endswith("data ends early: the file is cut short")


@pytest.mark.parametrize("compression", sorted(COMPRESSORS))
def test_compressed_end_cut_off(tmp_path, table, compression, read):
    data = COMPRESSORS[compression](table.csv_text().encode())
    path = tmp_path / f"cut.csv.{compression}"
    path.write_bytes(data[:-4])
    with pytest.raises(InputError) as caught:
        read(open_source(str(path)), ["y_true"])
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert message.endswith("data ends early: the file is cut short")


@pytest.mark.parametrize(
    ("ext", "magic", "codec"),
    [
        ("gz", b"\x1f\x8b\x08\x00", "gzip"),
        ("bz2", b"BZh9", "bz2"),
        ("xz", b"\xfd7zXZ\x00", "xz"),
        ("zst", b"\x28\xb5\x2f\xfd", "zstd"),
    ],
)
def test_corrupt_compressed_data(tmp_path, ext, magic, codec):
    """Each codec's own complaint about its data becomes one error naming the file."""
    path = tmp_path / f"bad.csv.{ext}"
    path.write_bytes(magic + b"garbage" * 20)
    message = error_of(str(path))
    assert message.startswith(f"{path}: corrupt {codec} data")


def test_named_pipe_is_read_once_into_memory(tmp_path, table, read):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    writer = threading.Thread(target=lambda: path.write_bytes(COMPRESSORS["gz"](table.encode("csv"))))
    writer.start()
    source = open_source(str(path))
    writer.join()
    assert source.format == "csv"
    check_numbers(source, read)
    check_numbers(source, read)
