"""Reading a dataset's parts: the ``Reader`` (small and picklable, sent with every Dask task)
reads one file or row group; a ``DatasetSource`` reads parts in order as one ``Source``, rows
numbered dataset-wide, an error about a value naming the file it was read from and its row
there. Parquet is read in place (the footer, then the requested columns); a remote file of
another format is copied to a local temporary file first."""

from __future__ import annotations

import bisect
import os
import posixpath
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lossctl.errors import InputError
from lossctl.io.chunk import DEFAULT_CHUNK_ROWS, Chunk
from lossctl.io.columnar import parquet_batches, valid_file
from lossctl.io.convert import RawBatch, row_count
from lossctl.io.dispatch import open_file
from lossctl.io.locations import is_url
from lossctl.io.parts import DataFile, Part, require_columns, unchanged
from lossctl.io.remote import filesystem, remote_errors
from lossctl.io.source import ArrowSource


@dataclass(frozen=True)
class Reader:
    """How the files of one dataset are read: small and picklable, sent with every task.

    ``schema`` holds the first file's columns, then the partition columns.
    """

    name: str
    format: str
    schema: pa.Schema
    partition_types: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    storage_options: dict[str, Any] = field(default_factory=dict)

    def source(self, parts: Sequence[Part], size_bytes: int | None = None) -> DatasetSource:
        """The parts, in order, as one Source; rows numbered from the first part's start."""
        return DatasetSource(self, parts, size_bytes)

    def file_schema(self, file: DataFile) -> pa.Schema:
        """The columns of one file and their types."""
        if self.format == "parquet":
            with self._parquet(file) as parquet:
                return parquet.schema_arrow
        with self._local_copy(file) as local:
            return open_file(local, input_format=self.format, encoding=self.encoding).schema

    def layout(self, file: DataFile) -> tuple[int, ...]:
        """The number of rows of each part of ``file``: its row groups' (Parquet, from the
        footer), else its own (counted)."""
        if self.format == "parquet":
            with self._parquet(file) as parquet:
                return tuple(parquet.metadata.row_group(i).num_rows for i in range(parquet.metadata.num_row_groups))
        with self._local_copy(file) as local:
            return (open_file(local, input_format=self.format, encoding=self.encoding).count_rows(),)

    def batches(self, part: Part, numeric: list[str], other: list[str], chunk_rows: int) -> Iterator[RawBatch]:
        """Raw batches of the requested columns of one part, partition columns included."""
        keys = [name for name in numeric + other if name in self.partition_types]
        numeric = [name for name in numeric if name not in self.partition_types]
        other = [name for name in other if name not in self.partition_types]
        read = self._parquet_batches if self.format == "parquet" else self._file_batches
        for batch in read(part, numeric, other, chunk_rows):
            if keys:
                size = batch.num_rows
                batch = dict(zip(batch.schema.names, batch.columns, strict=True))
                batch.update({key: self._partition_column(part.file, key, size) for key in keys})
            yield batch

    def _partition_column(self, file: DataFile, key: str, size: int) -> np.ndarray:
        value = dict(file.partition)[key]
        if value is None:
            return np.full(size, None, dtype=object)
        return np.full(size, int(value) if self.partition_types[key] == "int" else value)

    def _parquet_batches(self, part: Part, numeric: list[str], other: list[str], chunk_rows: int) -> Iterator[Any]:
        """Row group by row group, as ParquetSource reads them."""
        columns = numeric + other
        with self._parquet(part.file) as parquet:
            require_columns(columns, parquet.schema_arrow.names, part.file)
            groups = None if part.row_group is None else [part.row_group]
            yield from parquet_batches(parquet, columns, chunk_rows, groups)

    def _file_batches(self, part: Part, numeric: list[str], other: list[str], chunk_rows: int) -> Iterator[Any]:
        """The batches of a whole file, from the reader of its format."""
        with self._local_copy(part.file) as local:
            source = open_file(local, input_format=self.format, encoding=self.encoding)
            require_columns(numeric + other, source.columns, part.file)
            yield from source.raw_batches(numeric, other, chunk_rows)

    @contextmanager
    def _parquet(self, file: DataFile) -> Iterator[pq.ParquetFile]:
        """The Parquet file, its footer read; the file is closed when the block ends."""
        with remote_errors(file.path):
            stream = self._open(file)
        with stream, valid_file(file.path, "Parquet"), unchanged(file):
            yield pq.ParquetFile(stream)

    def _open(self, file: DataFile) -> Any:
        """A binary stream over the file: a plain file on disk, or through fsspec."""
        if not is_url(file.path):
            return pa.OSFile(file.path)
        fs, path = filesystem(file.path, self.storage_options)
        return fs.open(path, "rb")

    @contextmanager
    def _local_copy(self, file: DataFile) -> Iterator[str]:
        """A local path of the file: itself, or a temporary copy of a remote file (errors that
        name the copy are given the file's URL instead)."""
        if not is_url(file.path):
            with unchanged(file):
                yield file.path
            return
        with tempfile.TemporaryDirectory(prefix="lossctl-") as tmp:
            local = os.path.join(tmp, posixpath.basename(file.path.rstrip("/")))
            with remote_errors(file.path):
                fs, path = filesystem(file.path, self.storage_options)
                fs.get_file(path, local)
            try:
                yield local
            except InputError as exc:
                if exc.file != local:
                    raise
                raise InputError(exc.message, file=file.path, column=exc.column, row=exc.row, hint=exc.hint) from None


class DatasetSource(ArrowSource):
    """Parts of a dataset read in order as one Source (see the module docstring).

    Rows are numbered dataset-wide, from the first part's ``start``; ``locate`` (and so
    every error about a value) names the file a row was read from and its row there.
    """

    def __init__(self, reader: Reader, parts: Sequence[Part], size_bytes: int | None = None) -> None:
        super().__init__(reader.name, reader.format, reader.schema, size_bytes=size_bytes)
        self._reader = reader
        self._parts = list(parts)
        self._first_row = self._parts[0].start if self._parts else 0
        self._read: list[tuple[int, Part]] = []  # (dataset-wide first row, part) of each part begun

    def iter_chunks(
        self, numeric, other=(), chunk_rows: int = DEFAULT_CHUNK_ROWS, *, exact: bool = True
    ) -> Iterator[Chunk]:
        """As ``Source.iter_chunks``; a value that is not a number is named by its file and row."""
        return self._located(super().iter_chunks(numeric, other, chunk_rows, exact=exact))

    def _located(self, chunks: Iterator[Chunk]) -> Iterator[Chunk]:
        try:
            for chunk in chunks:
                yield Chunk(chunk.start + self._first_row, chunk.arrays, chunk.num_rows)
        except InputError as exc:
            if exc.file != self.name or exc.row is None or exc.column is None:
                raise
            file, column, row = self.locate(exc.column, self._first_row + exc.row - 1)
            raise InputError(exc.message, file=file, column=column, row=row + 1, hint=exc.hint) from None

    def locate(self, column: str, row: int) -> tuple[str, str, int]:
        """The file of a (0-based, dataset-wide) row among the parts read, and its row there."""
        begun = [start for start, _ in self._read]
        index = bisect.bisect_right(begun, row) - 1
        if index < 0:
            return self.name, column, row
        start, part = self._read[index]
        return part.file.path, column, part.offset + row - start

    def raw_batches(self, numeric: list[str], other: list[str], chunk_rows: int) -> Iterator[RawBatch]:
        self._read = []
        row = self._first_row
        for part in self._parts:
            self._read.append((row, part))
            for batch in self._reader.batches(part, numeric, other, chunk_rows):
                row += row_count(batch)
                yield batch

    def progress(self) -> tuple[int, int, str] | None:
        """Parts (files, for the local engine) begun of the parts."""
        return len(self._read), len(self._parts), "files"
