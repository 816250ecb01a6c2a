"""NumPy inputs: `.npy` and `.npz`, loaded into memory with `allow_pickle=False`.

Column names:

- `.npy`: a 1-D array is one column `value`; a 2-D array of shape (n, k) gives `c0` ...
  `c{k-1}` (higher dimensions are flattened after the first); a structured array gives its
  field names.
- `.npz`: a 1-D array is a column named by its key; an array `x` of shape (n, k) gives
  `x_0` ... `x_{k-1}`.

The arrays of an `.npz` may differ in length (a weights file usually does); the columns read
together must not. An object array is refused, never unpickled.

Before an array is allocated, the size its header claims is compared with the bytes that
follow the header (an .npy header claiming 10^12 rows in a small file is refused, not
allocated), and the arrays of an `.npz`, which are inflated into memory, may hold at most
`limits.HELD_BYTES` in all.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

import numpy as np

from lossctl.errors import InputError
from lossctl.io.files import RawFile
from lossctl.io.limits import HELD_BYTES, over_limit
from lossctl.io.source import Source


class ArraySource(Source):
    """Columns held in memory as NumPy arrays.

    `columns` maps each column to its values; `origins` each column to the array it comes
    from (for messages); `values` are the arrays `read_all_values` flattens.
    """

    def __init__(
        self,
        raw: RawFile,
        format: str,  # noqa: A002 - as in Source
        columns: dict[str, np.ndarray],
        *,
        origins: dict[str, str],
        values: list[np.ndarray],
    ) -> None:
        lengths = {len(array) for array in columns.values()}
        num_rows = lengths.pop() if len(lengths) == 1 else None
        if num_rows == 0:
            raise InputError("the arrays hold no rows", file=raw.name)
        super().__init__(raw.name, format, list(columns), num_rows=num_rows, size_bytes=raw.size_bytes)
        for array in columns.values():
            array.flags.writeable = False  # chunks are views of these: readers must not write
        self._columns = columns
        self._origins = origins
        self._values = values

    def read_all_values(self) -> np.ndarray:
        """Every number of every numeric array, each flattened in C order, one after another."""
        numeric = [array for array in self._values if array.dtype.kind in "biuf"]
        if not numeric:
            raise InputError("no numeric array to read values from", file=self.name)
        return np.concatenate([np.asarray(array, dtype=np.float64).ravel() for array in numeric])

    def raw_batches(self, numeric: list[str], other: list[str], chunk_rows: int) -> Iterator[dict[str, np.ndarray]]:
        names = numeric + other
        first = self._columns[names[0]]
        for name in names[1:]:
            if len(self._columns[name]) != len(first):
                raise InputError(
                    f"array {self._origins[name]!r} has {len(self._columns[name])} rows but "
                    f"array {self._origins[names[0]]!r} has {len(first)}",
                    file=self.name,
                    hint="columns read together must come from arrays of the same length",
                )
        yield {name: self._columns[name] for name in names}


def open_npy(raw: RawFile) -> ArraySource:
    """A `.npy` file as columns (see the module docstring for their names)."""
    with raw.open() as stream:
        _check_claim(stream, raw.size_bytes, raw, "npy", "the file")
    with _loading(raw, "npy") as loaded:
        if not isinstance(loaded, np.ndarray):
            raise _invalid(raw, "npy", "it is an .npz archive")
        array = loaded
    if array.dtype.names:
        records = array.reshape(-1)
        fields = {name: records[name] for name in array.dtype.names}
        columns, origins = _expand_all(fields, separator="_")
        return ArraySource(raw, "npy", columns, origins=origins, values=list(fields.values()))
    if array.ndim <= 1:
        columns = {"value": array.reshape(-1)}
    else:
        columns = _expand("c", array, separator="")
    origins = dict.fromkeys(columns, "value")
    return ArraySource(raw, "npy", columns, origins=origins, values=[array])


def open_npz(raw: RawFile) -> ArraySource:
    """A `.npz` archive as columns (see the module docstring for their names)."""
    with _loading(raw, "npz") as loaded:
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise _invalid(raw, "npz", "it is a single .npy array")
        with loaded:
            _check_members(loaded.zip, raw)
            arrays = {key: loaded[key] for key in loaded.files}
    if not arrays:
        raise InputError("the archive holds no arrays", file=raw.name)
    for key, array in arrays.items():
        if not isinstance(array, np.ndarray):  # np.load hands out a member that is not .npy as its bytes
            raise InputError(f"member {key!r} is not a NumPy array (.npy), and lossctl never unpickles", file=raw.name)
    columns, origins = _expand_all(arrays, separator="_")
    return ArraySource(raw, "npz", columns, origins=origins, values=list(arrays.values()))


def _expand_all(arrays: dict[str, np.ndarray], *, separator: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Columns of several named arrays, and the array each column comes from."""
    columns: dict[str, np.ndarray] = {}
    origins: dict[str, str] = {}
    for key, array in arrays.items():
        expanded = _expand(key, array, separator=separator)
        columns.update(expanded)
        origins.update(dict.fromkeys(expanded, key))
    return columns, origins


def _expand(name: str, array: np.ndarray, *, separator: str) -> dict[str, np.ndarray]:
    """A 1-D array as column `name`; an (n, k, ...) array as columns `name{separator}{j}`."""
    if array.ndim <= 1:
        return {name: array.reshape(-1)}
    table = array.reshape(array.shape[0], int(np.prod(array.shape[1:])))
    return {f"{name}{separator}{j}": table[:, j] for j in range(table.shape[1])}


def _check_members(archive: zipfile.ZipFile, raw: RawFile) -> None:
    """The arrays of an .npz, checked before any is inflated: at most HELD_BYTES in all (as
    the archive's directory says; zipfile inflates a member to no more than its stated size),
    each as large as its header claims."""
    members = [info for info in archive.infolist() if info.filename.endswith(".npy")]
    if sum(info.file_size for info in members) > HELD_BYTES:
        raise over_limit(
            "in the arrays once inflated", HELD_BYTES, file=raw.name, hint="save them as separate .npy files"
        )
    for info in members:
        with archive.open(info) as member:
            _check_claim(member, info.file_size, raw, "npz", f"array {info.filename[:-4]!r}")


def _check_claim(stream: BinaryIO, size: int, raw: RawFile, kind: str, what: str) -> None:
    """An InputError if the .npy header at the start of `stream` (of `size` bytes) claims more
    data than follows it. A header that cannot be read is left for `np.load` to report."""
    try:
        version = np.lib.format.read_magic(stream)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = read_header(stream)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error):
        return
    claimed = math.prod(shape) * dtype.itemsize
    held = size - stream.tell()
    if claimed > held:
        raise _invalid(raw, kind, f"the header of {what} claims shape {shape}, {claimed} bytes, where {held} follow it")


@contextmanager
def _loading(raw: RawFile, kind: str) -> Iterator[np.ndarray | np.lib.npyio.NpzFile]:
    """`np.load` of the file without pickles, its failures as InputError."""
    try:
        yield np.load(raw.path if raw.path is not None else io.BytesIO(raw.data), allow_pickle=False)
    except ValueError as exc:
        if "Object arrays" in str(exc):
            raise InputError(
                "holds an array of Python objects, which lossctl never unpickles",
                file=raw.name,
                hint="save the array with a numeric dtype",
            ) from None
        raise _invalid(raw, kind, str(exc)) from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise _invalid(raw, kind, str(exc)) from None


def _invalid(raw: RawFile, kind: str, detail: str) -> InputError:
    return InputError(
        f"not a valid .{kind} file ({detail})",
        file=raw.name,
        hint="the file may be truncated or corrupt",
    )
