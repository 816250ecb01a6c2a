"""The bytes behind an input: a file on disk, or a stream (standard input, a pipe, a device).

This is where "file not found", "is a directory", "permission denied" and "empty file" are
told apart, before any format is guessed. Input files are only ever opened for reading.

A stream is held in memory up to STREAM_HEAD_BYTES; one that goes on is read on from there
once, as it comes (`OnePass`): an endless pipe of rows is read in bounded memory for as long
as it flows, and /dev/zero reaches a limit of `limits` rather than filling memory.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from typing import BinaryIO, NamedTuple

import pyarrow as pa

from lossctl.errors import InputError
from lossctl.io.limits import HELD_BYTES, read_bounded, read_up_to, size_text

STDIN = "-"
STDIN_NAME = "<stdin>"
HEAD_BYTES = 4096
"""How many leading bytes are enough to tell a format or a compression."""
STREAM_HEAD_BYTES = 32 << 20
"""How much of a stream is held in memory, to be read as many times as needed (a stream that
ends within it is held whole)."""


class OnePass:
    """The rest of a stream beyond the head held of it, read once, as it comes: a second
    pass over the whole stream (say, to learn a key column's type before reading it) is an
    InputError saying so."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self._stream = stream
        self.name = name
        self._taken = False

    def take(self) -> BinaryIO:
        if self._taken:
            raise InputError(
                f"needs a second pass over a stream longer than {size_text(STREAM_HEAD_BYTES)}, "
                "which is read once as it comes",
                file=self.name,
                hint="save it to a file and give the file's name",
            )
        self._taken = True
        return self._stream


class _HeadThenRest(io.RawIOBase):
    """A stream's head held in memory, then its rest (`OnePass.take`) once the head is read."""

    def __init__(self, head: bytes, rest: OnePass) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest
        self._stream: BinaryIO | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - any writable buffer
        target = memoryview(buffer).cast("B")
        if self._head:
            count = min(len(target), len(self._head))
            target[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        if self._stream is None:
            self._stream = self._rest.take()
        try:
            return self._stream.readinto(target)
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror or exc}", file=self._rest.name) from None


class RawFile(NamedTuple):
    """An input's bytes: `path` on disk, or `data` in memory (standard input, a pipe, decompressed).

    `name` is what messages call it: the path as given, or `<stdin>`. `stamp` tells the file
    on disk as it was opened from a file put in its place or changed since (`stamp_of`).
    `rest` is what follows `data` in a stream longer than STREAM_HEAD_BYTES (`size_bytes` is
    then the size of `data`).
    """

    name: str
    size_bytes: int
    path: str | None = None
    data: bytes | pa.Buffer | None = None
    stamp: tuple[int, ...] | None = None
    rest: OnePass | None = None

    def open(self) -> BinaryIO:
        """A fresh binary stream over the bytes, positioned at the start (of a stream's held
        head, then its rest, which can be read once)."""
        if self.rest is not None:
            return _HeadThenRest(self.data, self.rest)
        if self.data is not None:
            return io.BytesIO(self.data)
        return open(self.path, "rb")  # noqa: SIM115 - the caller closes it

    def arrow_input(self, *, mapped: bool = True) -> pa.NativeFile:
        """The bytes as an Arrow random-access file: a reader over the bytes in memory, or the
        file on disk opened again, which must still be the file that was opened (as
        `check_unchanged`). A map (``mapped``) is read in place, and Arrow unmaps it once it is
        closed and no buffer refers to it; but a mapped file cut short while its pages are
        read ends the process (SIGBUS), as with any map, where a plain file's short read is an
        error. Reference: mmap(2)."""
        if self.data is not None:
            return pa.BufferReader(self.data)
        try:
            opened = pa.memory_map(self.path) if mapped else pa.OSFile(self.path)
        except OSError as exc:
            raise _unreadable(self.name, exc) from None
        if stamp_of(os.fstat(opened.fileno())) != self.stamp:
            opened.close()
            raise _changed(self.name)
        return opened

    def held(self) -> RawFile:
        """This input with all its bytes in memory (for the binary formats, which need random
        access): a stream is read to its end, at most `limits.HELD_BYTES`."""
        if self.rest is None:
            return self
        with self.open() as stream:
            data = read_bounded(
                stream, HELD_BYTES, file=self.name, what="in the stream", hint="save it to a file first"
            )
        return RawFile(self.name, len(data), data=data)

    def in_arrow_memory(self) -> RawFile:
        """This input, its bytes in memory (if any) copied once into memory that Arrow owns
        (`arrow_owned`): for the binary formats, whose readers keep pieces of the bytes they
        read (zero-copy columns, pre-buffered ranges) and may let go of them on Arrow's threads.
        The bytes are held twice until the caller lets go of the Python copy."""
        if self.data is None or isinstance(self.data, pa.Buffer):
            return self
        return self._replace(data=arrow_owned(self.data))

    def check_unchanged(self) -> None:
        """An InputError if the file on disk is no longer the one that was opened (`stamp`):
        replaced, resized or written to since, or gone. Bytes in memory cannot change."""
        if self.data is None:
            check_unchanged(self.path, self.stamp)

    def head(self) -> bytes:
        """The first HEAD_BYTES bytes (fewer when the input is shorter)."""
        with self.open() as stream:
            return stream.read(HEAD_BYTES)


def stamp_of(info: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is replaced, resized or written to: its inode, its size and its
    modification time. Not its device number, which differs between the hosts that mount a
    shared file system (a dataset's files are checked by the workers that read them)."""
    return info.st_ino, info.st_size, info.st_mtime_ns


def check_unchanged(path: str, stamp: tuple[int, ...] | None) -> None:
    """An InputError if the file at `path` is no longer the one whose `stamp` was taken:
    replaced, resized or written to since, or gone."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if stamp_of(info) != stamp:
        raise _changed(path)


def _changed(name: str) -> InputError:
    return InputError("the file changed while it was being read", file=name)


def _unreadable(name: str, exc: OSError) -> InputError:
    reason = os.strerror(exc.errno) if exc.errno else "it cannot be opened"
    return InputError(f"the file cannot be read any more ({reason})", file=name)


def open_raw(path: str) -> RawFile:
    """The input at `path` (`-` for standard input), checked to exist, be readable, be non-empty.

    Standard input, pipes (such as `<(zcat x.csv.gz)`) and devices are streams: their first
    STREAM_HEAD_BYTES are held in memory, the rest read once as it comes (`OnePass`).
    """
    if path == STDIN:
        raw = _stream(sys.stdin.buffer, STDIN_NAME)
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
        stream = open(path, "rb")  # noqa: SIM115 - a stream stays open while it is read
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raw = _stream(stream, path)
            if raw.rest is None:  # held whole: the stream has ended
                stream.close()
            return raw
        stream.close()
        return RawFile(path, info.st_size, path=path, stamp=stamp_of(info))
    except PermissionError:
        raise InputError("permission denied: the file cannot be read", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=path) from None


def _stream(stream: BinaryIO, name: str) -> RawFile:
    """A stream: whole in memory when it ends within STREAM_HEAD_BYTES, else that much of it
    and the rest to read once."""
    head = read_up_to(stream, STREAM_HEAD_BYTES + 1)
    if len(head) <= STREAM_HEAD_BYTES:
        return RawFile(name, len(head), data=head)
    return RawFile(name, len(head), data=head, rest=OnePass(stream, name))


def arrow_owned(data: bytes) -> pa.Buffer:
    """`data` copied into memory that Arrow allocated, for Arrow's multi-threaded readers.

    Arrow's readers may release the buffer they read on one of their own threads, after they
    have returned. Releasing a buffer that wraps a Python object takes the GIL, and a thread
    that takes the GIL while the interpreter is exiting is stopped where it is, which aborts
    the process ("terminate called without an active exception", or a segfault). Reading a
    CSV from Python bytes and exiting at once ended so 4 times in 2,900 runs; from memory that
    Arrow owns, 0 times in 2,600.
    """
    buffer = pa.allocate_buffer(len(data))
    memoryview(buffer).cast("B")[:] = data
    return buffer
