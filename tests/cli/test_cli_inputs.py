"""Every input format, every compression and stdin give the same value: the table y_true
[1, 2, 3, 4], y_pred [1, 2, 3, 8] has mse 16/4 = 4 however it is stored."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest
import zstandard

from .conftest import Y_PRED, Y_TRUE, document, failed, value

MSE = 16 / 4
TABLE = pa.table({"y_true": Y_TRUE, "y_pred": Y_PRED})


def _csv(sep: str) -> bytes:
    lines = [f"y_true{sep}y_pred"] + [f"{t:g}{sep}{p:g}" for t, p in zip(Y_TRUE, Y_PRED, strict=True)]
    return ("\n".join(lines) + "\n").encode()


def _jsonl() -> bytes:
    rows = [json.dumps({"y_true": t, "y_pred": p}) for t, p in zip(Y_TRUE, Y_PRED, strict=True)]
    return ("\n".join(rows) + "\n").encode()


def _write_ipc_stream(path: Path) -> None:
    with ipc.new_stream(str(path), TABLE.schema) as writer:
        writer.write_table(TABLE)


def _write_ipc_file(path: Path) -> None:
    with ipc.new_file(str(path), TABLE.schema) as writer:
        writer.write_table(TABLE)


def _write_npy(path: Path) -> None:
    # a structured array: its field names are the columns
    array = np.zeros(4, dtype=[("y_true", "f8"), ("y_pred", "f8")])
    array["y_true"], array["y_pred"] = Y_TRUE, Y_PRED
    with open(path, "wb") as f:
        np.save(f, array)


def _write_npz(path: Path, *, compressed: bool = False) -> None:
    save = np.savez_compressed if compressed else np.savez
    with open(path, "wb") as f:
        save(f, y_true=np.array(Y_TRUE), y_pred=np.array(Y_PRED))


# (format lossctl reports, the extension, a writer)
WRITERS: dict[str, tuple[str, str, Callable[[Path], None]]] = {
    "csv": ("csv", ".csv", lambda p: p.write_bytes(_csv(","))),
    "tsv": ("tsv", ".tsv", lambda p: p.write_bytes(_csv("\t"))),
    "tab": ("tsv", ".tab", lambda p: p.write_bytes(_csv("\t"))),
    "jsonl": ("jsonl", ".jsonl", lambda p: p.write_bytes(_jsonl())),
    "ndjson": ("jsonl", ".ndjson", lambda p: p.write_bytes(_jsonl())),
    "parquet": ("parquet", ".parquet", lambda p: pq.write_table(TABLE, p)),
    "pq": ("parquet", ".pq", lambda p: pq.write_table(TABLE, p)),
    "feather": ("feather", ".feather", lambda p: feather.write_feather(TABLE, p)),
    "arrow-file": ("feather", ".arrow", _write_ipc_file),
    "arrow-stream": ("feather", ".ipc", _write_ipc_stream),
    "npy": ("npy", ".npy", _write_npy),
    "npz": ("npz", ".npz", _write_npz),
    "npz-compressed": ("npz", ".npz", lambda p: _write_npz(p, compressed=True)),
}

COMPRESSORS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "gzip": (".gz", gzip.compress),
    "bz2": (".bz2", bz2.compress),
    "xz": (".xz", lzma.compress),
    "zstd": (".zst", zstandard.ZstdCompressor().compress),
}

TEXT = {"csv": _csv(","), "tsv": _csv("\t"), "jsonl": _jsonl()}


def _mse_and_format(run, name: str, *args: str, input: bytes | None = None) -> tuple[float, str]:
    doc = document(run("compute", "-l", "mse", name, *args, "--format", "json", input=input))
    return doc["results"][0]["value"], doc["inputs"][0]["format"]


@pytest.mark.parametrize("kind", WRITERS)
def test_each_format_by_its_extension(run, tmp_path, kind):
    fmt, suffix, writer = WRITERS[kind]
    writer(tmp_path / f"data{suffix}")
    assert _mse_and_format(run, f"data{suffix}") == (MSE, fmt)


@pytest.mark.parametrize("kind", WRITERS)
def test_each_format_by_its_content(run, tmp_path, kind):
    fmt, _, writer = WRITERS[kind]
    writer(tmp_path / "data.bin")
    assert _mse_and_format(run, "data.bin") == (MSE, fmt)


@pytest.mark.parametrize("kind", WRITERS)
def test_each_format_on_stdin(run, tmp_path, kind):
    fmt, _, writer = WRITERS[kind]
    writer(tmp_path / "data.bin")
    assert _mse_and_format(run, "-", input=(tmp_path / "data.bin").read_bytes()) == (MSE, fmt)


@pytest.mark.parametrize("codec", COMPRESSORS)
@pytest.mark.parametrize("fmt", TEXT)
def test_each_compression_by_extension_by_content_and_on_stdin(run, tmp_path, fmt, codec):
    suffix, compress = COMPRESSORS[codec]
    data = compress(TEXT[fmt])
    (tmp_path / f"data.{fmt}{suffix}").write_bytes(data)
    (tmp_path / "data.bin").write_bytes(data)
    assert _mse_and_format(run, f"data.{fmt}{suffix}") == (MSE, fmt)
    assert _mse_and_format(run, "data.bin") == (MSE, fmt)
    assert _mse_and_format(run, "-", input=data) == (MSE, fmt)


def test_stdin_text_is_named_stdin(run):
    doc = document(run("compute", "-l", "mae", "-", "--format", "json", input=_csv(",").decode()))
    assert doc["results"][0]["value"] == 1.0  # 4/4
    assert doc["inputs"][0]["path"] == "<stdin>"


@pytest.mark.parametrize(
    ("kind", "name", "override"),
    [("parquet", "data.csv", "parquet"), ("tsv", "data.csv", "tsv"), ("csv", "data.tsv", "csv")],
)
def test_input_format_overrides_a_misleading_extension(run, tmp_path, kind, name, override):
    WRITERS[kind][2](tmp_path / name)
    failed(run("compute", "-l", "mse", name), name)
    assert _mse_and_format(run, name, "--input-format", override) == (MSE, override)


def test_input_format_on_stdin(run):
    assert _mse_and_format(run, "-", "--input-format", "tsv", input=_csv("\t")) == (MSE, "tsv")


def test_encoding_of_a_text_file(run, tmp_path):
    (tmp_path / "latin.csv").write_bytes(
        "y_true,y_pred,région\n1,1,nord\n2,2,sud\n3,3,nord\n4,8,sud\n".encode("latin-1")
    )
    failed(run("compute", "-l", "mse", "latin.csv"), "latin.csv", "--encoding")
    doc = document(
        run("compute", "-l", "mse", "latin.csv", "--encoding", "latin-1", "--group-by", "région", "--format", "json")
    )
    # nord: errors [0, 0] -> 0; sud: [0, -4] -> 8; all: 4
    assert [(r.get("group"), r["value"]) for r in doc["results"]] == [(None, 4.0), ("nord", 0.0), ("sud", 8.0)]


def test_labels_in_another_format(run, tmp_path):
    pq.write_table(pa.table({"y_pred": Y_PRED}), tmp_path / "preds.parquet")
    (tmp_path / "labels.jsonl.gz").write_bytes(
        gzip.compress(b'{"y_true": 1}\n{"y_true": 2}\n{"y_true": 3}\n{"y_true": 4}\n')
    )
    assert value(run("compute", "-l", "mse", "preds.parquet", "labels.jsonl.gz", "--format", "json")) == MSE
