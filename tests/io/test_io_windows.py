"""Windows of whole rows (`streams.row_windows`): together they are the text, each ends after a
line end, and Arrow parses them to the same table as the whole text. Quoted cells hold commas
and doubled quotes but no line end (Arrow's default: it cuts its own blocks at line ends, as
the windows do); a quote in the middle of a cell is plain text."""

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
    # quoted cells holding commas and doubled quotes
    st.lists(st.sampled_from(["a", ",", '""', "1"]), max_size=6).map(lambda parts: '"' + "".join(parts) + '"'),
    # a quote inside a cell (5" screen) is plain text to Arrow
    st.from_regex(r'[0-9a-z]{1,3}"[0-9a-z ]{0,3}', fullmatch=True),
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
def test_windows_are_the_text_cut_after_lines(text, size):
    windows = windows_of(text, size)
    assert b"".join(windows) == text
    for window in windows[:-1]:
        assert window.endswith((b"\n", b"\r"))
    # bounded: at most `size` bytes more than the rest of a line carried over, or twice it
    longest_line = max(len(line) for line in text.replace(b"\r", b"\n").split(b"\n"))
    assert max(len(window) for window in windows) <= 2 * (size + longest_line + 2)


@settings(max_examples=200, deadline=None)
@given(text=csv_texts(), size=st.integers(1, 40))
def test_windows_parse_to_the_whole_text(text, size):
    whole = pcsv.read_csv(pa.BufferReader(text), convert_options=STRINGS)
    assert parse(windows_of(text, size)).equals(whole)


@pytest.mark.parametrize(
    ("text", "size", "expected"),
    [
        # a window is the rest of the last one and `size` more bytes, cut after its last row
        (b"a,b\n1,2\n3,4\n", 6, [b"a,b\n", b"1,2\n3,4\n"]),
        (b"a,b\n1,2\n3,4", 6, [b"a,b\n", b"1,2\n", b"3,4"]),  # no line end at the end
        (b"a,b\r1,2\r3,4\r", 8, [b"a,b\r1,2\r", b"3,4\r"]),  # old Mac line ends
        (b'a,b\n5" tv,2\n"x,y",4\n', 9, [b"a,b\n", b'5" tv,2\n', b'"x,y",4\n']),  # quotes do not matter
        (b"a,b\n123456789,2\n", 4, [b"a,b\n", b"123456789,2\n"]),  # a row longer than the window
        (b"", 4, []),
    ],
)
def test_windows_by_hand(text, size, expected):
    assert windows_of(text, size) == expected
