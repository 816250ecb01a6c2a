"""Chunks: the runs of rows a Source hands to the engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np

DEFAULT_CHUNK_ROWS = 1 << 20


class Chunk(NamedTuple):
    """Consecutive rows of some columns.

    `start` is the 0-based index of the chunk's first data row in the file; `arrays` maps each
    requested column to a 1-D array of `num_rows` values.
    """

    start: int
    arrays: dict[str, np.ndarray]
    num_rows: int


def bounded_chunks(batches: Iterable[dict[str, np.ndarray]], chunk_rows: int) -> Iterator[Chunk]:
    """Consecutive batches as chunks of at most `chunk_rows` rows, never copied: a larger
    batch is cut into views, a smaller one passed on as it is."""
    start = 0
    for batch in batches:
        size = len(next(iter(batch.values())))
        for offset in range(0, size, chunk_rows):
            take = min(chunk_rows, size - offset)
            arrays = batch if take == size else {k: a[offset : offset + take] for k, a in batch.items()}
            yield Chunk(start + offset, arrays, take)
        start += size


def exact_chunks(batches: Iterable[dict[str, np.ndarray]], chunk_rows: int) -> Iterator[Chunk]:
    """Consecutive batches of any sizes regrouped into chunks of exactly `chunk_rows` rows.

    Only the last chunk may be shorter. Chunk boundaries therefore depend on `chunk_rows`
    alone, never on how a reader happened to split the file. A batch that already fits a
    chunk exactly is passed on without copying.
    """
    pending: list[dict[str, np.ndarray]] = []
    pending_rows = start = 0
    for batch in batches:
        size = len(next(iter(batch.values())))
        offset = 0
        while offset < size:
            take = min(chunk_rows - pending_rows, size - offset)
            whole = offset == 0 and take == size
            pending.append(batch if whole else {k: a[offset : offset + take] for k, a in batch.items()})
            pending_rows += take
            offset += take
            if pending_rows == chunk_rows:
                yield _chunk(start, pending, pending_rows)
                start += pending_rows
                pending, pending_rows = [], 0
    if pending_rows:
        yield _chunk(start, pending, pending_rows)


def _chunk(start: int, batches: list[dict[str, np.ndarray]], num_rows: int) -> Chunk:
    if len(batches) == 1:
        return Chunk(start, batches[0], num_rows)
    arrays = {name: np.concatenate([batch[name] for batch in batches]) for name in batches[0]}
    return Chunk(start, arrays, num_rows)
