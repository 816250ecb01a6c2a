"""Per-sample losses streamed to CSV or Parquet as they are computed, atomically."""

from __future__ import annotations

import numpy as np

from lossctl.atomic import atomic_path, check_output
from lossctl.errors import UsageError


class PerSampleWriter:
    """A sink for ``(rows, {label: values}, {column: values})`` chunks, writing
    ``row,<column>...,<label>...``: the 1-based row, the input's key, label and prediction
    columns (``context``), then each loss. Use as a context manager: the file appears only if
    the whole run succeeds."""

    takes_context = True  # the engine passes the shown input columns (see Tally.feed)
    writes_file = True  # the engine says which losses have no column in it (see Tally.results)

    def __init__(self, target: str, inputs: list[str | None]) -> None:
        check_output(target, inputs)
        self.target = target
        self.parquet = target.endswith((".parquet", ".pq"))
        if not self.parquet and not target.endswith(".csv"):
            raise UsageError(f"--per-sample {target}: the file must end in .csv or .parquet")
        self._labels: list[str] | None = None
        self._columns: list[str] = []
        self._writer = None

    def __enter__(self) -> PerSampleWriter:
        self._context = atomic_path(self.target)
        self._path = self._context.__enter__()
        if not self.parquet:
            self._writer = open(self._path, "w", encoding="utf-8")
        return self

    def __call__(self, rows: np.ndarray, values: dict[str, np.ndarray], context: dict | None = None) -> None:
        context = context or {}
        if self._labels is None:
            self._labels = list(values)
            self._columns = [name for name in context if name not in values and name != "row"]
            self._start(context)
        if self.parquet:
            import pyarrow as pa

            arrays = (
                [pa.array(rows + 1)]
                + [pa.array(context[name], type=self._schema.field(name).type) for name in self._columns]
                + [pa.array(values[label]) for label in self._labels]
            )
            self._writer.write_batch(pa.record_batch(arrays, schema=self._schema))
        elif not self._columns:
            data = np.column_stack([rows + 1] + [values[label] for label in self._labels])
            np.savetxt(self._writer, data, fmt=["%d"] + ["%.17g"] * len(self._labels), delimiter=",")
        else:
            cells = [
                (rows + 1).astype(str),
                *(_texts(context[name]) for name in self._columns),
                *(np.char.mod("%.17g", values[label]) for label in self._labels),
            ]
            self._writer.write("".join(",".join(line) + "\n" for line in zip(*cells, strict=True)))

    def _start(self, context: dict) -> None:
        names = ["row", *self._columns, *self._labels]
        if self.parquet:
            import pyarrow as pa
            import pyarrow.parquet as pq

            types = [pa.int64(), *(_arrow_type(context[name]) for name in self._columns)]
            types += [pa.float64()] * len(self._labels)
            self._schema = pa.schema(list(zip(names, types, strict=True)))
            self._writer = pq.ParquetWriter(self._path, self._schema)
        else:
            self._writer.write(",".join(_quote(name) for name in names) + "\n")

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._writer is not None:
            self._writer.close()
        self._context.__exit__(exc_type, exc, tb)


def _arrow_type(column: np.ndarray):  # noqa: ANN202 - a pyarrow DataType
    import pyarrow as pa

    kind = column.dtype.kind
    return pa.float64() if kind == "f" else pa.int64() if kind in "iu" else pa.bool_() if kind == "b" else pa.string()


def _texts(column: np.ndarray) -> list[str]:
    """An input column's cells as CSV text: numbers in full (a whole float as an integer),
    text quoted where it must be, a missing value empty."""
    if column.dtype.kind == "f":
        return [
            "" if v != v else str(int(v)) if v.is_integer() and abs(v) < 2.0**53 else repr(v) for v in column.tolist()
        ]
    if column.dtype.kind in "iub":
        return [str(v) for v in column.tolist()]
    return ["" if v is None else _quote(str(v)) for v in column.tolist()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"' if any(ch in name for ch in ',"') else name
