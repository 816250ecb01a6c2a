"""open_source: from a path (or `-`) to the Source that reads it: one file, or a dataset of many
(a directory, a glob, an fsspec URL) read as one."""

from __future__ import annotations

import codecs

from lossctl.errors import InputError
from lossctl.io import formats
from lossctl.io.dispatch import open_file
from lossctl.io.locations import is_dataset
from lossctl.io.source import Source


def open_source(
    path: str,
    *,
    input_format: str | None = None,
    encoding: str = "utf-8",
    storage_options: dict | None = None,
) -> Source:
    """The input at `path` (`-` reads standard input), ready to be read in chunks: a file
    (`dispatch.open_file`), or a directory, a glob or an fsspec URL (`s3://...`, with
    `storage_options`) read as one dataset of many files (`dataset.open_dataset`)."""
    if input_format is not None and input_format not in formats.FORMATS:
        raise InputError(
            f"unknown input format {input_format!r}",
            hint=f"choose one of {', '.join(formats.FORMATS)}",
        )
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", hint="e.g. utf-8, latin-1, cp1252") from None
    if is_dataset(path):
        from lossctl.io.dataset import open_dataset  # pyarrow.parquet: only for datasets

        dataset = open_dataset(path, input_format=input_format, encoding=encoding, storage_options=storage_options)
        return dataset.source()
    return open_file(path, input_format=input_format, encoding=encoding)
