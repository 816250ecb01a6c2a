"""Windows of whole rows (`streams.row_windows`): together they are the text, each ends after a
line end outside quotes, and Arrow parses them to the same table as the whole text."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossctl.io.streams import row_windows

CELLS = st.one_of(
    st.from_regex(r"[0-9a-z. ]{0,6}", fullmatch=True),
    # quoted cells holding commas, doubled quotes and line ends of every kind
    st.lists(st.sampled_from(["a", ",", '""', "\n", "\r\n", "\r", "1"]), max_size=6).map(
        lambda parts: '"' + "".join(parts) + '"'
    ),
)
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def csv_texts(draw) -> bytes:
    """A CSV of two columns (a header and 1 to 12 rows) with one kind of line end, ending with
    it or not."""
    end = draw(LINE_ENDS)
    rows = draw(st.lists(st.tuples(CELLS, CELLS), min_size=1, max_size=12))
    lines = ["x,y"] + [f"{a},{b}" for a, b in rows]
    text = end.join(lines) + (end if draw(st.booleans()) else "")
    return text.encode()


def windows_of(text: bytes, size: int) -> list[bytes]:
    return [bytes(window) for window in row_windows(io.BytesIO(text), size)]


STRINGS = pcsv.ConvertOptions(column_types={"x": pa.string(), "y": pa.string()})


def parse(windows: list[bytes]) -> pa.Table:
    """The windows parsed as lossctl parses them (the header from the first window, its names
    given to the rest), with the column types given, as lossctl gives them."""
    tables = [pcsv.read_csv(pa.BufferReader(windows[0]), convert_options=STRINGS)]
    names = pcsv.ReadOptions(column_names=tables[0].column_names)
    tables += [
        pcsv.read_csv(pa.BufferReader(window), read_options=names, convert_options=STRINGS) for window in windows[1:]
    ]
    return pa.concat_tables(tables)


@settings(max_examples=300, deadline=None)
@given(text=csv_texts(), size=st.integers(1, 40))
def test_windows_are_the_text_cut_after_rows(text, size):
    windows = windows_of(text, size)
    assert b"".join(windows) == text
    for window in windows[:-1]:
        assert window.endswith((b"\n", b"\r"))
        assert window.count(b'"') % 2 == 0  # not inside a quoted cell
    # bounded: at most `size` bytes more than the rest of a row carried over
    if b'"' not in text:
        longest_row = max(len(line) for line in text.replace(b"\r", b"\n").split(b"\n"))
        assert max(len(window) for window in windows) <= size + longest_row + 2


@settings(max_examples=200, deadline=None)
@given(text=csv_texts(), size=st.integers(1, 40))
def test_windows_parse_to_the_whole_text(text, size):
    quoted_line_ends = pcsv.ParseOptions(newlines_in_values=True)
    whole = pcsv.read_csv(pa.BufferReader(text), parse_options=quoted_line_ends, convert_options=STRINGS)
    assert parse(windows_of(text, size)).equals(whole)


@pytest.mark.parametrize(
    ("text", "size", "expected"),
    [
        # a window is the rest of the last one and `size` more bytes, cut after its last row
        (b"a,b\n1,2\n3,4\n", 6, [b"a,b\n", b"1,2\n3,4\n"]),
        (b"a,b\n1,2\n3,4", 6, [b"a,b\n", b"1,2\n", b"3,4"]),  # no line end at the end
        (b"a,b\r1,2\r3,4\r", 8, [b"a,b\r1,2\r", b"3,4\r"]),  # old Mac line ends
        (b'a,b\n"x\ny",2\n3,4\n', 9, [b"a,b\n", b'"x\ny",2\n3,4\n']),  # not after the quoted x
        (b"a,b\n123456789,2\n", 4, [b"a,b\n", b"123456789,2\n"]),  # a row longer than the window
        (b"", 4, []),
    ],
)
def test_windows_by_hand(text, size, expected):
    assert windows_of(text, size) == expected
