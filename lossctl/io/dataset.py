"""Multi-file inputs: a directory, a glob, a Hive-partitioned dataset, or an fsspec URL.

``open_dataset(path)`` lists the files of the input in the sorted order of their paths
(``listing``), takes their Hive partition values (``partitions``) and returns a ``Dataset``:
its ``source()`` reads every file in that order as one ``Source`` (the local engine's view),
and its ``parts`` split it into parts read independently (the Dask engine's tasks): each row
group of a Parquet file, each file of another format (``reader``). A URL's storage options are
resolved once, here, so that every process reading a part uses the same (``remote``).

The first file gives the column names, followed by a column per partition key (``--group-by
key`` reports a value per partition); a key that is also a column of the files is an error.
The size of a local dataset is the sum of its files'; a remote one's is unknown.

Rows are numbered across the whole dataset: the first row of a file follows the last row of
the file before it (both engines see the same numbers). An error about a value names the file
it was read from and its row in that file (``Source.locate``). A later file that lacks a
column that is read is an error naming that file, and so is a local file written to or
replaced since it was listed (``DataFile.stamp``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pyarrow as pa

from lossctl.errors import InputError
from lossctl.io.listing import format_of, list_files
from lossctl.io.locations import is_url
from lossctl.io.partitions import partition_types, partitioned
from lossctl.io.parts import DataFile, Part
from lossctl.io.reader import DatasetSource, Reader
from lossctl.io.remote import resolved_options


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
    options = resolved_options(path, storage_options or {}) if is_url(path) else {}
    listed = list_files(path, options, input_format)
    fmt = format_of(path, listed, input_format)
    files = partitioned(listed)
    types = partition_types(files)
    reader = Reader(path, fmt, pa.schema([]), types, encoding, options)
    schema = reader.file_schema(files[0])
    for key, kind in types.items():
        if key in schema.names:
            raise InputError("a partition directory and a column of the files have this name", file=path, column=key)
        schema = schema.append(pa.field(key, pa.int64() if kind == "int" else pa.string()))
    size = None if is_url(path) else sum(os.path.getsize(file.path) for file in files)
    return Dataset(replace(reader, schema=schema), tuple(files), size)
