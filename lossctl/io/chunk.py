"""Chunks: the fixed-size slices of rows a Source hands to the engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np

DEFAULT_BATCH_ROWS = 1 << 20


class Chunk(NamedTuple):
    """Consecutive rows of some columns.

    `start` is the 0-based index of the chunk's first data row in the file; `arrays` maps each
    requested column to a 1-D array of `num_rows` values.
    """

    start: int
    arrays: dict[str, np.ndarray]
    num_rows: int


def split(pieces: Iterable[dict[str, np.ndarray]], batch_rows: int) -> Iterator[Chunk]:
    """Consecutive pieces as chunks of at most `batch_rows` rows, never copied: a larger
    piece is cut into views, a smaller one passed on as it is."""
    start = 0
    for piece in pieces:
        size = len(next(iter(piece.values())))
        for offset in range(0, size, batch_rows):
            take = min(batch_rows, size - offset)
            arrays = piece if take == size else {k: a[offset : offset + take] for k, a in piece.items()}
            yield Chunk(start + offset, arrays, take)
        start += size


def rebatch(pieces: Iterable[dict[str, np.ndarray]], batch_rows: int) -> Iterator[Chunk]:
    """Consecutive pieces of any sizes regrouped into chunks of exactly `batch_rows` rows.

    Only the last chunk may be shorter. Chunk boundaries therefore depend on `batch_rows`
    alone, never on how a reader happened to split the file. A piece that already fits a
    chunk exactly is passed on without copying.
    """
    pending: list[dict[str, np.ndarray]] = []
    pending_rows = start = 0
    for piece in pieces:
        size = len(next(iter(piece.values())))
        offset = 0
        while offset < size:
            take = min(batch_rows - pending_rows, size - offset)
            whole = offset == 0 and take == size
            pending.append(piece if whole else {k: a[offset : offset + take] for k, a in piece.items()})
            pending_rows += take
            offset += take
            if pending_rows == batch_rows:
                yield _chunk(start, pending, pending_rows)
                start += pending_rows
                pending, pending_rows = [], 0
    if pending_rows:
        yield _chunk(start, pending, pending_rows)


def _chunk(start: int, pieces: list[dict[str, np.ndarray]], num_rows: int) -> Chunk:
    if len(pieces) == 1:
        return Chunk(start, pieces[0], num_rows)
    arrays = {name: np.concatenate([piece[name] for piece in pieces]) for name in pieces[0]}
    return Chunk(start, arrays, num_rows)
