"""Files that cannot be read: missing, unreadable, empty, header-only, unknown format, bad text,
ragged rows, non-numbers (damaged binary files, compressed files cut short and pickles:
test_errors_damaged.py).

Each is exit code 2 and one line on stderr naming the file, and the column and the 1-based data
row where they apply (the first row after the header is row 1).
"""

from __future__ import annotations

import builtins
import gzip
import json
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from ._support import error_line, table, write_csv

# -- the file itself ----------------------------------------------------------------------------


def test_missing_file(invoke):
    line = error_line(*invoke("compute", "-l", "mse", "nope.csv"))
    assert line.startswith("Error: nope.csv: ")
    assert "no such file" in line


def test_missing_labels_file(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_pred", ["1", "2"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv", "labels.csv"))
    assert "labels.csv" in line and "no such file" in line


def test_directory_is_not_a_file(invoke, tmp_path):
    (tmp_path / "data.csv").mkdir()
    line = error_line(*invoke("compute", "-l", "mse", "data.csv"))
    assert "data.csv" in line and "directory" in line


def test_unreadable_file(invoke, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "locked.csv", "y_true,y_pred", ["1,2"])
    path.chmod(0)
    if os.geteuid() == 0:  # root reads any file: make this one refuse, as the system would
        real_open = builtins.open

        def refusing_open(file, *args, **kwargs):
            if isinstance(file, str | os.PathLike) and Path(file).resolve() == path.resolve():
                raise PermissionError(13, "Permission denied", os.fspath(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", refusing_open)
    line = error_line(*invoke("compute", "-l", "mse", "locked.csv"))
    assert "locked.csv" in line and "permission denied" in line.lower()


def test_empty_file(invoke, tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    line = error_line(*invoke("compute", "-l", "mse", "empty.csv"))
    assert "empty.csv" in line and "empty" in line.removeprefix("Error: empty.csv")


def test_empty_stdin(invoke):
    line = error_line(*invoke("compute", "-l", "mse", "-", input=b""))
    assert "<stdin>" in line and "empty" in line


def test_empty_once_decompressed(invoke, tmp_path):
    (tmp_path / "preds.csv.gz").write_bytes(gzip.compress(b""))
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv.gz"))
    assert "preds.csv.gz" in line and "empty" in line


# -- a header (or schema) and no rows -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("header.csv", b"y_true,y_pred\n"),
        ("header.tsv", b"y_true\ty_pred\n"),
        ("header_no_newline.csv", b"y_true,y_pred"),
        ("blank.jsonl", b"\n\n"),
    ],
)
def test_text_header_without_rows(invoke, tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    line = error_line(*invoke("compute", "-l", "mse", name))
    assert f"Error: {name}: " in line and "no data rows" in line


def test_parquet_without_rows(invoke, tmp_path):
    pq.write_table(table().slice(0, 0), tmp_path / "none.parquet")
    line = error_line(*invoke("compute", "-l", "mse", "none.parquet"))
    assert "none.parquet" in line and "no data rows" in line


def test_feather_without_rows(invoke, tmp_path):
    feather.write_feather(table().slice(0, 0), tmp_path / "none.feather")
    line = error_line(*invoke("compute", "-l", "mse", "none.feather"))
    assert "none.feather" in line and "no data rows" in line


def test_npz_without_rows(invoke, tmp_path):
    np.savez(tmp_path / "none.npz", y_true=np.zeros(0), y_pred=np.zeros(0))
    line = error_line(*invoke("compute", "-l", "mse", "none.npz"))
    assert "none.npz" in line and "no rows" in line


def test_npy_matrix_without_rows(invoke, tmp_path):
    """A (0, 2) array: two columns c0, c1 and no row."""
    np.save(tmp_path / "none.npy", np.zeros((0, 2)))
    line = error_line(*invoke("compute", "-l", "mse", "--y-true", "c0", "--y-pred", "c1", "none.npy"))
    assert "none.npy" in line and "no rows" in line


# -- the format ---------------------------------------------------------------------------------


def test_unknown_format(invoke, tmp_path):
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 4)
    line = error_line(*invoke("compute", "-l", "mse", "blob.bin"))
    assert "blob.bin" in line and "unknown format" in line and "--input-format" in line


def test_unknown_format_on_stdin(invoke):
    line = error_line(*invoke("compute", "-l", "mse", "-", input=b"\x00\x01\x02\x03" * 64))
    assert "<stdin>" in line and "unknown format" in line and "--input-format" in line


def test_unknown_input_format_option(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2"])
    line = error_line(*invoke("compute", "-l", "mse", "--input-format", "xlsx", "preds.csv"))
    assert "xlsx" in line


def test_wrong_input_format_option(invoke, tmp_path):
    """CSV text read as Parquet because the user said so: a damaged-file error, not a crash."""
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2"])
    line = error_line(*invoke("compute", "-l", "mse", "--input-format", "parquet", "preds.csv"))
    assert "preds.csv" in line and "Parquet" in line


# -- text ---------------------------------------------------------------------------------------


def test_not_utf8_names_the_row_and_hints_encoding(invoke, tmp_path):
    (tmp_path / "latin.csv").write_bytes(b"y_true,y_pred,city\n1,2,Paris\n2,3,Orl\xe9ans\n3,4,Lyon\n")
    line = error_line(*invoke("compute", "-l", "mse", "latin.csv"))
    assert "latin.csv" in line and "row 2" in line and "--encoding" in line


def test_not_utf8_header(invoke, tmp_path):
    (tmp_path / "latin.csv").write_bytes(b"y_true,y_pred,r\xe9gion\n1,2,a\n")
    line = error_line(*invoke("compute", "-l", "mse", "latin.csv"))
    assert "latin.csv" in line and "--encoding" in line and "row" not in line


def test_not_utf8_in_compressed_jsonl(invoke, tmp_path):
    text = b'{"y_true": 1, "y_pred": 2}\n{"y_true": 2, "y_pred": 3}\n{"y_true": 3, "y_pred": 4, "c": "\xff"}\n'
    (tmp_path / "preds.jsonl.gz").write_bytes(gzip.compress(text))
    line = error_line(*invoke("compute", "-l", "mse", "preds.jsonl.gz"))
    assert "preds.jsonl.gz" in line and "row 3" in line and "--encoding" in line


def test_encoding_option_reads_the_same_file(invoke, tmp_path):
    (tmp_path / "latin.csv").write_bytes(b"y_true,y_pred,city\n1,2,Paris\n2,4,Orl\xe9ans\n")
    code, out, err = invoke("compute", "-l", "mse", "--encoding", "latin-1", "--format", "json", "latin.csv")
    assert code == 0, err
    assert json.loads(out)["results"][0]["value"] == pytest.approx(2.5, rel=1e-15)


def test_unknown_encoding(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2"])
    line = error_line(*invoke("compute", "-l", "mse", "--encoding", "klingon-8", "preds.csv"))
    assert "klingon-8" in line


@pytest.mark.parametrize(("bad_row", "cells"), [(3, "3,4,5"), (2, "7"), (5, "1,2,3,4")])
def test_ragged_csv_row(invoke, tmp_path, bad_row, cells):
    rows = [f"{i},{i + 1}" for i in range(1, 7)]
    rows[bad_row - 1] = cells
    write_csv(tmp_path / "ragged.csv", "y_true,y_pred", rows)
    line = error_line(*invoke("compute", "-l", "mse", "ragged.csv"))
    assert "ragged.csv" in line and f"row {bad_row}" in line
    assert f"{cells.count(',') + 1} fields" in line and "quote" in line


def test_ragged_tsv_row(invoke, tmp_path):
    (tmp_path / "ragged.tsv").write_text("y_true\ty_pred\n1\t2\n2\t3\t4\n", encoding="utf-8")
    line = error_line(*invoke("compute", "-l", "mse", "ragged.tsv"))
    assert "ragged.tsv" in line and "row 2" in line and "tab" in line


@pytest.mark.parametrize("cell", ["abc", "1,5", "--", "0x1p3"])
def test_non_numeric_csv_cell(invoke, tmp_path, cell):
    rows = ["1,2", "2,3", "3,4", '4,"' + cell + '"', "5,6"]
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", rows)
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "preds.csv" in line and "column 'y_pred'" in line and "row 4" in line
    assert repr(cell) in line  # the cell is quoted
    assert "not a number" in line


def test_non_numeric_cell_in_labels_column(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "target,prediction", ["1,2", "2,3", "yes,4"])
    line = error_line(*invoke("compute", "-l", "mae", "preds.csv"))
    assert "preds.csv" in line and "column 'target'" in line and "row 3" in line and "'yes'" in line


def test_non_numeric_jsonl_value(invoke, tmp_path):
    lines = [{"y_true": 1, "y_pred": 2}, {"y_true": 2, "y_pred": 3}, {"y_true": 3, "y_pred": "four"}]
    (tmp_path / "preds.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    line = error_line(*invoke("compute", "-l", "mse", "preds.jsonl"))
    assert "preds.jsonl" in line and "column 'y_pred'" in line and "row 3" in line and "four" in line


def test_invalid_json_line(invoke, tmp_path):
    (tmp_path / "preds.jsonl").write_text('{"y_true": 1, "y_pred": 2}\n{"y_true": 2, "y_pred": \n', encoding="utf-8")
    line = error_line(*invoke("compute", "-l", "mse", "preds.jsonl"))
    assert "preds.jsonl" in line and "row 2" in line and "JSON" in line


def test_non_numeric_parquet_string_column(invoke, tmp_path):
    table = pa.table({"y_true": [1.0, 2.0, 3.0], "y_pred": ["1.5", "2.5", "n/a"]})
    pq.write_table(table, tmp_path / "preds.parquet")
    line = error_line(*invoke("compute", "-l", "mse", "preds.parquet"))
    assert "preds.parquet" in line and "column 'y_pred'" in line and "row 3" in line and "'n/a'" in line
