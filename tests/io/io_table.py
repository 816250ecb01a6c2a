"""The data set of the input-layer tests, and how to write it in every format.

The expected values of the tests come from here (the data written), never from the reader.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import zstandard

N = 23
IDS = list(range(1, N + 1))
Y_TRUE = [float(i % 2) for i in IDS]
Y_PRED = [math.nan if i == 5 else i / 100 for i in IDS]
GROUPS = ["abc"[i % 3] for i in IDS]

COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zst": zstandard.ZstdCompressor().compress,
}


@dataclass(frozen=True)
class Table:
    """The data set: an id, a label, a prediction (row 5 missing), a group."""

    ids: list[int]
    y_true: list[float]
    y_pred: list[float]
    groups: list[str]

    def csv_text(self, delimiter: str = ",") -> str:
        lines = [delimiter.join(["id", "y_true", "y_pred", "g"])]
        for i, t, p, g in zip(self.ids, self.y_true, self.y_pred, self.groups, strict=True):
            lines.append(delimiter.join([str(i), repr(t), "" if math.isnan(p) else repr(p), g]))
        return "\n".join(lines) + "\n"

    def jsonl_text(self) -> str:
        return "".join(
            json.dumps({"id": i, "y_true": t, "y_pred": None if math.isnan(p) else p, "g": g}) + "\n"
            for i, t, p, g in zip(self.ids, self.y_true, self.y_pred, self.groups, strict=True)
        )

    def arrow(self) -> pa.Table:
        return pa.table(
            {
                "id": pa.array(self.ids, pa.int64()),
                "y_true": pa.array(self.y_true, pa.float64()),
                "y_pred": pa.array([None if math.isnan(p) else p for p in self.y_pred], pa.float64()),
                "g": pa.array(self.groups, pa.string()),
            }
        )

    def write(self, directory: Path, fmt: str, *, name: str | None = None, compression: str | None = None) -> Path:
        """The data in format `fmt` at `directory/name` (default `data.<fmt>[.<compression>]`)."""
        data = self.encode(fmt)
        if compression is not None:
            data = COMPRESSORS[compression](data)
        suffix = fmt if compression is None else f"{fmt}.{compression}"
        path = directory / (name or f"data.{suffix}")
        path.write_bytes(data)
        return path

    def encode(self, fmt: str) -> bytes:
        """The bytes of the data in format `fmt`."""
        if fmt in ("csv", "tsv"):
            return self.csv_text("," if fmt == "csv" else "\t").encode()
        if fmt == "jsonl":
            return self.jsonl_text().encode()
        sink = io.BytesIO()
        if fmt == "parquet":
            pq.write_table(self.arrow(), sink, row_group_size=5)
        elif fmt == "feather":
            with ipc.new_file(sink, self.arrow().schema) as writer:
                writer.write_table(self.arrow(), max_chunksize=4)
        elif fmt == "arrows":
            with ipc.new_stream(sink, self.arrow().schema) as writer:
                writer.write_table(self.arrow(), max_chunksize=4)
        elif fmt == "npz":
            np.savez(sink, id=np.array(self.ids), y_true=np.array(self.y_true), y_pred=np.array(self.y_pred))
        elif fmt == "npy":
            records = np.zeros(N, dtype=[("id", "i8"), ("y_true", "f8"), ("y_pred", "f8")])
            records["id"], records["y_true"], records["y_pred"] = self.ids, self.y_true, self.y_pred
            np.save(sink, records)
        else:
            raise ValueError(fmt)
        return sink.getvalue()


TABLE = Table(IDS, Y_TRUE, Y_PRED, GROUPS)
