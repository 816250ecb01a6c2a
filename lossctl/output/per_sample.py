"""Per-sample losses streamed to CSV or Parquet as they are computed, atomically."""

from __future__ import annotations

import numpy as np

from lossctl.atomic import atomic_path, check_output
from lossctl.errors import UsageError


class PerSampleWriter:
    """A sink for ``(rows, {label: values})`` chunks, writing ``row,<label>...`` (1-based
    rows). Use as a context manager: the file appears only if the whole run succeeds."""

    def __init__(self, target: str, inputs: list[str | None]) -> None:
        check_output(target, inputs)
        self.target = target
        self.parquet = target.endswith((".parquet", ".pq"))
        if not self.parquet and not target.endswith(".csv"):
            raise UsageError(f"--per-sample {target}: the file must end in .csv or .parquet")
        self._labels: list[str] | None = None
        self._writer = None

    def __enter__(self) -> PerSampleWriter:
        self._context = atomic_path(self.target)
        self._path = self._context.__enter__()
        if not self.parquet:
            self._writer = open(self._path, "w", encoding="utf-8")
        return self

    def __call__(self, rows: np.ndarray, values: dict[str, np.ndarray]) -> None:
        if self._labels is None:
            self._labels = list(values)
            self._start()
        if self.parquet:
            import pyarrow as pa

            arrays = [pa.array(rows + 1)] + [pa.array(values[label]) for label in self._labels]
            self._writer.write_batch(pa.record_batch(arrays, schema=self._schema))
        else:
            data = np.column_stack([rows + 1] + [values[label] for label in self._labels])
            np.savetxt(self._writer, data, fmt=["%d"] + ["%.17g"] * len(self._labels), delimiter=",")

    def _start(self) -> None:
        if self.parquet:
            import pyarrow as pa
            import pyarrow.parquet as pq

            self._schema = pa.schema([("row", pa.int64())] + [(label, pa.float64()) for label in self._labels])
            self._writer = pq.ParquetWriter(self._path, self._schema)
        else:
            self._writer.write(",".join(["row", *(_quote(label) for label in self._labels)]) + "\n")

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._writer is not None:
            self._writer.close()
        self._context.__exit__(exc_type, exc, tb)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"' if any(ch in name for ch in ',"') else name
