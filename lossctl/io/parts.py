"""The files of a dataset and the parts its readers read independently, with the stamps that
tell whether a local file is still the file that was listed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from lossctl.errors import InputError
from lossctl.io.files import check_unchanged, stamp_of


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: its local path or URL, its Hive partition values, and for a
    local file its stamp when it was listed (`files.stamp_of`): reading it checks that it is
    still that file, before and after, so that the rows planned from it are the rows read."""

    path: str
    partition: tuple[tuple[str, str | None], ...] = ()
    stamp: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Part:
    """A part of a dataset read on its own: a row group of a Parquet file (``row_group``),
    or a whole file (``row_group`` None). ``start`` is the 0-based dataset-wide index of its
    first row, ``offset`` the index of that row in its file."""

    file: DataFile
    row_group: int | None = None
    start: int = 0
    offset: int = 0

    def describe(self) -> str:
        return self.file.path if self.row_group is None else f"{self.file.path} (row group {self.row_group})"


def stamp_file(path: str) -> tuple[int, ...]:
    """The stamp of a local file (``files.stamp_of``), or an InputError naming it."""
    try:
        return stamp_of(os.stat(path))
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=path) from None


@contextmanager
def unchanged(file: DataFile) -> Iterator[None]:
    """A block that reads `file`, checked to be the file listed before it and after it (a
    local file; a remote one is read as it is)."""
    if file.stamp is not None:
        check_unchanged(file.path, file.stamp)
    yield
    if file.stamp is not None:
        check_unchanged(file.path, file.stamp)


def require_columns(columns: list[str], available: list[str], file: DataFile) -> None:
    """An error naming ``file`` and the first of ``columns`` it lacks."""
    for name in columns:
        if name not in available:
            raise InputError("this file of the dataset has no such column", file=file.path, column=name)
