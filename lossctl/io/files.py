"""The bytes behind an input: a file on disk, or standard input held in memory.

This is where "file not found", "is a directory", "permission denied" and "empty file" are
told apart, before any format is guessed. Input files are only ever opened for reading.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from typing import BinaryIO, NamedTuple

import pyarrow as pa

from lossctl.errors import InputError

STDIN = "-"
STDIN_NAME = "<stdin>"
HEAD_BYTES = 4096
"""How many leading bytes are enough to tell a format or a compression."""


class RawFile(NamedTuple):
    """An input's bytes: `path` on disk, or `data` in memory (standard input, a pipe, decompressed).

    `name` is what messages call it: the path as given, or `<stdin>`. `stamp` tells the file
    on disk as it was opened from a file put in its place or changed since (`stamp_of`).
    """

    name: str
    size_bytes: int
    path: str | None = None
    data: bytes | None = None
    stamp: tuple[int, ...] | None = None

    def open(self) -> BinaryIO:
        """A fresh binary stream over the bytes, positioned at the start."""
        if self.data is not None:
            return io.BytesIO(self.data)
        return open(self.path, "rb")  # noqa: SIM115 - the caller closes it

    def arrow_input(self) -> pa.NativeFile:
        """The bytes as an Arrow random-access file: a reader over the bytes in memory, or a
        fresh map of the file on disk (`mapped`)."""
        if self.data is not None:
            return pa.BufferReader(self.data)
        return self.mapped()

    def mapped(self) -> pa.MemoryMappedFile:
        """A fresh read-only memory map of the file on disk, which must still be the file it
        was when opened (`stamp`): a file replaced or written to since, or that cannot be
        opened any more, is an InputError. Arrow unmaps it once it is closed and no buffer
        refers to it. As with any memory map, a file cut short while its pages are read ends
        the process (SIGBUS). Reference: mmap(2)."""
        try:
            mapped = pa.memory_map(self.path)
            stamp = stamp_of(os.fstat(mapped.fileno()))
        except OSError as exc:
            reason = os.strerror(exc.errno) if exc.errno else "it cannot be opened"
            raise InputError(f"the file cannot be read any more ({reason})", file=self.name) from None
        if stamp != self.stamp or mapped.size() != self.size_bytes:
            mapped.close()
            raise InputError("the file changed while it was being read", file=self.name)
        return mapped

    def head(self) -> bytes:
        """The first HEAD_BYTES bytes (fewer when the input is shorter)."""
        with self.open() as stream:
            return stream.read(HEAD_BYTES)


def stamp_of(info: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is replaced, resized or written to: its device and inode, its
    size and its modification time."""
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def open_raw(path: str) -> RawFile:
    """The input at `path` (`-` for standard input), checked to exist, be readable, be non-empty.

    Standard input and pipes (such as `<(zcat x.csv.gz)`) are read into memory at once.
    """
    if path == STDIN:
        data = sys.stdin.buffer.read()
        raw = RawFile(STDIN_NAME, len(data), data=data)
    else:
        raw = _on_disk(path)
    if raw.size_bytes == 0:
        raise InputError("the file is empty (0 bytes)", file=raw.name)
    return raw


def _on_disk(path: str) -> RawFile:
    if not os.path.exists(path):
        raise InputError("no such file", file=path)
    if os.path.isdir(path):
        raise InputError("is a directory, not a file", file=path)
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                data = stream.read()
                return RawFile(path, len(data), data=data)
            return RawFile(path, info.st_size, path=path, stamp=stamp_of(info))
    except PermissionError:
        raise InputError("permission denied: the file cannot be read", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=path) from None
