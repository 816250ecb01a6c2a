"""CSV, TSV and JSON Lines: values, nulls, key types, encodings, and the errors that name rows."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from io_table import COMPRESSORS, GROUPS, IDS, Y_PRED, Y_TRUE

from lossctl.errors import InputError
from lossctl.io import open_source

HINT_NUMBER = " (hint: quote it or pick another column)"
HINT_ENCODING = " (hint: name the file's encoding with --encoding, e.g. --encoding latin-1)"


@pytest.fixture(params=["memory", "streamed"])
def mode(request, monkeypatch) -> str:
    """Run a test on text held in memory, and again on text streamed in tiny blocks and windows."""
    if request.param == "streamed":
        monkeypatch.setattr("lossctl.io.streams.SMALL_TEXT_BYTES", 16)
        monkeypatch.setattr("lossctl.io.streams.BLOCK_BYTES", 7)
        monkeypatch.setattr("lossctl.io.text._BLOCK_BYTES", 64)
        monkeypatch.setattr("lossctl.io.windows.WINDOW_BYTES", 48)
    return request.param


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def error_of(read, path: str, numeric: list[str], other: list[str] = (), **options) -> str:
    with pytest.raises(InputError) as caught:
        read(open_source(path, **options), numeric, other)
    text = str(caught.value)
    assert "\n" not in text
    return text


def open_error(path: str, **options) -> str:
    """The one-line InputError that opening `path` raises."""
    with pytest.raises(InputError) as caught:
        open_source(path, **options)
    text = str(caught.value)
    assert "\n" not in text
    return text


def long_csv(rows: int, bad_row: int | None = None, bad: str = "oops") -> str:
    lines = ["a,b"] + [f"{i},{i / 4}" for i in range(1, rows + 1)]
    if bad_row is not None:
        lines[bad_row] = f"{bad_row},{bad}"
    return "\n".join(lines) + "\n"


def test_nulls_and_special_numbers(tmp_path, read, mode):
    cells = ["", "NA", "nan", "NaN", "null", "N/A", "inf", "-inf", " 2 ", "1e3", "-0.5", '"7"']
    path = write(tmp_path, "x.csv", "v,k\n" + "".join(f"{cell},1\n" for cell in cells))
    values = read(open_source(path), ["v"])["v"]
    expected = [math.nan] * 6 + [math.inf, -math.inf, 2.0, 1000.0, -0.5, 7.0]
    np.testing.assert_array_equal(values, expected)


def test_integers_and_booleans_become_float64(tmp_path, read):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"i": pa.array([1, 2, None], pa.int32()), "b": [True, False, None]}), path)
    columns = read(open_source(str(path)), ["i", "b"])
    np.testing.assert_array_equal(columns["i"], [1.0, 2.0, math.nan])
    np.testing.assert_array_equal(columns["b"], [1.0, 0.0, math.nan])


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_not_a_number_names_file_column_row(tmp_path, read, mode, fmt):
    sep = "," if fmt == "csv" else "\t"
    path = write(tmp_path, f"x.{fmt}", f"a{sep}b\n1{sep}2\n3{sep}4\n5{sep}abc\n7{sep}8\n")
    assert error_of(read, path, ["a", "b"]) == f"{path}, column 'b', row 3: 'abc' is not a number{HINT_NUMBER}"


def test_not_a_number_far_down_a_streamed_file(tmp_path, read, mode):
    path = write(tmp_path, "x.csv", long_csv(400, bad_row=317))
    assert error_of(read, path, ["b"], ["a"]) == f"{path}, column 'b', row 317: 'oops' is not a number{HINT_NUMBER}"


def test_not_a_number_in_compressed_csv(tmp_path, read, mode):
    path = write(tmp_path, "x.csv.zst", COMPRESSORS["zst"](long_csv(200, bad_row=150).encode()))
    assert error_of(read, path, ["b"]) == f"{path}, column 'b', row 150: 'oops' is not a number{HINT_NUMBER}"


def test_true_false_text_is_not_a_number(tmp_path, read):
    path = write(tmp_path, "x.csv", "label\n1\ntrue\n")
    assert error_of(read, path, ["label"]) == f"{path}, column 'label', row 2: 'true' is not a number{HINT_NUMBER}"


def test_unread_columns_are_not_checked(tmp_path, read, mode):
    path = write(tmp_path, "x.csv", "a,b\n1,x\n2,y\n")
    np.testing.assert_array_equal(read(open_source(path), ["a"])["a"], [1.0, 2.0])


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_ragged_row(tmp_path, read, mode, fmt):
    sep = "," if fmt == "csv" else "\t"
    path = write(tmp_path, f"x.{fmt}", f"a{sep}b\n1{sep}2\n3{sep}4{sep}5\n6{sep}7\n")
    separator = "comma" if fmt == "csv" else "tab"
    expected = f"{path}, row 2: 3 fields where the header has 2 (hint: quote cells that contain a {separator})"
    assert error_of(read, path, ["a"]) == expected


def test_ragged_row_far_down_a_streamed_file(tmp_path, read, mode):
    content = long_csv(300).splitlines()
    content[250] = "250"
    path = write(tmp_path, "x.csv", "\n".join(content) + "\n")
    expected = f"{path}, row 250: 1 fields where the header has 2 (hint: quote cells that contain a comma)"
    assert error_of(read, path, ["b"], ["a"]) == expected


def test_not_utf8_names_the_row(tmp_path, read, mode):
    path = write(tmp_path, "x.csv", b"a,g\n1,ok\n2,caf\xe9\n3,ok\n")
    assert error_of(read, path, ["a"], ["g"]) == f"{path}, row 2: not valid utf-8 text (byte 0xe9){HINT_ENCODING}"


def test_not_utf8_far_down_a_streamed_file(tmp_path, read, mode):
    lines = long_csv(300).encode().splitlines()
    lines[280] = b"280,\xff"
    path = write(tmp_path, "x.csv", b"\n".join(lines) + b"\n")
    message = error_of(read, path, ["a"], ["b"])
    assert message == f"{path}, row 280: not valid utf-8 text (byte 0xff){HINT_ENCODING}"


def test_not_utf8_header(tmp_path):
    path = write(tmp_path, "x.csv", b"a,caf\xe9\n1,2\n")
    assert open_error(path) == f"{path}: not valid utf-8 text (in the header, byte 0xe9){HINT_ENCODING}"


def test_latin1_is_transcoded(tmp_path, read, mode):
    path = write(tmp_path, "x.csv", "prix,ville\n1.5,Orléans\n2.5,Besançon\n".encode("latin-1"))
    source = open_source(path, encoding="latin-1")
    assert source.columns == ["prix", "ville"]
    columns = read(source, ["prix"], ["ville"])
    np.testing.assert_array_equal(columns["prix"], [1.5, 2.5])
    assert columns["ville"].tolist() == ["Orléans", "Besançon"]


def test_utf8_characters_split_across_blocks(tmp_path, read, mode):
    names = ["żółw", "ĉapelo", "日本語", "emoji 🙂"]
    path = write(tmp_path, "x.csv", "n,name\n" + "".join(f"{i},{n}\n" for i, n in enumerate(names)))
    assert read(open_source(path), [], ["name"])["name"].tolist() == names


def test_header_without_rows(tmp_path):
    path = write(tmp_path, "x.csv", "a,b\n\n\n")
    assert open_error(path) == f"{path}: the file has a header but no data rows"


def test_duplicate_column_names(tmp_path):
    path = write(tmp_path, "x.csv", "a,b,a\n1,2,3\n")
    assert open_error(path) == f"{path}, column 'a': two columns have this name"


def test_missing_column_suggests_nearest(tmp_path, table):
    path = table.write(tmp_path, "csv")
    with pytest.raises(InputError) as caught:
        open_source(str(path)).iter_chunks(["y_prd"])
    assert str(caught.value) == (
        f"{path}, column 'y_prd': no such column (the columns are: id, y_true, y_pred, g)"
        " (hint: did you mean 'y_pred'?)"
    )


def test_key_columns_of_integers_are_int64(tmp_path, read, mode):
    path = write(tmp_path, "x.csv", long_csv(100))
    key = read(open_source(path), [], ["a"])["a"]
    assert key.dtype == np.int64
    np.testing.assert_array_equal(key, np.arange(1, 101))


def test_key_column_with_text_far_down_is_text_throughout(tmp_path, read, mode):
    lines = long_csv(100).splitlines()
    lines[90] = "K90,1"
    path = write(tmp_path, "x.csv", "\n".join(lines) + "\n")
    chunks = list(open_source(path).iter_chunks([], ["a"], chunk_rows=10))
    assert {chunk.arrays["a"].dtype for chunk in chunks} == {np.dtype(object)}
    keys = np.concatenate([chunk.arrays["a"] for chunk in chunks]).tolist()
    assert keys == [str(i) for i in range(1, 90)] + ["K90"] + [str(i) for i in range(91, 101)]


def test_empty_key_cell_makes_text(tmp_path, read, mode):
    path = write(tmp_path, "x.csv", "k,v\n1,1\n,2\n")
    assert read(open_source(path), [], ["k"])["k"].tolist() == ["1", ""]


def test_streamed_equals_in_memory(tmp_path, table, read, monkeypatch):
    content = table.csv_text() + "".join(f"{i},{i % 2}.0,{i / 8},{'xyz'[i % 3]}\n" for i in range(24, 500))
    path = write(tmp_path, "x.csv.gz", COMPRESSORS["gz"](content.encode()))
    whole = read(open_source(path), ["y_true", "y_pred"], ["id", "g"])
    monkeypatch.setattr("lossctl.io.streams.SMALL_TEXT_BYTES", 16)
    monkeypatch.setattr("lossctl.io.text._BLOCK_BYTES", 100)
    streamed = read(open_source(path), ["y_true", "y_pred"], ["id", "g"])
    for name in whole:
        assert whole[name].dtype == streamed[name].dtype
        np.testing.assert_array_equal(whole[name], streamed[name])
    np.testing.assert_array_equal(whole["y_pred"][: len(Y_PRED)], Y_PRED)


# --- JSON Lines ---------------------------------------------------------------------------


def test_jsonl_values(tmp_path, read):
    path = write(tmp_path, "x.jsonl", '{"a": 1, "b": true}\n\n{"a": 2.5}\n  \n{"a": null, "b": false}\n')
    columns = read(open_source(path), ["a", "b"])
    np.testing.assert_array_equal(columns["a"], [1.0, 2.5, math.nan])
    np.testing.assert_array_equal(columns["b"], [1.0, math.nan, 0.0])


def test_jsonl_change_of_kind_names_row(tmp_path):
    path = write(tmp_path, "x.jsonl", '{"a": 1}\n\n{"a": 2}\n{"a": "abc"}\n')
    assert open_error(path) == f"{path}, column 'a', row 3: string \"abc\" where the rows above hold numbers"


def test_jsonl_invalid_line(tmp_path):
    path = write(tmp_path, "x.jsonl", '{"a": 1}\n{"a": 2,\n')
    assert open_error(path).startswith(f"{path}, row 2: not valid JSON: ")


def test_jsonl_line_not_an_object(tmp_path):
    path = write(tmp_path, "x.jsonl", '{"a": 1}\n[1, 2]\n')
    assert open_error(path, input_format="jsonl") == f"{path}, row 2: expected a JSON object {{...}}, found array"


def test_jsonl_text_in_numeric_column(tmp_path, read):
    path = write(tmp_path, "x.jsonl", '{"a": "1.5"}\n{"a": "x"}\n')
    assert error_of(read, path, ["a"]) == f"{path}, column 'a', row 2: 'x' is not a number{HINT_NUMBER}"


def test_jsonl_only_blank_lines(tmp_path):
    path = write(tmp_path, "x.jsonl", "\n  \n")
    assert open_error(path) == f"{path}: the file holds no data rows, only blank lines"


def test_jsonl_not_utf8(tmp_path):
    path = write(tmp_path, "x.jsonl", b'{"a": 1}\n{"a": "\xff"}\n')
    assert open_error(path) == f"{path}, row 2: not valid utf-8 text (byte 0xff){HINT_ENCODING}"


def test_jsonl_keys(tmp_path, table, read):
    columns = read(open_source(str(table.write(tmp_path, "jsonl"))), ["y_true"], ["id", "g"])
    assert columns["id"].dtype == np.int64
    assert columns["id"].tolist() == IDS
    assert columns["g"].tolist() == GROUPS
    np.testing.assert_array_equal(columns["y_true"], Y_TRUE)


def test_byte_order_mark_and_crlf(tmp_path, read, mode):
    path = write(tmp_path, "x.csv", b"\xef\xbb\xbfy_true,y_pred\r\n1,0.5\r\n0,0.25\r\n")
    source = open_source(path)
    assert source.columns == ["y_true", "y_pred"]
    np.testing.assert_array_equal(read(source, ["y_pred"])["y_pred"], [0.5, 0.25])


def test_large_text_is_parsed_in_bounded_windows(tmp_path, read, monkeypatch):
    import pyarrow.csv as pcsv

    monkeypatch.setattr("lossctl.io.streams.SMALL_TEXT_BYTES", 16)
    monkeypatch.setattr("lossctl.io.windows.WINDOW_BYTES", 100)
    parsed = []
    read_csv = pcsv.read_csv

    def recording(source, **options):
        parsed.append(source.size())
        return read_csv(source, **options)

    monkeypatch.setattr("pyarrow.csv.read_csv", recording)
    text = long_csv(50)
    source = open_source(write(tmp_path, "x.csv", text))
    parsed.clear()  # what opening the file read
    np.testing.assert_array_equal(read(source, ["b"])["b"], [i / 4 for i in range(1, 51)])
    # every window is at most 100 bytes, and together they are the whole text (from the header)
    assert len(parsed) >= 4
    assert max(parsed) <= 100
    assert sum(parsed) == len(text)


def test_progress_in_bytes_of_a_streamed_file(tmp_path, mode):
    """A large plain file reports how many of its bytes have been parsed, up to all of them."""
    text = long_csv(60)
    source = open_source(write(tmp_path, "x.csv", text))
    seen = [source.progress() for _ in source.iter_chunks(["b"], chunk_rows=4)]
    if mode == "memory":  # text held in memory: no position to report, and no row count yet
        assert set(seen) == {None}
        return
    done = [position for position, total, unit in seen]
    assert {total for _, total, _ in seen} == {len(text)} and {unit for _, _, unit in seen} == {"bytes"}
    assert done == sorted(done) and 0 < done[0] < len(text) and done[-1] == len(text)


@pytest.mark.parametrize("compression", [None, "gz"])
def test_arrow_is_only_given_memory_it_owns(tmp_path, read, mode, monkeypatch, compression):
    """Arrow's CSV reader reading a Python stream does so from its own threads, and releases
    what it read there: a stream, or Python bytes, can hang or abort the interpreter at exit.
    lossctl hands it readers over buffers of Arrow's own, never a stream, bytes or a view."""
    import gzip

    import pyarrow as pa
    import pyarrow.csv as pcsv

    given, buffers = [], []
    for name in ("read_csv", "open_csv"):
        original = getattr(pcsv, name)

        def checking(source, *args, original=original, **kwargs):
            given.append(type(source))
            return original(source, *args, **kwargs)

        monkeypatch.setattr(pcsv, name, checking)
    buffer_reader = pa.BufferReader
    monkeypatch.setattr(pa, "BufferReader", lambda buffer: buffers.append(type(buffer)) or buffer_reader(buffer))
    text = long_csv(60, bad_row=44).encode()
    path = write(tmp_path, "x.csv.gz" if compression else "x.csv", gzip.compress(text) if compression else text)
    assert error_of(read, path, ["b"]).endswith(f"row 44: 'oops' is not a number{HINT_NUMBER}")
    assert given and set(given) == {buffer_reader}
    assert buffers and set(buffers) == {pa.Buffer}


def test_streamed_stdin(stdin, read, mode):
    stdin(COMPRESSORS["xz"](long_csv(60, bad_row=44).encode()))
    assert error_of(read, "-", ["b"]) == f"<stdin>, column 'b', row 44: 'oops' is not a number{HINT_NUMBER}"


def test_zstd_needs_zstandard(tmp_path, table, monkeypatch):
    path = table.write(tmp_path, "csv", compression="zst")
    monkeypatch.setitem(sys.modules, "zstandard", None)
    assert open_error(str(path)) == (
        f"{path}: reading zstd-compressed files needs the zstandard package (hint: pip install 'lossctl[compression]')"
    )


def test_types_are_inferred_from_the_first_rows_of_a_file_held_in_memory(tmp_path):
    """A column of numbers with a word in its last row (past the first MiB) is a numeric
    column with a bad cell, whether the text is held in memory or streamed: the word is an
    error naming its row, not a reason to read the column as text and leave it out."""
    rows = 200_000
    text = "w1,w2\n" + "".join(f"{i},{i / 8}\n" for i in range(1, rows)) + f"{rows},oops\n"
    assert len(text) > 2 << 20
    source = open_source(write(tmp_path, "weights.csv", text))
    assert source.schema.field("w2").type != "string"
    with pytest.raises(InputError) as caught:
        source.read_all_values()
    assert f"column 'w2', row {rows}: 'oops' is not a number" in str(caught.value)
