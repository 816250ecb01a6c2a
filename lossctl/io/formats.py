"""Which format and compression a file is in: from its name first, else from its bytes.

Pure functions over a file name and the first bytes of its content; nothing here opens a file.
"""

from __future__ import annotations

from pathlib import PurePath

FORMATS = ("csv", "tsv", "jsonl", "json", "parquet", "feather", "npy", "npz")
"""The formats lossctl reads; `feather` covers both Arrow IPC file and stream, `json` a table
written as one JSON document (an array of rows, or an object of columns)."""

TEXT_FORMATS = frozenset({"csv", "tsv", "jsonl", "json"})
"""Formats read as text, hence subject to `--encoding`."""

_FORMAT_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".feather": "feather",
    ".arrow": "feather",
    ".ipc": "feather",
    ".npy": "npy",
    ".npz": "npz",
}

_COMPRESSION_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}

_COMPRESSION_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)

ARROW_FILE_MAGIC = b"ARROW1"  # an Arrow IPC file (Feather v2); a stream starts otherwise
_FORMAT_MAGIC = (
    (b"PAR1", "parquet"),
    (ARROW_FILE_MAGIC, "feather"),
    (b"\xff\xff\xff\xff", "feather"),  # an Arrow IPC stream's first continuation marker
    (b"\x93NUMPY", "npy"),
    (b"PK\x03\x04", "npz"),
)


_UTF8_BOM = b"\xef\xbb\xbf"


def from_name(name: str) -> tuple[str | None, str | None]:
    """(format, compression) told by a file name's suffixes, each None when it says nothing.

    `preds.csv.gz` gives ("csv", "gzip"), `preds.gz` gives (None, "gzip").
    """
    suffixes = [suffix.lower() for suffix in PurePath(name).suffixes]
    compression = _COMPRESSION_SUFFIXES.get(suffixes[-1]) if suffixes else None
    if compression is not None:
        suffixes.pop()
    fmt = _FORMAT_SUFFIXES.get(suffixes[-1]) if suffixes else None
    return fmt, compression


def compression_of(head: bytes) -> str | None:
    """The compression whose magic number `head` starts with, if any."""
    return next((codec for magic, codec in _COMPRESSION_MAGIC if head.startswith(magic)), None)


def sniff(head: bytes) -> str | None:
    """The format of (uncompressed) content starting with `head`; None for unknown binary data.

    Binary formats are told by their magic number. Text is JSON Lines when its first
    non-blank character (after any byte-order mark) is `{`, a JSON document when it is `[`,
    TSV when its first line holds a tab, CSV otherwise.
    """
    fmt = next((fmt for magic, fmt in _FORMAT_MAGIC if head.startswith(magic)), None)
    if fmt is not None:
        return fmt
    if b"\x00" in head:
        return None
    start = head.removeprefix(_UTF8_BOM).lstrip()[:1]
    if start in (b"{", b"["):
        return "jsonl" if start == b"{" else "json"
    first_line = head.split(b"\n", 1)[0]
    return "tsv" if b"\t" in first_line else "csv"
