"""JSON Lines inputs: one JSON object per line, its keys the columns.

The text is parsed a window of whole lines at a time (`windows.TextWindows`, as CSV), so
memory is bounded by the window whatever the file size. The columns are the keys of the rows
in the first mebibyte of lines (a key that first appears later is not a column, as a CSV
column is one the header names), their kinds as Arrow infers them there. Every later window is
parsed with those columns and types given, reading only the requested columns; a window that
does not fit them is parsed again with its types inferred, and accepted when its kinds agree
(a column that held only nulls takes the kind it shows first). Blank lines are skipped and do
not count as rows. Values keep their JSON types: numbers and booleans are numeric, a missing
key or `null` is NaN in a numeric column. A key column of numbers is read as int64 when every
value is an integer, else as float64 (decided once, by a pass over that column).

When Arrow rejects the text, the window's lines are read again with Python's `json` to say
which row is at fault and why. A row nesting deeper than `nesting.MAX_DEPTH` is refused before
either parser sees it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.json as pjson

from lossctl.errors import InputError
from lossctl.io.nesting import MAX_DEPTH, too_deep
from lossctl.io.source import ArrowSource
from lossctl.io.streams import TextData
from lossctl.io.windows import TextWindows

_FIRST_BYTES = 1 << 20  # the lines whose keys are the columns

# A non-blank line that does not open a JSON object. Arrow's reader crashes the process on a
# first record of `null` and reads a later one as a row of nulls, so such lines are found
# (by this regular expression, at the speed of C) before Arrow sees the text.
_NOT_AN_OBJECT = re.compile(rb"^[ \t\r]*[^{\s]", re.MULTILINE)
_ROW = re.compile(rb"^[ \t\r]*\S", re.MULTILINE)


class JsonLinesSource(ArrowSource):
    """A JSON Lines input, read a window of lines at a time."""

    def __init__(self, text: TextData) -> None:
        self._windows = TextWindows(text)
        self._key_types: dict[str, pa.DataType] = {}
        name = text.raw.name
        schema = self._first_schema(name)
        if not schema.names:
            raise InputError("the JSON objects have no keys, hence no columns", file=name)
        rows = None if text.data is None else len(_ROW.findall(text.data))  # cheap in memory
        super().__init__(name, "jsonl", schema, num_rows=rows, size_bytes=text.raw.size_bytes)

    def _first_schema(self, name: str) -> pa.Schema:
        """The columns and types Arrow infers from the first window that holds a row."""
        for window in self._windows.windows(_FIRST_BYTES, checked=True):
            _check_objects(window, name, 1, {})
            table = _parse(window, name, first_row=1, kinds={})
            if table.num_rows:
                return table.schema
        raise InputError("the file holds no data rows, only blank lines", file=name)

    def raw_batches(self, numeric: list[str], other: list[str], chunk_rows: int) -> Iterator[pa.RecordBatch]:
        types = {name: self._numeric_type(name) for name in numeric} | self._types_of_keys(other)
        for table in self._tables(types):
            yield from table.to_batches(max_chunksize=chunk_rows)

    def _numeric_type(self, name: str) -> pa.DataType:
        """float64 for numbers (and a column of nulls); text, booleans and arrays as inferred,
        converted (or refused, naming the row) with every other format's values."""
        inferred = self.schema.field(name).type
        return pa.float64() if _kind_of_type(inferred) in ("number", "null") else inferred

    def _types_of_keys(self, names: list[str]) -> dict[str, pa.DataType]:
        """int64 for a key column of numbers that are all integers, float64 for other numbers,
        the inferred type for text and booleans (decided once per column)."""
        for name in names:
            if name in self._key_types:
                continue
            inferred = self.schema.field(name).type
            if pa.types.is_integer(inferred) or pa.types.is_floating(inferred):
                try:
                    for _ in self._tables({name: pa.int64()}, strict=True):
                        pass
                    inferred = pa.int64()
                except _NotIntegral:
                    inferred = pa.float64()
            self._key_types[name] = inferred
        return {name: self._key_types[name] for name in names}

    def _tables(self, types: dict[str, pa.DataType], *, strict: bool = False) -> Iterator[pa.Table]:
        """Each window's table of the columns `types`, typed so. A window Arrow cannot parse
        with those types is parsed with its types inferred and kept if the kinds agree;
        `strict` raises `_NotIntegral` instead (the probe of an int64 key column)."""
        kinds = {name: _kind_of_type(self.schema.field(name).type) for name in types}
        rows_before = 0
        for window in self._windows.windows(None, checked=False):
            options = pjson.ParseOptions(explicit_schema=pa.schema(types), unexpected_field_behavior="ignore")
            _check_objects(window, self.name, rows_before + 1, kinds)
            try:
                table = pjson.read_json(pa.BufferReader(window), parse_options=options)
            except pa.ArrowInvalid:
                if strict:
                    raise _NotIntegral from None
                table = _conforming(_parse(window, self.name, rows_before + 1, kinds), types, kinds)
                if table is None:
                    error = _find_error(window.to_pybytes(), self.name, rows_before + 1, kinds)
                    raise error or InputError("a column changes its kind of value", file=self.name) from None
            rows_before += table.num_rows
            yield table

    def _count_rows(self) -> int:
        return sum(len(_ROW.findall(memoryview(window))) for window in self._windows.windows(None, checked=False))

    def progress(self) -> tuple[int, int, str] | None:
        return self._windows.progress() or super().progress()


class _NotIntegral(Exception):
    """A key column of numbers holds a value that is not an integer."""


def _parse(window: pa.Buffer, name: str, first_row: int, kinds: dict[str, str]) -> pa.Table:
    """The window (checked by `_check_objects`) parsed with its types inferred; an error
    naming the row Arrow rejects."""
    try:
        return pjson.read_json(pa.BufferReader(window))
    except pa.ArrowInvalid as exc:
        error = _find_error(window.to_pybytes(), name, first_row, kinds)
        raise error or InputError(f"cannot be read as JSON Lines: {exc}", file=name) from None


def _check_objects(window: pa.Buffer, name: str, first_row: int, kinds: dict[str, str]) -> None:
    """An InputError naming the first row that nests too deep or is not an object (`_find_error`
    says which and why), before a parser sees the window."""
    deep = too_deep(memoryview(window))
    if deep is not None:
        row = first_row + len(_ROW.findall(memoryview(window)[:deep]))
        raise InputError(f"a value nested more than {MAX_DEPTH} deep, the most lossctl reads", file=name, row=row)
    if _NOT_AN_OBJECT.search(memoryview(window)):
        error = _find_error(window.to_pybytes(), name, first_row, kinds)
        if error is not None:
            raise error


def _conforming(table: pa.Table, types: dict[str, pa.DataType], kinds: dict[str, str]) -> pa.Table | None:
    """`table`'s columns `types`, cast to them, if each column's kind agrees with `kinds` (a
    column seen only as nulls so far takes this window's kind); else None."""
    columns = {}
    for name, wanted in types.items():
        if name not in table.column_names:
            columns[name] = pa.nulls(table.num_rows, wanted)
            continue
        column = table[name]
        kind, known = _kind_of_type(column.type), kinds[name]
        if kind != "null" and known not in ("null", kind):
            return None
        if kind != "null":
            kinds[name] = kind
        columns[name] = column.cast(wanted) if kind in ("null", _kind_of_type(wanted)) else column
    return pa.table(columns)


def _find_error(data: bytes, name: str, first_row: int = 1, kinds: dict[str, str] | None = None) -> InputError | None:
    """The first row that is not a JSON object, holds a number beyond float64, or whose value
    changes a column's kind; rows are numbered from `first_row`, and `kinds` holds the kinds
    of the rows before."""
    kinds = dict(kinds or {})
    row = first_row - 1
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
            if isinstance(value, float) and math.isinf(value):  # json reads 1e400 as inf; Arrow refuses it
                return InputError("a number beyond the float64 range (1.8e308)", file=name, column=key, row=row)
            kind = _kind(value)
            known = kinds.get(key, "null")
            if kind == "null":
                continue
            if known == "null":
                kinds[key] = kind
            elif kind != known:
                return InputError(
                    f"{kind} {json.dumps(value)} where the rows above hold {known}s",
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


def _kind_of_type(arrow_type: pa.DataType) -> str:
    """The JSON kind of the values of an Arrow type that Arrow's JSON reader infers."""
    if pa.types.is_null(arrow_type):
        return "null"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type):
        return "number"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    return "array" if pa.types.is_list(arrow_type) else "object"
