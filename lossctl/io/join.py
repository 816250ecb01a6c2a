"""Two inputs joined into one Source: predictions in one file, labels in another."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import PurePath
from typing import NamedTuple

import numpy as np

from lossctl.errors import InputError
from lossctl.io.chunk import DEFAULT_CHUNK_ROWS, Chunk
from lossctl.io.columns import unknown_column
from lossctl.io.source import Source


def join_sources(left: Source, right: Source, *, on: str | None = None, ragged: bool = False) -> Source:
    """`left` and `right` side by side, row by row.

    Without `on`, rows are paired by position: both inputs must have as many rows (counting
    them may take a pass over each), and a key column that both have (`id`, `key`, `*_id`,
    ...) must hold the same key on every row, else the rows would be paired wrongly (a pass
    over that column of each). With `on`, rows are paired by equal values of the key
    column `on`, present in both: every key must appear exactly once on each side, and the
    result's rows follow `left`'s order. With `ragged` (two samples, one in each file, of
    sizes of their own), rows are paired by position and the shorter input's columns end in
    missing values (NaN).

    The result's columns are `left`'s, then `right`'s (without its key column). A column of
    `right` whose name `left` already has is exposed as `<name>@<stem>`, `<stem>` being the
    right file's name up to its first dot (`y` from `labels.csv.gz` becomes `y@labels`).
    Its display name is `"<left name> + <right name>"` and its format `join`. Errors in the
    data name the file and row they come from.
    """
    return JoinedSource(left, right, on=on, ragged=ragged)


class _Request(NamedTuple):
    """The columns of one side that a read needs, and the names they are exposed under."""

    source: Source
    numeric: list[str]
    other: list[str]
    exposed: dict[str, str]

    def __bool__(self) -> bool:
        return bool(self.numeric or self.other)

    def chunks(self, chunk_rows: int) -> Iterator[Chunk]:
        for chunk in self.source.iter_chunks(self.numeric, self.other, chunk_rows):
            arrays = {self.exposed[name]: array for name, array in chunk.arrays.items()}
            yield Chunk(chunk.start, arrays, chunk.num_rows)

    def read_whole(self) -> dict[str, np.ndarray]:
        chunks = list(self.chunks(DEFAULT_CHUNK_ROWS))
        return {name: np.concatenate([chunk.arrays[name] for chunk in chunks]) for name in self.exposed.values()}


class JoinedSource(Source):
    """The Source `join_sources` returns (see there)."""

    def __init__(self, left: Source, right: Source, *, on: str | None, ragged: bool = False) -> None:
        self._left, self._right = left, right
        self._ragged = ragged and on is None
        self._origins: dict[str, tuple[Source, str]] = {name: (left, name) for name in left.columns}
        stem = PurePath(right.name).name.split(".")[0].strip("<>") or "right"
        self.right_names: dict[str, str] = {}
        """Each column of `right` (but the key `on`) -> the name it is exposed under."""
        for name in right.columns:
            if name == on:
                continue
            exposed = name
            while exposed in self._origins:
                exposed = f"{exposed}@{stem}"
            self._origins[exposed] = (right, name)
            self.right_names[name] = exposed
        if self._ragged:
            self._order = None
            num_rows = max(left.count_rows(), right.count_rows())
        elif on is None:
            self._order = None
            num_rows = _equal_lengths(left, right)
            for key in _shared_keys(left, right):
                _check_same_order(left, right, key)
        else:
            self._order = _align(left, right, on)
            num_rows = len(self._order)
        sizes = [left.size_bytes, right.size_bytes]
        super().__init__(
            f"{left.name} + {right.name}",
            "join",
            list(self._origins),
            num_rows=num_rows,
            size_bytes=None if None in sizes else sum(sizes),
        )

    def locate(self, column: str, row: int) -> tuple[str, str, int]:
        side, name = self._origins[column]
        if side is self._right and self._order is not None:
            row = int(self._order[row])
        return side.locate(name, row)

    def holds_text(self, column: str) -> bool:
        side, name = self._origins[column]
        return side.holds_text(name)

    def read_all_values(self) -> np.ndarray:
        """The numeric values of both inputs, the left's first."""
        return np.concatenate([self._left.read_all_values(), self._right.read_all_values()])

    def raw_batches(self, numeric: list[str], other: list[str], chunk_rows: int) -> Iterator[dict[str, np.ndarray]]:
        left, right = (self._request(side, numeric, other) for side in (self._left, self._right))
        if self._ragged:
            yield from _padded(left, right, chunk_rows)
            return
        if self._order is None:
            sides = [side.chunks(chunk_rows) for side in (left, right) if side]
            for chunks in zip(*sides, strict=True):
                yield {name: array for chunk in chunks for name, array in chunk.arrays.items()}
            return
        gathered = right.read_whole() if right else {}
        rows = self.count_rows()
        starts = (Chunk(start, {}, min(chunk_rows, rows - start)) for start in range(0, rows, chunk_rows))
        for chunk in left.chunks(chunk_rows) if left else starts:
            order = self._order[chunk.start : chunk.start + chunk.num_rows]
            yield chunk.arrays | {name: values[order] for name, values in gathered.items()}

    def _request(self, side: Source, numeric: list[str], other: list[str]) -> _Request:
        def mine(names: list[str]) -> list[str]:
            return [name for name in names if self._origins[name][0] is side]

        wanted = mine(numeric) + mine(other)
        return _Request(
            side,
            [self._origins[name][1] for name in mine(numeric)],
            [self._origins[name][1] for name in mine(other)],
            {self._origins[name][1]: name for name in wanted},
        )


def _padded(left: _Request, right: _Request, chunk_rows: int) -> Iterator[dict[str, np.ndarray]]:
    """Both sides' chunks side by side, the shorter side's columns padded with NaN (None for
    text) to the longer's rows, once it ends."""
    sides = [side for side in (left, right) if side]
    for chunks in itertools.zip_longest(*(side.chunks(chunk_rows) for side in sides)):
        rows = max(chunk.num_rows for chunk in chunks if chunk is not None)
        batch = {}
        for side, chunk in zip(sides, chunks, strict=True):
            arrays = {name: np.empty(0) for name in side.exposed.values()} if chunk is None else chunk.arrays
            for name, values in arrays.items():
                pad = (
                    np.full(rows - len(values), np.nan)
                    if values.dtype.kind == "f"
                    else np.full(rows - len(values), None)
                )
                batch[name] = np.concatenate((values, pad))
        yield batch


def _equal_lengths(left: Source, right: Source) -> int:
    rows = left.count_rows()
    if right.count_rows() != rows:
        raise InputError(
            f"{left.name} has {rows} rows but {right.name} has {right.count_rows()}: "
            "joined row by row, they must have as many",
            hint="join them on a key column present in both",
        )
    return rows


def _shared_keys(left: Source, right: Source) -> list[str]:
    """The columns of both inputs whose names say they are row keys."""
    return [name for name in left.columns if name in right.columns and is_key_name(name)]


def is_key_name(name: str) -> bool:
    """Whether a column's name says it holds row keys: `id`, `key`, `index`, `*_id`, ..."""
    lower = name.lower()
    return lower in ("id", "key", "uid", "uuid", "index", "idx") or lower.endswith(("_id", "-id", " id"))


def _check_same_order(left: Source, right: Source, key: str) -> None:
    """An error at the first row where the two inputs' `key` columns differ."""
    chunks = zip(left.iter_chunks([], [key]), right.iter_chunks([], [key]), strict=True)
    for left_chunk, right_chunk in chunks:
        left_keys, right_keys = _comparable(left_chunk.arrays[key], right_chunk.arrays[key])
        differ = ~((left_keys == right_keys) | (_missing(left_keys) & _missing(right_keys)))
        if differ.any():
            i = int(np.argmax(differ))
            mine, theirs = left_keys[i : i + 1].tolist()[0], right_keys[i : i + 1].tolist()[0]
            raise InputError(
                f"key {mine!r} here, {theirs!r} in {right.name}: both files have this key column, "
                "and joined by position their rows would not match",
                file=left.name,
                column=key,
                row=left_chunk.start + i + 1,
                hint=f"join them on it: --on {key}",
            )


def _align(left: Source, right: Source, on: str) -> np.ndarray:
    """For each row of `left`, the row of `right` with the same key."""
    values = []
    for side in (left, right):
        if on not in side.columns:
            raise unknown_column(on, side.columns, file=side.name)
        values.append(np.concatenate([chunk.arrays[on] for chunk in side.iter_chunks([], [on])]))
    left_values, right_values = _comparable(*values)
    left_keys, right_keys = _Keys(left.name, on, left_values), _Keys(right.name, on, right_values)
    order = right_keys.rows_of(left_keys)
    if len(right_values) != len(left_values):  # then some key of the right is not on the left
        left_keys.rows_of(right_keys)
    return order


def _comparable(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both key arrays as numbers, or, when one holds text, both as text."""
    if (left.dtype == object) == (right.dtype == object):
        return left, right
    return tuple(keys if keys.dtype == object else keys.astype(str).astype(object) for keys in (left, right))


class _Keys:
    """The key column of one side, checked (every key present, none repeated) and sorted."""

    def __init__(self, file: str, column: str, values: np.ndarray) -> None:
        self.file, self.column, self.values = file, column, values
        missing = _missing(values)
        if missing.any():
            raise InputError("the key is missing", file=file, column=column, row=int(np.argmax(missing)) + 1)
        # Text keys are sorted as a NumPy unicode array: C comparisons, ten times faster than objects.
        sortable = values.astype(str) if values.dtype == object else values
        self.sorter = np.argsort(sortable, kind="stable")
        self.ordered = sortable[self.sorter]
        repeats = np.flatnonzero(self.ordered[1:] == self.ordered[:-1])
        if repeats.size:
            later = self.sorter[repeats + 1]
            first = int(np.argmin(later))
            raise InputError(
                f"key {self.shown(later[first])} repeats row {self.sorter[repeats[first]] + 1}; "
                "keys must be unique to join on them",
                file=file,
                column=column,
                row=int(later[first]) + 1,
            )

    def rows_of(self, keys: _Keys) -> np.ndarray:
        """The row here of each of `keys`; an error naming the first of them not here.

        Both sides being sorted, the search runs over sorted queries (fast and cache-friendly).
        """
        at = np.minimum(np.searchsorted(self.ordered, keys.ordered), len(self.ordered) - 1)
        found = self.ordered[at] == keys.ordered
        if not found.all():
            row = int(keys.sorter[~found].min())
            raise InputError(
                f"key {keys.shown(row)} is not in {self.file}", file=keys.file, column=keys.column, row=row + 1
            )
        rows = np.empty(len(keys.values), dtype=np.intp)
        rows[keys.sorter] = self.sorter[at]
        return rows

    def shown(self, row: int) -> str:
        """The key at `row` as a message shows it: `7`, `'a7'`."""
        return repr(self.values[row : row + 1].tolist()[0])


def _missing(values: np.ndarray) -> np.ndarray:
    """Where a key array holds no key (NaN, or None in an object array)."""
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype == object:
        return np.equal(values, None)
    return np.zeros(len(values), dtype=bool)
