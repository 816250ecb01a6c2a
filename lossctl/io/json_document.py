"""JSON documents: a table written as one JSON value, as pandas' ``DataFrame.to_json`` writes.

Read whole, into memory (no bounded reading: one JSON value cannot be parsed a piece at a
time), so a document is refused past ``MAX_BYTES`` once decompressed; JSON Lines, CSV and
Parquet stream in bounded memory whatever their size. The shapes understood, by pandas'
``orient``:

- ``records``: ``[{"y_true": 1, "y_pred": 1.5}, ...]``, a row per object, the columns being
  the keys in the order first met (a key missing from a row is a missing value);
- ``columns``: ``{"y_true": {"0": 1, ...}, ...}`` and ``list`` (``to_dict("list")``):
  ``{"y_true": [1, ...], ...}``, a column per key, in the order of its values;
- ``split``: ``{"columns": [...], "data": [[...], ...]}``; ``table``: ``{"schema": ...,
  "data": [records]}``.

A file named ``.json`` that holds JSON Lines (``to_json(orient="records", lines=True)``) is
read as JSON Lines. Numbers and booleans are numeric (an integer column without gaps stays
int64, for keys and groups); text stays text; ``null`` is a missing value.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from lossctl.errors import InputError
from lossctl.io.arrays import ArraySource
from lossctl.io.source import Source
from lossctl.io.streams import SMALL_TEXT_BYTES, TextData, read_up_to

MAX_BYTES = SMALL_TEXT_BYTES
"""The largest JSON document read (32 MiB of text): about ten times as much memory once parsed."""
_HINT = "write JSON Lines (to_json(orient='records', lines=True)) or Parquet, which are read in bounded memory"


def open_json(text: TextData) -> Source:
    """The JSON document (or JSON Lines) of ``text`` as a source of its columns."""
    name = text.raw.name
    with text.decoded() as stream:
        data = read_up_to(stream, MAX_BYTES + 1)
    if _is_json_lines(data):
        from lossctl.io.jsonl import JsonLinesSource

        return JsonLinesSource(text)
    if len(data) > MAX_BYTES:
        raise InputError(
            f"a JSON document is read whole, up to {MAX_BYTES >> 20} MiB; this one is larger", file=name, hint=_HINT
        )
    try:
        document = json.loads(data)
    except ValueError as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputError(f"not valid JSON: {getattr(exc, 'msg', exc)}{where}", file=name) from None
    columns = {column: _array(values, name, column) for column, values in _columns(document, name).items()}
    return JsonDocumentSource(text.raw, "json", columns, origins={c: c for c in columns}, values=list(columns.values()))


class JsonDocumentSource(ArraySource):
    """The columns of a JSON document, held in memory."""

    def holds_text(self, column: str) -> bool:
        return self._columns[column].dtype.kind in "UO"


def _is_json_lines(data: bytes) -> bool:
    """Whether the text is JSON Lines: its first line is a whole JSON object, and more follow."""
    first, _, rest = data.lstrip().partition(b"\n")
    if not first.startswith(b"{") or not rest.strip():
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _columns(document: Any, name: str) -> dict[str, list]:
    """The document's values by column, each list a row per value."""
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        if "columns" in document:  # orient="split"
            return _from_rows(document["data"], document["columns"], name)
        document = document["data"]  # orient="table"
    if isinstance(document, list):
        if document and not all(isinstance(row, dict) for row in document):
            row = next(i for i, r in enumerate(document) if not isinstance(r, dict))
            raise InputError(
                "a JSON array of rows must hold objects ({column: value})",
                file=name,
                row=row + 1,
                hint="write it with to_json(orient='records')",
            )
        keys = list(dict.fromkeys(key for row in document for key in row))
        return _no_rows({key: [row.get(key) for row in document] for key in keys}, name)
    if isinstance(document, dict) and document:
        columns = {}
        for key, values in document.items():
            if isinstance(values, dict):  # orient="columns": {index: value}
                values = list(values.values())
            if not isinstance(values, list):
                raise InputError("a JSON object of columns must map each to a list or an object", file=name, column=key)
            columns[key] = values
        lengths = {len(values) for values in columns.values()}
        if len(lengths) > 1:
            raise InputError("the columns hold different numbers of values", file=name)
        return _no_rows(columns, name)
    raise InputError("a JSON document must hold a table: an array of row objects or an object of columns", file=name)


def _from_rows(rows: list, header: list, name: str) -> dict[str, list]:
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(header):
            raise InputError(f"a row of {len(header)} values was expected", file=name, row=i + 1)
    return _no_rows({str(column): [row[j] for row in rows] for j, column in enumerate(header)}, name)


def _no_rows(columns: dict[str, list], name: str) -> dict[str, list]:
    if not columns or not next(iter(columns.values())):
        raise InputError("the JSON document holds no data rows", file=name)
    return columns


def _array(values: list, name: str, column: str) -> np.ndarray:
    """A column's values as a NumPy array: int64 for integers without gaps, float64 for other
    numbers (null as NaN), str for text (an object array, None for null, when it has gaps)."""
    kind = None
    for row, value in enumerate(values):
        here = _kind(value)
        if here in ("array", "object"):
            raise InputError(
                f"a nested value ({here}): a column holds numbers or text", file=name, column=column, row=row + 1
            )
        if here == "null":
            continue
        if kind is None:
            kind = here
        elif here != kind:
            raise InputError(
                f"{here} {json.dumps(value)} where the rows above hold {kind}s", file=name, column=column, row=row + 1
            )
    gaps = any(value is None for value in values)
    if kind == "string":
        return np.array(values, dtype=object if gaps else str)
    if not gaps and kind == "number" and all(isinstance(v, int) for v in values) and _fits_int64(values):
        return np.array(values, dtype=np.int64)
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def _fits_int64(values: list[int]) -> bool:
    return -(2**63) <= min(values) and max(values) < 2**63
