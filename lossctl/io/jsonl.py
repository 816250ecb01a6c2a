"""JSON Lines inputs: one JSON object per line, its keys the columns.

The whole file is parsed at once by Arrow into a table held in memory (JSON Lines files are
rarely large, and one parse lets Arrow infer each column's type from all the rows). Blank lines
are skipped and do not count as rows. Values keep their JSON types: numbers and booleans are
numeric, a missing key or `null` is NaN in a numeric column.

When Arrow rejects the text, the lines are read again with Python's `json` to say which row is
at fault and why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.json as pjson

from lossctl.errors import InputError
from lossctl.io.files import arrow_owned
from lossctl.io.source import ArrowSource
from lossctl.io.streams import TextData


class JsonLinesSource(ArrowSource):
    """A JSON Lines input, held in memory as an Arrow table."""

    def __init__(self, text: TextData) -> None:
        name = text.raw.name
        self._table = _parse(text.read_all(), name)
        if not self._table.num_rows:
            raise InputError("the file holds no data rows, only blank lines", file=name)
        if not self._table.num_columns:
            raise InputError("the JSON objects have no keys, hence no columns", file=name)
        super().__init__(
            name,
            "jsonl",
            self._table.schema,
            num_rows=self._table.num_rows,
            size_bytes=text.raw.size_bytes,
        )

    def raw_batches(self, numeric: list[str], other: list[str], chunk_rows: int) -> Iterator[pa.RecordBatch]:
        return iter(self._table.select(numeric + other).to_batches(max_chunksize=chunk_rows))


# A non-blank line that does not open a JSON object. Arrow's reader crashes the process on a
# first record of `null` and reads a later one as a row of nulls, so such lines are found
# (by this regular expression, at the speed of C) before Arrow sees the text.
_NOT_AN_OBJECT = re.compile(rb"^[ \t\r]*[^{\s]", re.MULTILINE)


def _parse(data: bytes, name: str) -> pa.Table:
    if _NOT_AN_OBJECT.search(data):
        error = _find_error(data, name)
        if error is not None:
            raise error
    try:
        return pjson.read_json(pa.BufferReader(arrow_owned(data)))
    except pa.ArrowInvalid as exc:
        error = _find_error(data, name)
        raise error or InputError(f"cannot be read as JSON Lines: {exc}", file=name) from None


def _find_error(data: bytes, name: str) -> InputError | None:
    """The first row that is not a JSON object, or whose value changes a column's kind."""
    kinds: dict[str, str] = {}
    row = 0
    for line in data.splitlines():
        if not line.strip():
            continue
        row += 1
        try:
            record = json.loads(line)
        except ValueError as exc:
            return InputError(f"not valid JSON: {getattr(exc, 'msg', exc)}", file=name, row=row)
        if not isinstance(record, dict):
            return InputError(f"expected a JSON object {{...}}, found {_kind(record)}", file=name, row=row)
        for key, value in record.items():
            kind = _kind(value)
            expected = kinds.setdefault(key, kind) if kind != "null" else kind
            if kind != expected:
                return InputError(
                    f"{kind} {json.dumps(value)} where the rows above hold {expected}s",
                    file=name,
                    column=key,
                    row=row,
                )
    return None


def _kind(value: object) -> str:
    """The JSON kind of a decoded value, as Arrow tells them apart."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]
