"""Source: one tabular input, read as chunks of the columns asked for.

Each format's reader subclasses Source and only says how to produce raw batches of the
requested columns (`raw_batches`, Arrow or NumPy arrays of any length). Source does the rest the
same way for all: checking column names, converting to float64 or natural arrays (a non-number
is an error naming file, column and row), and regrouping rows into chunks of `chunk_rows`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

import numpy as np
import pyarrow as pa

from lossctl.errors import InputError
from lossctl.io import limits
from lossctl.io.chunk import DEFAULT_CHUNK_ROWS, Chunk, bounded_chunks, exact_chunks
from lossctl.io.columns import unknown_column
from lossctl.io.convert import RawBatch, convert_batches, is_numeric_type


class Source(ABC):
    """A tabular input.

    `name` is its display name (the path as given, `<stdin>` for `-`); `format` one of
    `lossctl.io.formats.FORMATS` (or `join`); `columns` its column names in file order;
    `num_rows` and `size_bytes` are None when not known without reading the data.
    """

    def __init__(
        self,
        name: str,
        format: str,  # noqa: A002 - the public attribute's name
        columns: list[str],
        *,
        num_rows: int | None = None,
        size_bytes: int | None = None,
    ) -> None:
        seen: set[str] = set()
        for column in columns:
            if column in seen:
                raise InputError("two columns have this name", file=name, column=column)
            seen.add(column)
        self.name = name
        self.format = format
        self.columns = list(columns)
        self.num_rows = num_rows
        self.size_bytes = size_bytes
        self._rows_read = 0

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} ({self.format}, {len(self.columns)} columns)>"

    def iter_chunks(
        self,
        numeric: Iterable[str],
        other: Iterable[str] = (),
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        *,
        exact: bool = True,
    ) -> Iterator[Chunk]:
        """The requested columns, `chunk_rows` rows at a time (the last chunk may be shorter);
        with ``exact=False``, at most `chunk_rows` rows at a time, as the reader delivers
        them, which saves copying batches together.

        Only these columns are read. `numeric` columns come as contiguous float64 arrays
        (integers and booleans converted, nulls and empty cells as NaN); `other` columns in
        their natural type (int64, float64, bool, or object arrays of str). Arrays may be
        read-only views of the file's data. Unknown column names are reported at once, before
        the iterator is consumed. A column asked for both ways comes once, as numeric.
        """
        numeric = list(dict.fromkeys(numeric))
        other = [name for name in dict.fromkeys(other) if name not in numeric]
        self._check_request(numeric, other, chunk_rows)
        batches = self.raw_batches(numeric, other, chunk_rows)
        regroup = exact_chunks if exact else bounded_chunks
        return self._counted(regroup(convert_batches(batches, numeric, other, file=self.name), chunk_rows))

    def _counted(self, chunks: Iterator[Chunk]) -> Iterator[Chunk]:
        self._rows_read = 0
        for chunk in chunks:
            self._rows_read = chunk.start + chunk.num_rows
            yield chunk

    def progress(self) -> tuple[int, int, str] | None:
        """``(done, total, unit)`` of the read under way, when its total is known: rows read
        of ``num_rows`` here; formats that know better say bytes or row groups."""
        if not self.num_rows:
            return None
        return self._rows_read, self.num_rows, "rows"

    def locate(self, column: str, row: int) -> tuple[str, str, int]:
        """Where a value comes from: ``(file, column, row)`` with a 0-based ``row``. A joined
        source answers with the file the column was read from and that file's own row."""
        return self.name, column, row

    def count_rows(self) -> int:
        """The number of data rows: `num_rows` when known, else counted once and kept."""
        if self.num_rows is None:
            self.num_rows = self._count_rows()
        return self.num_rows

    @abstractmethod
    def read_all_values(self) -> np.ndarray:
        """Every numeric value of the input, flattened into one float64 array.

        For a model-weights file; the order of the values is not significant.
        """

    @abstractmethod
    def raw_batches(self, numeric: list[str], other: list[str], chunk_rows: int) -> Iterator[RawBatch]:
        """Consecutive raw batches holding (at least) the requested columns.

        `chunk_rows` is a hint for the batches' size; numeric columns may come in any numeric
        or text type, conversion happens in `iter_chunks`.
        """

    def _count_rows(self) -> int:
        first = self.columns[0]
        return sum(len(batch[first]) for batch in self.raw_batches([], [first], DEFAULT_CHUNK_ROWS))

    def _check_request(self, numeric: list[str], other: list[str], chunk_rows: int) -> None:
        if not numeric and not other:
            raise ValueError("iter_chunks needs at least one column")
        if chunk_rows < 1:
            raise ValueError(f"chunk_rows must be at least 1, not {chunk_rows}")
        for name in numeric + other:
            if name not in self.columns:
                raise unknown_column(name, self.columns, file=self.name)


class ArrowSource(Source):
    """A source whose columns have Arrow types: every format but .npy and .npz.

    `schema` gives the columns' types (for CSV and TSV, as inferred from the first rows).
    """

    def __init__(
        self,
        name: str,
        format: str,  # noqa: A002 - the public attribute's name
        schema: pa.Schema,
        *,
        num_rows: int | None = None,
        size_bytes: int | None = None,
    ) -> None:
        super().__init__(name, format, schema.names, num_rows=num_rows, size_bytes=size_bytes)
        self.schema = schema

    def read_all_values(self) -> np.ndarray:
        """The values of every numeric-typed column, column after column: at most
        `limits.HELD_BYTES` of them (an endless stream of weights is refused, not held)."""
        numeric = [field.name for field in self.schema if is_numeric_type(field.type)]
        if not numeric:
            raise InputError("no numeric column to read values from", file=self.name)
        arrays: dict[str, list[np.ndarray]] = {name: [] for name in numeric}
        held = 0
        for chunk in self.iter_chunks(numeric):
            for name in numeric:
                arrays[name].append(chunk.arrays[name])
                held += chunk.arrays[name].nbytes
            if held > limits.HELD_BYTES:
                raise limits.over_limit("of values (as float64)", limits.HELD_BYTES, file=self.name)
        return np.concatenate([array for name in numeric for array in arrays[name]])
