"""CSV and TSV inputs, read by Arrow's CSV reader with column projection.

The text is parsed a window of whole rows at a time (`windows.TextWindows`), each window in
memory, so memory is bounded by the window size whatever the file size.
Arrow parses a window on all cores, about twice as fast as its streaming reader, which parses
one block after another. Arrow is only ever given memory that it owns, never a Python stream
or Python bytes: either, released on Arrow's own threads, can hang or abort the interpreter at
exit (see `files.arrow_owned`).

Every window is read with the same column types, so the arrays do not depend on the windows:

- numeric columns are parsed as float64 (empty cells, `NA`, `nan`, ... are null, hence NaN);
- other columns are int64 when every cell of the column is an integer, else text. Deciding
  that takes one extra pass over those columns, once per column.

Reading is fast and trusting; only when Arrow rejects something is the text read again,
single-threaded and through the UTF-8 check, to report what is wrong and on which row
(a ragged row, a cell that is not a number, bytes that are not text).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.csv as pcsv

from lossctl.errors import InputError
from lossctl.io.convert import compute, convert_batches
from lossctl.io.quoted import quoted_line_end_error
from lossctl.io.source import ArrowSource
from lossctl.io.streams import TextData
from lossctl.io.windows import TextWindows

_BLOCK_BYTES = 1 << 20  # what Arrow parses at a time (streams.BLOCK_BYTES is what is decoded)
_DELIMITERS = {"csv": ",", "tsv": "\t"}


class _RaggedRows:
    """Arrow's invalid-row handler: stops at the first ragged row and keeps its 1-based data
    row in the file (Arrow numbers rows within the window it parses, counting the header)."""

    def __init__(self) -> None:
        self.rows_before = 0  # data rows in the windows before the one being parsed
        self.header_lines = 1  # Arrow's count of rows in that window before the data rows
        self.first: tuple[int, int, int] | None = None  # (row, fields, fields in the header)

    def __call__(self, row: pcsv.InvalidRow) -> str:
        if self.first is None and row.number is not None:
            number = self.rows_before + row.number - self.header_lines
            self.first = (number, row.actual_columns, row.expected_columns)
        return "error"


class DelimitedSource(ArrowSource):
    """A CSV or TSV input: a header line of column names, then one row per line."""

    def __init__(self, text: TextData, format: str) -> None:  # noqa: A002 - as in Source
        self._text = text
        self._delimiter = _DELIMITERS[format]
        self._label = format.upper()
        self._key_types: dict[str, pa.DataType] = {}
        self._windows = TextWindows(text)
        self._header: list[str] = []
        schema = self._inspect()
        self._header = schema.names
        super().__init__(text.raw.name, format, schema, size_bytes=text.raw.size_bytes)

    def _inspect(self) -> pa.Schema:
        """The header's names and the first rows' inferred types; an error if there is no row."""
        with self._reporting() as ragged:
            try:
                return self._first_schema(ragged)
            except pa.ArrowInvalid as exc:
                if "Empty CSV file" in str(exc):
                    raise self._no_rows() from None
                raise

    def _first_schema(self, ragged: _RaggedRows) -> pa.Schema:
        """The schema Arrow infers from the first window that has a data row."""
        schema = None
        for table in self._tables(None, strict=True, ragged=ragged, window_bytes=_BLOCK_BYTES):
            if schema is None:  # the first window's: the header names every column
                schema = table.schema
            if table.num_rows:
                return schema
        raise self._no_rows()

    def _no_rows(self) -> InputError:
        return InputError("the file has a header but no data rows", file=self._text.raw.name)

    def raw_batches(self, numeric: list[str], other: list[str], chunk_rows: int) -> Iterator[pa.RecordBatch]:
        types = {name: pa.float64() for name in numeric} | self._types_of_keys(other)
        return self._scan(types, numeric)

    def _count_rows(self) -> int:
        return sum(batch.num_rows for batch in self._scan({self.columns[0]: pa.string()}, []))

    def _types_of_keys(self, names: list[str]) -> dict[str, pa.DataType]:
        """int64 for the columns whose every cell is an integer, else string (decided once)."""
        unknown = [name for name in names if name not in self._key_types]
        if unknown:
            integral = dict.fromkeys(unknown, True)
            for batch in self._scan(dict.fromkeys(unknown, pa.string()), []):
                for name in unknown:
                    integral[name] = integral[name] and _all_integers(batch[name])
            for name in unknown:
                self._key_types[name] = pa.int64() if integral[name] else pa.string()
        return {name: self._key_types[name] for name in names}

    def _scan(self, types: dict[str, pa.DataType], numeric: list[str]) -> Iterator[pa.RecordBatch]:
        """Batches of the columns typed `types`; a failure is diagnosed by a strict re-read."""
        try:
            for table in self._tables(types, strict=False):
                yield from table.to_batches()
        except pa.ArrowInvalid as exc:
            if self._text.raw.rest is None:  # a long stream, read once, cannot be read again
                self._diagnose(list(types), numeric)
            raise InputError(f"cannot be read as {self._label}: {exc}", file=self.name) from None

    def _diagnose(self, columns: list[str], numeric: list[str]) -> None:
        """Re-read `columns` as text, strictly, raising the InputError that says what is wrong."""
        with self._reporting() as ragged:
            tables = self._tables(dict.fromkeys(columns, pa.string()), strict=True, ragged=ragged)
            batches = (batch for table in tables for batch in table.to_batches())
            try:
                for _ in convert_batches(batches, numeric, [], file=self.name):
                    pass
            except InputError as exc:  # half a quoted cell cut at its line end is no number
                raise (quoted_line_end_error(self._text, self._delimiter, up_to=exc.row) or exc) from None
        quoted = quoted_line_end_error(self._text, self._delimiter)
        if quoted is not None:
            raise quoted

    def _tables(
        self,
        types: dict[str, pa.DataType] | None,
        *,
        strict: bool,
        ragged: _RaggedRows | None = None,
        window_bytes: int | None = None,
    ) -> Iterator[pa.Table]:
        """The text parsed window by window: the columns in `types` (all columns, their types
        inferred, if None), in windows of `window_bytes` (by default `windows.WINDOW_BYTES`, and text
        held in memory in one window). `strict` reads single-threaded, the text checked, and
        numbers ragged rows through `ragged`."""
        convert = pcsv.ConvertOptions(include_columns=list(types or ()), column_types=types, strings_can_be_null=strict)
        parse = pcsv.ParseOptions(delimiter=self._delimiter, invalid_row_handler=ragged)
        read = pcsv.ReadOptions(use_threads=not strict, block_size=_BLOCK_BYTES)
        for number, window in enumerate(self._windows.windows(window_bytes, checked=strict)):
            table = pcsv.read_csv(
                pa.BufferReader(window), read_options=read, parse_options=parse, convert_options=convert
            )
            if number == 0:  # the windows after the first have no header line
                names = self._header or table.column_names  # all of them while it is being read
                read = pcsv.ReadOptions(use_threads=not strict, block_size=_BLOCK_BYTES, column_names=names)
            if ragged is not None:
                ragged.rows_before += table.num_rows
                ragged.header_lines = 0
            yield table

    def progress(self) -> tuple[int, int, str] | None:
        return self._windows.progress() or super().progress()

    @contextmanager
    def _reporting(self) -> Iterator[_RaggedRows]:
        """A ragged-row handler, and Arrow's parse errors turned into InputError (naming the
        first ragged row when there is one)."""
        name = self._text.raw.name
        ragged = _RaggedRows()
        try:
            yield ragged
        except pa.ArrowInvalid as exc:
            quoted = quoted_line_end_error(self._text, self._delimiter, up_to=ragged.first and ragged.first[0])
            if quoted is not None:
                raise quoted from None
            if ragged.first is None:
                raise InputError(f"cannot be read as {self._label}: {exc}", file=name) from None
            row, fields, expected = ragged.first
            separator = "tab" if self._label == "TSV" else "comma"
            raise InputError(
                f"{fields} fields where the header has {expected}",
                file=name,
                row=row,
                hint=f"quote cells that contain a {separator}",
            ) from None


def _all_integers(array: pa.Array) -> bool:
    try:
        compute().cast(array, pa.int64())
    except pa.ArrowInvalid:
        return False
    return True
