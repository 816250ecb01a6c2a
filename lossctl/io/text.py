"""CSV and TSV inputs, read by Arrow's CSV reader with column projection.

Small text (see `streams.SMALL_TEXT_BYTES`) is held in memory and parsed in one multithreaded
read; larger text is streamed block by block, in memory bounded by the batch size. Both read
the same column types, so they give the same arrays:

- numeric columns are parsed as float64 (empty cells, `NA`, `nan`, ... are null, hence NaN);
- other columns are int64 when every cell of the column is an integer, else text. Deciding
  that takes one extra pass over those columns, once per column.

Reading is fast and trusting; only when Arrow rejects something is the text read again,
single-threaded and through the UTF-8 check, to report what is wrong and on which row
(a ragged row, a cell that is not a number, bytes that are not text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.csv as pcsv

from lossctl.errors import InputError
from lossctl.io.convert import compute, convert_batches
from lossctl.io.source import ArrowSource
from lossctl.io.streams import TextData

_BLOCK_BYTES = 1 << 20  # what Arrow parses at a time (streams.BLOCK_BYTES is what is decoded)
_DELIMITERS = {"csv": ",", "tsv": "\t"}

RowHandler = Callable[[pcsv.InvalidRow], str]


class DelimitedSource(ArrowSource):
    """A CSV or TSV input: a header line of column names, then one row per line."""

    def __init__(self, text: TextData, format: str) -> None:  # noqa: A002 - as in Source
        self._text = text
        self._delimiter = _DELIMITERS[format]
        self._label = format.upper()
        self._key_types: dict[str, pa.DataType] = {}
        self._stream: pa.NativeFile | None = None
        schema = self._inspect()
        super().__init__(text.raw.name, format, schema, size_bytes=text.raw.size_bytes)

    def _inspect(self) -> pa.Schema:
        """The header's names and the first rows' inferred types; an error if there is no row.

        Read without a Python row handler (a reader calling back into Python can abort the
        interpreter at exit); only when Arrow rejects the text is it read again with one, to
        name the row."""
        try:
            return self._first_schema(None)
        except pa.ArrowInvalid as exc:
            if "Empty CSV file" in str(exc):
                raise self._no_rows() from None
            with self._reporting() as handler:
                self._first_schema(handler)
            raise InputError(f"cannot be read as {self._label}: {exc}", file=self._text.raw.name) from None

    def _first_schema(self, handler: RowHandler | None) -> pa.Schema:
        with self._text.open() as stream:
            reader = pcsv.open_csv(
                stream,
                read_options=self._read_options(strict=True),
                parse_options=self._parse_options(handler),
            )
            try:
                if not any(batch.num_rows for batch in reader):
                    raise self._no_rows()
                return reader.schema
            finally:
                reader.close()

    def _no_rows(self) -> InputError:
        return InputError("the file has a header but no data rows", file=self._text.raw.name)

    def _batches(self, numeric: list[str], other: list[str], batch_rows: int) -> Iterator[pa.RecordBatch]:
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
            yield from self._read(types, strict=False)
        except pa.ArrowInvalid as exc:
            self._diagnose(list(types), numeric)
            raise InputError(f"cannot be read as {self._label}: {exc}", file=self.name) from None

    def _diagnose(self, columns: list[str], numeric: list[str]) -> None:
        """Re-read `columns` as text, strictly, raising the InputError that says what is wrong."""
        with self._reporting() as handler:
            batches = self._read(dict.fromkeys(columns, pa.string()), strict=True, handler=handler)
            for _ in convert_batches(batches, numeric, [], file=self.name):
                pass

    def _read(
        self, types: dict[str, pa.DataType], *, strict: bool, handler: RowHandler | None = None
    ) -> Iterator[pa.RecordBatch]:
        """Batches of the columns in `types`; `strict` reads single-threaded, text checked."""
        options = {
            "read_options": self._read_options(strict=strict),
            "parse_options": self._parse_options(handler),
            "convert_options": pcsv.ConvertOptions(
                include_columns=list(types), column_types=types, strings_can_be_null=strict
            ),
        }
        with self._text.open(checked=strict) as stream:
            if self._text.in_memory and not strict:
                yield from pcsv.read_csv(stream, **options).to_batches()
            else:
                # Closed however the iteration ends: a reader left open keeps Arrow threads
                # (and a Python row handler) alive past an error, and the interpreter aborts
                # at exit.
                reader = pcsv.open_csv(stream, **options)
                self._stream = stream if isinstance(stream, pa.OSFile) else None
                try:
                    yield from reader
                finally:
                    self._stream = None
                    reader.close()

    def progress(self) -> tuple[int, int, str] | None:
        """Bytes of the file parsed so far, while a large plain file is streamed."""
        if self._stream is not None and self.size_bytes:
            return min(self._stream.tell(), self.size_bytes), self.size_bytes, "bytes"
        return super().progress()

    def _read_options(self, *, strict: bool) -> pcsv.ReadOptions:
        return pcsv.ReadOptions(use_threads=not strict, block_size=_BLOCK_BYTES)

    def _parse_options(self, handler: RowHandler | None) -> pcsv.ParseOptions:
        return pcsv.ParseOptions(delimiter=self._delimiter, invalid_row_handler=handler)

    @contextmanager
    def _reporting(self) -> Iterator[RowHandler]:
        """A handler recording ragged rows, and Arrow's parse errors turned into InputError."""
        name = self._text.raw.name
        ragged: list[pcsv.InvalidRow] = []

        def handler(row: pcsv.InvalidRow) -> str:
            ragged.append(row)
            return "error"

        try:
            yield handler
        except pa.ArrowInvalid as exc:
            if not ragged:
                raise InputError(f"cannot be read as {self._label}: {exc}", file=name) from None
            row = ragged[0]
            separator = "tab" if self._label == "TSV" else "comma"
            raise InputError(
                f"{row.actual_columns} fields where the header has {row.expected_columns}",
                file=name,
                row=row.number - 1 if row.number is not None else None,
                hint=f"quote cells that contain a {separator}",
            ) from None


def _all_integers(array: pa.Array) -> bool:
    try:
        compute().cast(array, pa.int64())
    except pa.ArrowInvalid:
        return False
    return True
