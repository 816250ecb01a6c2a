"""Format and compression detection from names and bytes."""

from __future__ import annotations

import pytest

from lossctl.io import formats


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("preds.csv", ("csv", None)),
        ("dir.v2/preds.CSV", ("csv", None)),
        ("preds.csv.gz", ("csv", "gzip")),
        ("preds.tsv.bz2", ("tsv", "bz2")),
        ("preds.jsonl.xz", ("jsonl", "xz")),
        ("preds.ndjson.zst", ("jsonl", "zstd")),
        ("preds.parquet", ("parquet", None)),
        ("preds.pq", ("parquet", None)),
        ("preds.feather", ("feather", None)),
        ("preds.arrow", ("feather", None)),
        ("preds.ipc", ("feather", None)),
        ("w.npy", ("npy", None)),
        ("w.npz", ("npz", None)),
        ("preds.gz", (None, "gzip")),
        ("preds.txt", (None, None)),
        ("preds", (None, None)),
    ],
)
def test_from_name(name, expected):
    assert formats.from_name(name) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"BZh91AY", "bz2"),
        (b"\xfd7zXZ\x00\x00", "xz"),
        (b"\x28\xb5\x2f\xfd\x00", "zstd"),
        (b"a,b\n1,2\n", None),
    ],
)
def test_compression_of(head, expected):
    assert formats.compression_of(head) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"PAR1\x15\x04", "parquet"),
        (b"ARROW1\x00\x00", "feather"),
        (b"\xff\xff\xff\xff\x10\x00", "feather"),
        (b"\x93NUMPY\x01\x00", "npy"),
        (b"PK\x03\x04\x14", "npz"),
        (b'  \n{"a": 1}\n', "jsonl"),
        (b'\xef\xbb\xbf{"a": 1}\n', "jsonl"),
        (b"a\tb\n1\t2\n", "tsv"),
        (b"a,b\n1\t2\n", "csv"),
        (b"a;b\n1;2\n", "csv"),
        (b"\x00\x01\x02binary", None),
    ],
)
def test_sniff(head, expected):
    assert formats.sniff(head) == expected
