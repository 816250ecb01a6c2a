"""Quoted line ends in CSV and TSV text: the row where the first quoted cell holding a line end
starts.

The text is cut into windows (`windows.row_windows`), and Arrow cuts a window into blocks,
after a line end, quotes or not: a quoted cell that holds a line end is read as long as no cut
falls inside it, and a cut that does makes Arrow fail with a message of its own and no row.
When Arrow fails, this says whether such a cell comes first, and where, read by Python's csv
module (RFC 4180 quoting, a doubled quote inside a quoted cell, as Arrow's defaults).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from lossctl.errors import InputError
from lossctl.io.streams import TextData


def quoted_line_end_error(text: TextData, delimiter: str, *, up_to: int | None = None) -> InputError | None:
    """The error naming the first data row (1-based, at most `up_to`) whose quoted cell
    holds a line end, or None when there is none."""
    row = first_quoted_line_end(text, delimiter, up_to=up_to)
    if row is None:
        return None
    return InputError(
        "this row starts a quoted cell that holds a line end (the first in the file): lossctl reads rows as "
        "lines, so such cells are not read reliably",
        file=text.raw.name,
        row=row,
        hint="replace the line ends inside quoted cells, or convert the file to Parquet",
    )


def first_quoted_line_end(text: TextData, delimiter: str, *, up_to: int | None = None) -> int | None:
    """The 1-based data row (0 for the header) of the first record with a cell holding a line
    end, among the first `up_to` data rows (all when None); None when there is none, or when
    the text cannot be read as CSV at all."""
    with _text_stream(text) as stream:
        records = csv.reader(
            io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline=""), delimiter=delimiter
        )
        try:
            for row, record in enumerate(filter(None, records)):  # blank lines are no rows, as in Arrow
                if up_to is not None and row > up_to:
                    return None
                if any("\n" in cell or "\r" in cell for cell in record):
                    return row
        except csv.Error:  # a cell beyond the csv module's size limit, a NUL byte
            return None
    return None


@contextmanager
def _text_stream(text: TextData) -> Iterator[BinaryIO]:
    if text.data is not None:
        yield io.BytesIO(text.data)
        return
    with io.BufferedReader(text.decoded()) as stream:
        yield stream
