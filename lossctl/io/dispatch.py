"""open_file: from the path of one file (or `-`) to the Source that reads it, by format."""

from __future__ import annotations

import pkgutil

from lossctl.errors import InputError
from lossctl.io import formats
from lossctl.io.files import HEAD_BYTES, RawFile, open_raw
from lossctl.io.limits import read_up_to
from lossctl.io.source import Source
from lossctl.io.streams import DecompressingReader, decompress_all, load_text

_READERS = {
    "csv": "lossctl.io.text:DelimitedSource",
    "tsv": "lossctl.io.text:DelimitedSource",
    "jsonl": "lossctl.io.jsonl:JsonLinesSource",
    "parquet": "lossctl.io.columnar:ParquetSource",
    "feather": "lossctl.io.columnar:ArrowIpcSource",
    "npy": "lossctl.io.arrays:open_npy",
    "npz": "lossctl.io.arrays:open_npz",
}
"""The reader of each format, imported only when a file of that format is read (a CSV run
does not import the Parquet reader)."""


def open_file(path: str, *, input_format: str | None = None, encoding: str = "utf-8") -> Source:
    """The one file at `path` (`-` reads standard input), ready to be read in chunks.

    The format is `input_format` when given, else told by the file name's extension
    (`x.csv.gz`, `x.parquet`, ...), else sniffed from the content. CSV, TSV and JSON Lines
    may be compressed with gzip, bz2, xz or zstd, told by extension or by magic bytes; they
    are decoded from `encoding` (UTF-8 by default). Every problem is an InputError naming
    the file (and the column and row where they apply).
    """
    raw = open_raw(path)
    named_format, compression = formats.from_name(raw.name)
    head = raw.head()
    compression = compression or formats.compression_of(head)
    fmt = input_format or named_format or formats.sniff(_decompressed_head(raw, compression, head))
    if fmt is None:
        raise InputError(
            "unknown format: not CSV, TSV, JSON Lines, Parquet, Arrow, .npy or .npz",
            file=raw.name,
            hint=f"name the format with --input-format ({', '.join(formats.FORMATS)})",
        )
    if fmt in formats.TEXT_FORMATS:
        header_lines = 0 if fmt == "jsonl" else 1
        text = load_text(raw, compression=compression, encoding=encoding, header_lines=header_lines)
        return _reader(fmt)(text) if fmt == "jsonl" else _reader(fmt)(text, fmt)
    raw = decompress_all(raw, compression) if compression is not None else raw.held()
    return _reader(fmt)(raw)


def _reader(fmt: str):  # noqa: ANN202 - a Source class or factory
    """The reader of `fmt`: a Source class, or a function returning one."""
    return pkgutil.resolve_name(_READERS[fmt])


def _decompressed_head(raw: RawFile, compression: str | None, head: bytes) -> bytes:
    if compression is None:
        return head
    with DecompressingReader(raw.open(), compression, raw.name) as stream:
        return read_up_to(stream, HEAD_BYTES)
