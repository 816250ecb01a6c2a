"""Windows of whole rows, read from a stream (`windows.row_windows`) or mapped from a file
(`windows.MappedWindows`): together they are the text, each ends after a line end, and Arrow
parses them to the same table as the whole text. Quoted cells hold commas and doubled quotes
but no line end (Arrow's default: it cuts its own blocks at line ends, as the windows do); a
quote in the middle of a cell is plain text."""

from __future__ import annotations

import io
import os
import random
import sys
import tempfile

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lossctl.io.files import RawFile, arrow_owned, stamp_of
from lossctl.io.windows import MappedWindows, after_last_line_end, row_windows

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


def read_windows(text: bytes, size: int) -> list[bytes]:
    return [window.to_pybytes() for window in row_windows(io.BytesIO(text), size)]


def mapped_windows(text: bytes, size: int) -> list[bytes]:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "x.csv")
        with open(path, "wb") as file:
            file.write(text)
        raw = RawFile(path, len(text), path=path, stamp=stamp_of(os.stat(path)))  # empty, too
        return [window.to_pybytes() for window in MappedWindows(raw, size)]


CUTTERS = pytest.mark.parametrize("windows_of", [read_windows, mapped_windows], ids=["read", "mapped"])


def check_cut(windows: list[bytes], text: bytes, size: int) -> None:
    """Together the windows are the text; each but the last ends after a line end; none is
    longer than twice `size` and the longest line."""
    assert b"".join(windows) == text
    for window in windows[:-1]:
        assert window.endswith((b"\n", b"\r"))
    longest_line = max(len(line) for line in text.replace(b"\r", b"\n").split(b"\n"))
    assert max(len(window) for window in windows) <= 2 * (size + longest_line + 2)


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


@CUTTERS
@pytest.mark.slow
@given(text=csv_texts(), size=st.integers(1, 40))
def test_windows_are_the_text_cut_after_lines(windows_of, text, size):
    check_cut(windows_of(text, size), text, size)


@CUTTERS
@pytest.mark.slow
@given(text=csv_texts(), size=st.integers(1, 40))
def test_windows_parse_to_the_whole_text(windows_of, text, size):
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
    assert read_windows(text, size) == expected


@pytest.mark.parametrize(
    ("text", "size", "expected"),
    [
        # a window is `size` bytes from where the last one ended, cut after its last row
        (b"a,b\n1,2\n3,4\n", 6, [b"a,b\n", b"1,2\n", b"3,4\n"]),
        (b"a,b\n1,2\n3,4", 6, [b"a,b\n", b"1,2\n", b"3,4"]),  # no line end at the end
        (b"a,b\r1,2\r3,4\r", 8, [b"a,b\r1,2\r", b"3,4\r"]),  # old Mac line ends
        (b"a,b\r\n1,2\r\n", 5, [b"a,b\r\n", b"1,2\r\n"]),
        (b"a,b\n123456789,2\n", 4, [b"a,b\n", b"123456789,2\n"]),  # a row longer than the window
        (b"", 4, []),
    ],
)
def test_mapped_windows_by_hand(text, size, expected):
    assert mapped_windows(text, size) == expected


@pytest.mark.parametrize("size", [1, 100, 4095, 4096, 4097, 10_000, 1 << 20])
def test_mapped_windows_of_a_longer_text(size):
    """Rows of every length in a 60 KB text, one of 9,000 bytes (longer than the first span
    the last line end is searched in), cut in windows of sizes around that span's 4 KiB and
    far from it, are parsed as the whole text is."""
    rng = random.Random(size)
    rows = [f"{rng.randrange(10**6)},{'x' * rng.randrange(300)}" for _ in range(400)]
    rows[200] = "1," + "y" * 9000
    text = ("x,y\n" + "\n".join(rows) + "\n").encode()
    assert len(text) > 60_000
    windows = mapped_windows(text, size)
    check_cut(windows, text, size)
    assert parse(windows).equals(pcsv.read_csv(pa.BufferReader(text), convert_options=STRINGS))


def test_arrow_owned_memory_refers_to_no_python_object():
    """Arrow may release what it reads on its own threads, where releasing a Python object
    (which takes the GIL) can abort an exiting interpreter: the copy holds no reference to the
    bytes, where Arrow's own wrapper (`pa.py_buffer`) holds one."""
    data = b"a,b\n1,2\n" * 1000
    before = sys.getrefcount(data)
    wrapped = pa.py_buffer(data)
    assert sys.getrefcount(data) == before + 1
    del wrapped
    owned = arrow_owned(data)
    assert sys.getrefcount(data) == before
    assert owned.to_pybytes() == data


@pytest.mark.slow
@given(
    text=st.binary(max_size=10_000).map(lambda b: b.replace(b"\n", b"x").replace(b"\r", b"x"))
    | st.lists(st.sampled_from([b"ab", b"\n", b"\r", b"x" * 3000]), max_size=12).map(b"".join),
    data=st.data(),
)
def test_last_line_end_as_rfind(text, data):
    """Searching from the end in spans finds what `bytes.rfind` finds in the whole."""
    end = data.draw(st.integers(0, len(text)))
    expected = max(text.rfind(b"\n", 0, end), text.rfind(b"\r", 0, end)) + 1
    assert after_last_line_end(memoryview(text), end) == expected
