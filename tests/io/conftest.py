"""Fixtures of the input-layer tests (the data set itself is in io_table.py)."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from io_table import TABLE, Table


@pytest.fixture
def table() -> Table:
    return TABLE


class FakeStdin:
    """A stand-in for sys.stdin: only `.buffer` is used."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Callable[[bytes], None]:
    """Feed bytes to standard input."""

    def feed(data: bytes) -> None:
        monkeypatch.setattr("sys.stdin", FakeStdin(data))

    return feed


def read_columns(source, numeric: list[str], other: list[str] = (), chunk_rows: int = 1 << 20) -> dict[str, np.ndarray]:
    """Every chunk of the requested columns, concatenated."""
    chunks = list(source.iter_chunks(numeric, other, chunk_rows=chunk_rows))
    return {name: np.concatenate([chunk.arrays[name] for chunk in chunks]) for name in [*numeric, *other]}


@pytest.fixture
def read() -> Callable[..., dict[str, np.ndarray]]:
    """`read(source, numeric, other=(), chunk_rows=...)`: the columns, whole."""
    return read_columns
