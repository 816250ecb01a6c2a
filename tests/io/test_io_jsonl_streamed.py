"""JSON Lines read a window of lines at a time: the same columns as the text parsed whole, kinds
settled across windows, errors that name a row far down, and memory that does not grow with
the file."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lossctl.errors import InputError
from lossctl.io import open_source

ROWS = 400


@pytest.fixture
def streamed(monkeypatch):
    """Text too large to hold (above 16 bytes), parsed in windows of about 64 bytes, its
    columns taken from the first 128 bytes."""
    monkeypatch.setattr("lossctl.io.streams.SMALL_TEXT_BYTES", 16)
    monkeypatch.setattr("lossctl.io.windows.WINDOW_BYTES", 64)
    monkeypatch.setattr("lossctl.io.jsonl._FIRST_BYTES", 128)


def write_lines(tmp_path, records: list[dict | None], name: str = "x.jsonl") -> str:
    """One JSON object per line; None writes a blank line."""
    path = tmp_path / name
    path.write_text("".join("\n" if r is None else json.dumps(r) + "\n" for r in records))
    return str(path)


def records() -> list[dict | None]:
    rng = np.random.default_rng(5)
    out: list[dict | None] = []
    for i in range(ROWS):
        row = {"id": i, "y_true": float(rng.integers(0, 2)), "y_pred": float(rng.random()), "g": "abc"[i % 3]}
        if i % 7 == 0:
            row["y_pred"] = None
        if i % 11 == 0:
            del row["y_true"]
        if i % 5 == 0:
            row["flag"] = bool(i % 2)
        out.append(row)
        if i % 13 == 0:
            out.append(None)
    return out


def whole_then_streamed(read, path: str, numeric: list[str], other: list[str], monkeypatch):
    whole = read(open_source(path), numeric, other)
    monkeypatch.setattr("lossctl.io.streams.SMALL_TEXT_BYTES", 16)
    monkeypatch.setattr("lossctl.io.windows.WINDOW_BYTES", 64)
    monkeypatch.setattr("lossctl.io.jsonl._FIRST_BYTES", 128)
    return whole, read(open_source(path), numeric, other)


def test_windows_give_the_columns_of_the_whole_text(tmp_path, read, monkeypatch):
    path = write_lines(tmp_path, records())
    whole, streamed = whole_then_streamed(read, path, ["y_true", "y_pred", "flag"], ["id", "g"], monkeypatch)
    for name, values in whole.items():
        assert streamed[name].dtype == values.dtype, name
        np.testing.assert_array_equal(streamed[name], values)
    # Independent of lossctl: the rows as Python's json reads them.
    rows = [r for r in records() if r is not None]
    expected = [math.nan if r.get("y_pred") is None else r["y_pred"] for r in rows]
    np.testing.assert_array_equal(streamed["y_pred"], expected)
    assert streamed["id"].dtype == np.int64 and streamed["id"].tolist() == list(range(ROWS))
    assert streamed["g"].tolist() == [r["g"] for r in rows]


def test_a_column_of_nulls_takes_the_kind_it_shows_later(tmp_path, read, streamed):
    lines = [{"y_true": 1.0, "b": None} for _ in range(30)] + [{"y_true": 0.0, "b": True}, {"y_true": 1.0, "b": False}]
    columns = read(open_source(write_lines(tmp_path, lines)), ["y_true", "b"])
    assert np.isnan(columns["b"][:30]).all()
    assert columns["b"][30:].tolist() == [1.0, 0.0]


def test_a_change_of_kind_far_down_names_its_row_and_column(tmp_path, read, streamed):
    lines = [{"a": float(i)} for i in range(300)] + [{"a": "abc"}]
    path = write_lines(tmp_path, lines)
    with pytest.raises(InputError) as caught:
        read(open_source(path), ["a"])
    assert str(caught.value) == f"{path}, column 'a', row 301: string \"abc\" where the rows above hold numbers"


def test_invalid_json_far_down_names_its_row(tmp_path, read, streamed):
    path = tmp_path / "x.jsonl"
    path.write_text("".join(json.dumps({"a": i}) + "\n" for i in range(250)) + '{"a": 1,\n')
    with pytest.raises(InputError) as caught:
        read(open_source(str(path)), ["a"])
    assert str(caught.value).startswith(f"{path}, row 251: not valid JSON: ")


def test_a_key_of_integers_with_a_fraction_far_down_is_float64_throughout(tmp_path, read, streamed):
    lines = [{"k": i, "y_true": 1.0} for i in range(200)] + [{"k": 2.5, "y_true": 0.0}]
    columns = read(open_source(write_lines(tmp_path, lines)), ["y_true"], ["k"])
    assert columns["k"].dtype == np.float64
    assert columns["k"].tolist() == [*map(float, range(200)), 2.5]


def test_the_columns_are_the_keys_of_the_first_lines(tmp_path, streamed):
    lines = [{"a": 1.0} for _ in range(100)] + [{"a": 2.0, "late": 3.0}]
    source = open_source(write_lines(tmp_path, lines))
    assert source.columns == ["a"]
    assert source.count_rows() == 101


# Memory: a JSON Lines file far larger than what is held in memory (32 MiB) is read in windows.
PEAK_GROWTH_MIB = 96


def test_a_large_file_is_read_in_bounded_memory(tmp_path, peak_mib):
    small = write_lines(tmp_path, [{"y_true": 1.0, "y_pred": 0.5}] * 10, "small.jsonl")
    baseline = peak_mib("compute", "-l", "mse", small)
    rng = np.random.default_rng(1)
    # 1.5 million rows: a block of 50,000 random rows written 30 times (the size is the point,
    # not that every row differs; formatting each row apart took most of the test's time).
    block = "".join(f'{{"y_true": {a!r}, "y_pred": {b!r}}}\n' for a, b in rng.random((50_000, 2)).tolist())
    large = tmp_path / "large.jsonl"
    with large.open("w") as out:
        for _ in range(30):
            out.write(block)
    size_mib = large.stat().st_size / 2**20
    assert size_mib > 60
    # The whole text alone would add size_mib; its Arrow table another 23 MiB.
    assert peak_mib("compute", "-l", "mse", large) - baseline < PEAK_GROWTH_MIB


def test_a_number_beyond_float64_names_its_row_and_column(tmp_path, read, streamed):
    path = tmp_path / "x.jsonl"
    path.write_text(
        "".join(json.dumps({"a": 1.0, "b": float(i)}) + "\n" for i in range(100)) + '{"a": 1, "b": 1e400}\n'
    )
    with pytest.raises(InputError) as caught:
        read(open_source(str(path)), ["a", "b"])
    assert str(caught.value) == f"{path}, column 'b', row 101: a number beyond the float64 range (1.8e308)"
