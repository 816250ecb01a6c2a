"""Multi-file inputs: a directory, a glob, a Hive-partitioned dataset, or an fsspec URL.

``open_dataset(path)`` lists the files of the input, in the sorted order of their paths, and
returns a ``Dataset``: its ``source()`` reads every file in that order as one ``Source`` (the
local engine's view), and its ``parts`` split it into pieces read independently (the Dask
engine's tasks): each row group of a Parquet file, each file of another format.

- A directory is searched recursively; names starting with ``.`` or ``_`` (``_SUCCESS``,
  ``.crc`` files) are skipped, and so are files whose extension names no data format (unless
  ``input_format`` says the format). A glob (``preds/*.parquet``, ``**`` recursive) selects
  files. Every file must be of one format: Parquet, CSV, TSV, JSON Lines or Feather.
- Directories named ``key=value`` between the root and a file (Hive partitioning) add a
  column ``key`` holding ``value`` to the file's rows: int64 when every value of the key is
  an integer, else text (``__HIVE_DEFAULT_PARTITION__`` is null). ``--group-by key`` reports
  a value per partition.
- ``scheme://...`` paths (``s3://``, ``gs://``, ``az://``, ``file://``, ...) are read through
  fsspec, with ``storage_options`` given over fsspec's own configuration (its
  ``FSSPEC_<PROTOCOL>_<OPTION>`` environment variables and ~/.config/fsspec), resolved once
  here so that every process reading a part uses the same options. Parquet is read in place
  (the footer, then the requested columns); a file of another format is copied to a local
  temporary file first.

The size of a local dataset is the sum of its files' (the local engine's ``compare`` includes
a loss that is not streamable by default only for a small input); a remote one's is unknown.

Rows are numbered across the whole dataset: the first row of a file follows the last row of
the file before it (both engines see the same numbers). An error about a value names the file
it was read from and its row in that file (``Source.locate``). The first file gives the
column names; a later file that lacks a column that is read is an error naming that file,
and so is a local file written to or replaced since it was listed (``DataFile.stamp``).
"""

from __future__ import annotations

import bisect
import glob
import os
import posixpath
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lossctl.errors import InputError, UsageError
from lossctl.io import formats
from lossctl.io.chunk import DEFAULT_BATCH_ROWS, Chunk
from lossctl.io.columnar import _valid_file, parquet_batches
from lossctl.io.dispatch import open_source
from lossctl.io.files import check_unchanged, stamp_of
from lossctl.io.locations import GLOB_MAGIC, is_url
from lossctl.io.source import ArrowSource

DATASET_FORMATS = ("parquet", "csv", "tsv", "jsonl", "feather")
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
_INTEGER = re.compile(r"-?\d+")


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: its local path or URL, its Hive partition values, and for a
    local file its stamp when it was listed (`files.stamp_of`): reading it checks that it is
    still that file, before and after, so that the rows planned from it are the rows read."""

    path: str
    partition: tuple[tuple[str, str | None], ...] = ()
    stamp: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Part:
    """A piece of a dataset read on its own: a row group of a Parquet file (``row_group``),
    or a whole file (``row_group`` None). ``start`` is the 0-based dataset-wide index of its
    first row, ``offset`` the index of that row in its file."""

    file: DataFile
    row_group: int | None = None
    start: int = 0
    offset: int = 0

    def describe(self) -> str:
        return self.file.path if self.row_group is None else f"{self.file.path} (row group {self.row_group})"


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
            return open_source(local, input_format=self.format, encoding=self.encoding).schema

    def layout(self, file: DataFile) -> tuple[int, ...]:
        """The number of rows of each part of ``file``: its row groups' (Parquet, from the
        footer), else its own (counted)."""
        if self.format == "parquet":
            with self._parquet(file) as parquet:
                return tuple(parquet.metadata.row_group(i).num_rows for i in range(parquet.metadata.num_row_groups))
        with self._local_copy(file) as local:
            return (open_source(local, input_format=self.format, encoding=self.encoding).count_rows(),)

    def batches(self, part: Part, numeric: list[str], other: list[str], batch_rows: int) -> Iterator[Any]:
        """Raw batches of the requested columns of one part, partition columns included."""
        keys = [name for name in numeric + other if name in self.partition_types]
        numeric = [name for name in numeric if name not in self.partition_types]
        other = [name for name in other if name not in self.partition_types]
        read = self._parquet_batches if self.format == "parquet" else self._file_batches
        for batch in read(part, numeric, other, batch_rows):
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

    def _parquet_batches(self, part: Part, numeric: list[str], other: list[str], batch_rows: int) -> Iterator[Any]:
        """Row group by row group, as ParquetSource reads them."""
        columns = numeric + other
        with self._parquet(part.file) as parquet:
            _require(columns, parquet.schema_arrow.names, part.file)
            groups = None if part.row_group is None else [part.row_group]
            yield from parquet_batches(parquet, columns, batch_rows, groups)

    def _file_batches(self, part: Part, numeric: list[str], other: list[str], batch_rows: int) -> Iterator[Any]:
        """The batches of a whole file, from the reader of its format."""
        with self._local_copy(part.file) as local:
            source = open_source(local, input_format=self.format, encoding=self.encoding)
            _require(numeric + other, source.columns, part.file)
            yield from source._batches(numeric, other, batch_rows)

    @contextmanager
    def _parquet(self, file: DataFile) -> Iterator[pq.ParquetFile]:
        """The Parquet file, its footer read; the file is closed when the block ends."""
        with _remote_errors(file):
            stream = self._open(file)
        with stream, _valid_file(file.path, "Parquet"), _unchanged(file):
            yield pq.ParquetFile(stream)

    def _open(self, file: DataFile) -> Any:
        """A binary stream over the file: a plain file on disk, or through fsspec."""
        if not is_url(file.path):
            return pa.OSFile(file.path)
        fs, path = _filesystem(file.path, self.storage_options)
        return fs.open(path, "rb")

    @contextmanager
    def _local_copy(self, file: DataFile) -> Iterator[str]:
        """A local path of the file: itself, or a temporary copy of a remote file (errors that
        name the copy are given the file's URL instead)."""
        if not is_url(file.path):
            with _unchanged(file):
                yield file.path
            return
        with tempfile.TemporaryDirectory(prefix="lossctl-") as tmp:
            local = os.path.join(tmp, posixpath.basename(file.path.rstrip("/")))
            with _remote_errors(file):
                fs, path = _filesystem(file.path, self.storage_options)
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
        self, numeric, other=(), batch_rows: int = DEFAULT_BATCH_ROWS, *, exact: bool = True
    ) -> Iterator[Chunk]:
        """As ``Source.iter_chunks``; a value that is not a number is named by its file and row."""
        return self._located(super().iter_chunks(numeric, other, batch_rows, exact=exact))

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

    def _batches(self, numeric: list[str], other: list[str], batch_rows: int) -> Iterator[Any]:
        self._read = []
        row = self._first_row
        for part in self._parts:
            self._read.append((row, part))
            for batch in self._reader.batches(part, numeric, other, batch_rows):
                row += batch.num_rows if isinstance(batch, pa.RecordBatch) else len(next(iter(batch.values())))
                yield batch

    def progress(self) -> tuple[int, int, str] | None:
        """Parts (files, for the local engine) begun of the parts."""
        return len(self._read), len(self._parts), "files"


@dataclass(frozen=True)
class Dataset:
    """The files of a multi-file input and how to read them."""

    reader: Reader
    files: tuple[DataFile, ...]
    size_bytes: int | None = None

    @property
    def name(self) -> str:
        return self.reader.name

    def source(self) -> DatasetSource:
        """Every file, in order, as one Source."""
        return self.reader.source([Part(file) for file in self.files], self.size_bytes)

    def parts(self, layouts: Sequence[tuple[int, ...]]) -> list[Part]:
        """The non-empty parts with their dataset-wide starts, given each file's ``layout``."""
        parts, start = [], 0
        for file, sizes in zip(self.files, layouts, strict=True):
            offset = 0
            for i, size in enumerate(sizes):
                if size:
                    parts.append(Part(file, i if self.reader.format == "parquet" else None, start, offset))
                start += size
                offset += size
        return parts


def open_dataset(
    path: str,
    *,
    input_format: str | None = None,
    encoding: str = "utf-8",
    storage_options: dict[str, Any] | None = None,
) -> Dataset:
    """The dataset at ``path``: a local file, directory or glob, or an fsspec URL of any of
    these. An InputError when it holds no data file, mixes formats, or its partition
    directories disagree; a UsageError when a URL needs a package that is missing."""
    options = _resolved_options(path, storage_options or {}) if is_url(path) else {}
    listed = _list(path, options, input_format)
    fmt = _format_of(path, listed, input_format)
    files = _partitioned(listed)
    partition_types = _partition_types(files)
    reader = Reader(path, fmt, pa.schema([]), partition_types, encoding, options)
    schema = reader.file_schema(files[0])
    for key, kind in partition_types.items():
        if key in schema.names:
            raise InputError("a partition directory and a column of the files have this name", file=path, column=key)
        schema = schema.append(pa.field(key, pa.int64() if kind == "int" else pa.string()))
    size = None if is_url(path) else sum(os.path.getsize(file.path) for file in files)
    return Dataset(replace(reader, schema=schema), tuple(files), size)


def _list(path: str, options: dict[str, Any], input_format: str | None) -> list[tuple[str, str]]:
    """The dataset's data files, sorted: each as its path (or URL) and its path below the
    dataset's root (the directory, or a glob's directory before its first wildcard)."""
    if is_url(path):
        fs, stripped = _filesystem(path, options)
        with _remote_errors(DataFile(path)):
            if GLOB_MAGIC.search(stripped):
                found = [p for p, info in fs.glob(stripped, detail=True).items() if info["type"] == "file"]
                root = _glob_root(stripped)
            elif fs.isdir(stripped):
                found, root = fs.find(stripped), stripped
            elif fs.exists(stripped):
                return [(path, posixpath.basename(stripped))]
            else:
                raise InputError("no such file or directory", file=path)
        below = [(fs.unstrip_protocol(p), p[len(root) :].lstrip("/")) for p in found]
    elif os.path.isdir(path):
        below = [(os.path.join(d, name), "") for d, _, names in os.walk(path) for name in names]
        below = [(file, _below(path, file)) for file, _ in below]
    elif not os.path.exists(path):
        root = _glob_root(path)
        below = [(p, _below(root, p)) for p in glob.glob(path, recursive=True) if os.path.isfile(p)]
    else:
        return [(path, os.path.basename(path))]
    kept = sorted(
        (file, rel)
        for file, rel in below
        if not any(name.startswith((".", "_")) for name in rel.split("/"))
        and (input_format is not None or formats.from_name(file)[0] is not None)
    )
    if not kept:
        globbed = GLOB_MAGIC.search(path) is not None
        raise InputError(
            "no data file matches this pattern" if globbed else "no data file in this directory",
            file=path,
            hint=f"datasets hold {', '.join(DATASET_FORMATS)} files",
        )
    return kept


def _below(root: str, file: str) -> str:
    return os.path.relpath(file, root).replace(os.sep, "/")


def _glob_root(pattern: str) -> str:
    """The directory a glob pattern starts from: its components before the first wildcard."""
    fixed = []
    for part in pattern.split("/")[:-1]:
        if GLOB_MAGIC.search(part):
            break
        fixed.append(part)
    return "/".join(fixed) or "."


def _format_of(path: str, files: list[tuple[str, str]], input_format: str | None) -> str:
    """The one format of the files: ``input_format``, else told by their names."""
    found = {input_format or formats.from_name(file)[0] for file, _ in files}
    if None in found:
        raise InputError("cannot tell the format from the file name", file=path, hint="name it with --input-format")
    if len(found) > 1:
        raise InputError(
            f"the files are of several formats ({', '.join(sorted(found))})", file=path, hint="select one with a glob"
        )
    fmt = found.pop()
    if fmt not in DATASET_FORMATS:
        raise InputError(f"{fmt} files cannot form a dataset", file=path, hint=f"use {', '.join(DATASET_FORMATS)}")
    return fmt


def _stamp(path: str) -> tuple[int, ...]:
    try:
        return stamp_of(os.stat(path))
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=path) from None


@contextmanager
def _unchanged(file: DataFile) -> Iterator[None]:
    """A block that reads `file`, checked to be the file listed before it and after it (a
    local file; a remote one is read as it is)."""
    if file.stamp is not None:
        check_unchanged(file.path, file.stamp)
    yield
    if file.stamp is not None:
        check_unchanged(file.path, file.stamp)


def _partitioned(files: list[tuple[str, str]]) -> list[DataFile]:
    """The files with the ``key=value`` directories above each of them; every file must have
    the same keys."""
    out = []
    for path, rel in files:
        pairs = []
        for name in rel.split("/")[:-1]:
            key, equals, value = name.partition("=")
            if equals and key:
                pairs.append((unquote(key), None if value == NULL_PARTITION else unquote(value)))
        out.append(DataFile(path, tuple(pairs), None if is_url(path) else _stamp(path)))
    keys = [key for key, _ in out[0].partition]
    for file in out[1:]:
        if [key for key, _ in file.partition] != keys:
            raise InputError(
                f"its partition directories ({_keys(file)}) differ from those of {out[0].path} ({_keys(out[0])})",
                file=file.path,
            )
    return out


def _keys(file: DataFile) -> str:
    return ", ".join(key for key, _ in file.partition) or "none"


def _partition_types(files: list[DataFile]) -> dict[str, str]:
    """Each partition key's type: ``int`` when every value is an integer, else ``str``."""
    types: dict[str, str] = {}
    for index, (key, _) in enumerate(files[0].partition):
        values = [file.partition[index][1] for file in files]
        integral = all(value is None or _INTEGER.fullmatch(value) for value in values)
        types[key] = "int" if integral else "str"
    return types


def _require(columns: list[str], available: list[str], file: DataFile) -> None:
    for name in columns:
        if name not in available:
            raise InputError("this file of the dataset has no such column", file=file.path, column=name)


def _fsspec():
    try:
        import fsspec
    except ImportError:
        raise UsageError("reading URLs needs fsspec", hint="pip install 'lossctl[dask]'") from None
    return fsspec


def _filesystem(url: str, options: dict[str, Any]):
    """The fsspec filesystem of ``url`` and the path within it."""
    try:
        return _fsspec().core.url_to_fs(url, **options)
    except ImportError as exc:
        raise UsageError(f"reading {url.split('://')[0]}:// URLs needs a package: {exc}", file=url) from None
    except (TypeError, ValueError) as exc:
        raise UsageError(f"bad storage options for this URL: {exc}", file=url) from None


def _resolved_options(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` over fsspec's configuration for the URL's protocol (environment and
    config files of this process), so that worker processes read with the same options."""
    protocol = url.split("://", 1)[0]
    configured = _fsspec().config.conf.get(protocol, {})
    return {**configured, **options}


@contextmanager
def _remote_errors(file: DataFile) -> Iterator[None]:
    """A file that cannot be reached or read, as one InputError naming it."""
    try:
        yield
    except FileNotFoundError:
        raise InputError("no such file or directory", file=file.path) from None
    except PermissionError as exc:
        raise InputError(f"permission denied ({exc})", file=file.path) from None
    except OSError as exc:
        if isinstance(exc, pa.ArrowException):
            raise
        raise InputError(f"cannot be read: {exc}", file=file.path) from None
