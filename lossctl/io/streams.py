"""Byte streams between a file and a parser: decompression, decoding to checked UTF-8, and the
windows of whole rows that the parser is given.

Both readers are plain binary readers, read a window at a time in bounded memory. They raise
InputError themselves, naming the file (and, for decoding, the row), for a
compressed file that is cut short or corrupt and for text that is not in the stated encoding.
"""

from __future__ import annotations

import codecs
import io
import zlib
from abc import abstractmethod
from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple, Protocol

import pyarrow as pa

from lossctl.errors import InputError
from lossctl.io.files import RawFile, arrow_owned

BLOCK_BYTES = 1 << 20
"""How much is read from the stream below at a time."""


class _Decompressor(Protocol):
    eof: bool
    unused_data: bytes

    def decompress(self, data: bytes) -> bytes: ...


_STREAM_ERRORS = (OSError, EOFError)


def _codec(compression: str, name: str) -> tuple[Callable[[], _Decompressor], tuple[type[Exception], ...]]:
    """A factory of decompressors for `compression`, and the exceptions they raise on bad data.

    A codec's module is imported only when a file compressed with it is read (bz2 and lzma
    would add 2 to 4 ms to every start); zstd needs the optional `zstandard` package.
    """
    if compression == "gzip":
        return (lambda: zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)), (*_STREAM_ERRORS, zlib.error)
    if compression == "bz2":
        import bz2

        return bz2.BZ2Decompressor, _STREAM_ERRORS
    if compression == "xz":
        import lzma

        return lzma.LZMADecompressor, (*_STREAM_ERRORS, lzma.LZMAError)
    try:
        import zstandard
    except ImportError:
        raise InputError(
            "reading zstd-compressed files needs the zstandard package",
            file=name,
            hint="pip install 'lossctl[compression]'",
        ) from None
    return (lambda: zstandard.ZstdDecompressor().decompressobj()), (zstandard.ZstdError,)


class _BlockReader(io.RawIOBase):
    """A readable stream made of the blocks a subclass produces from the stream it wraps."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        self._pending = memoryview(b"")
        self._finished = False

    @abstractmethod
    def _next_block(self) -> bytes:
        """The next block of output (possibly empty); sets `_finished` at the end."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - any writable buffer
        target = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(target):
            if not self._pending:
                if self._finished:
                    break
                self._pending = memoryview(self._next_block())
                continue
            count = min(len(target) - filled, len(self._pending))
            target[filled : filled + count] = self._pending[:count]
            self._pending = self._pending[count:]
            filled += count
        return filled

    def readall(self) -> bytes:
        blocks = [bytes(self._pending)]
        self._pending = memoryview(b"")
        while not self._finished:
            blocks.append(self._next_block())
        return b"".join(blocks)

    def close(self) -> None:
        self._raw.close()
        super().close()


class DecompressingReader(_BlockReader):
    """The decompressed content of a gzip, bz2, xz or zstd stream (concatenated streams too)."""

    def __init__(self, raw: BinaryIO, compression: str, name: str) -> None:
        super().__init__(raw)
        self._compression = compression
        self._name = name
        self._new_decompressor, self._errors = _codec(compression, name)
        self._decompressor = self._new_decompressor()

    def _next_block(self) -> bytes:
        data = self._raw.read(BLOCK_BYTES)
        if not data:
            if not self._decompressor.eof:
                raise InputError(
                    f"the {self._compression} data ends early: the file is cut short",
                    file=self._name,
                )
            self._finished = True
            return b""
        output = []
        try:
            while True:
                output.append(self._decompressor.decompress(data))
                data = self._decompressor.unused_data
                if not (self._decompressor.eof and data):
                    break
                self._decompressor = self._new_decompressor()
        except self._errors as exc:
            raise InputError(f"corrupt {self._compression} data ({exc})", file=self._name) from None
        return b"".join(output)


class Utf8Reader(_BlockReader):
    """Text in `encoding`, checked, and handed on as UTF-8 (transcoded when need be).

    `header_lines` is how many lines precede data row 1 (1 for CSV, 0 for JSON Lines), so
    that a decoding error can name its row.
    """

    def __init__(self, raw: BinaryIO, *, encoding: str, name: str, header_lines: int) -> None:
        super().__init__(raw)
        self._encoding = encoding
        self._name = name
        self._header_lines = header_lines
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self._transcode = codecs.lookup(encoding).name != "utf-8"
        self._lines = 0

    def _next_block(self) -> bytes:
        block = self._raw.read(BLOCK_BYTES)
        self._finished = not block
        if self._transcode:
            output = self._decode(block).encode("utf-8")
        else:
            if not block.isascii() or self._decoder.getstate()[0]:
                self._decode(block)  # validation only: the bytes are passed on as they are
            output = block
        self._lines += block.count(b"\n")
        return output

    def _decode(self, block: bytes) -> str:
        try:
            return self._decoder.decode(block, final=self._finished)
        except UnicodeDecodeError as exc:
            raise self._decoding_error(exc) from None

    def _decoding_error(self, exc: UnicodeDecodeError) -> InputError:
        line = self._lines + exc.object[: exc.start].count(b"\n") + 1
        row = line - self._header_lines
        bad = " ".join(f"0x{byte:02x}" for byte in exc.object[exc.start : exc.end])
        where = f"byte {bad}" if row >= 1 else f"in the header, byte {bad}"
        return InputError(
            f"not valid {self._encoding} text ({where})",
            file=self._name,
            row=row if row >= 1 else None,
            hint="name the file's encoding with --encoding, e.g. --encoding latin-1",
        )


def read_up_to(stream: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes from `stream`, fewer only at its end."""
    received, size = [], 0
    while size < limit:
        data = stream.read(limit - size)
        if not data:
            break
        received.append(data)
        size += len(data)
    return b"".join(received)


def row_windows(stream: BinaryIO, size: int) -> Iterator[pa.Buffer]:
    """The text of `stream` in windows of about `size` bytes, each ending after a line end.

    A window is cut after its last line end (``\\n``, or ``\\r``), as Arrow's CSV reader cuts
    its own blocks by default, quotes or not: a quoted cell may not hold a line end. The rest
    of the window begins the next one; a line longer than `size` makes its window longer (the
    buffer doubles until the line fits). `stream` is a raw reader (``readinto``); each window
    is a fresh buffer that Arrow owns (see `arrow_owned`), read into directly (only the rest
    carried over is copied).
    """
    carry = b""
    while True:
        buffer = pa.allocate_buffer(len(carry) + max(size, len(carry)))
        view = memoryview(buffer).cast("B")
        view[: len(carry)] = carry
        end = len(carry) + _fill(stream, view[len(carry) :])
        if end == len(carry):
            if carry:
                yield arrow_owned(carry)
            return
        cut = after_last_line_end(view, end)
        carry = view[cut:end].tobytes()
        if cut:
            yield buffer.slice(0, cut)


class MappedWindows:
    """One pass over a plain file on disk in windows of whole rows, without reading it.

    A window ends after its last line end within `size` bytes of where the last one ended (a
    longer line doubles the window until it fits). It is a slice of a read-only memory map
    that Arrow made for it alone, unmapped by Arrow once nothing refers to the window (the
    tables Arrow parses from it are copies): a map lives until the next one is made, so the
    text is neither copied nor ever resident beyond two windows. Reference: mmap(2).

    Each window's map is `RawFile.arrow_input`: a file replaced or written to since it was
    opened is an InputError, and a file cut short while a window is parsed ends the process
    (SIGBUS).

    `offset` is how far into the file the windows handed out so far reach.
    """

    def __init__(self, raw: RawFile, size: int) -> None:
        self.raw = raw
        self.size = size
        self.offset = 0

    def __iter__(self) -> Iterator[pa.Buffer]:
        self.offset = 0
        while True:
            with self.raw.arrow_input(mapped=True) as mapped:
                end = mapped.size()
                if self.offset == end:
                    return
                size = self.size
                while True:  # the window doubles until it holds a line end, or reaches the end
                    mapped.seek(self.offset)
                    window = mapped.read_buffer(size)
                    if self.offset + window.size == end:
                        cut = window.size
                        break
                    cut = after_last_line_end(memoryview(window), window.size)
                    if cut:
                        break
                    size *= 2
            self.offset += cut
            yield window.slice(0, cut)


def after_last_line_end(view: memoryview, end: int) -> int:
    """The position just after the last line end (``\\n`` or ``\\r``) in ``view[:end]``, or 0
    when there is none. The view is searched from `end` back, in spans that double, so that
    little more than the last line is copied."""
    step = 1 << 12
    while end > 0:
        span = view[max(0, end - step) : end].tobytes()
        last = max(span.rfind(b"\n"), span.rfind(b"\r"))
        if last >= 0:
            return end - len(span) + last + 1
        end -= len(span)
        step *= 2
    return 0


def _fill(stream: BinaryIO, target: memoryview) -> int:
    """Read into `target` until it is full or the stream ends; how many bytes were read."""
    filled = 0
    while filled < len(target):
        count = stream.readinto(target[filled:])
        if not count:
            break
        filled += count
    return filled


SMALL_TEXT_BYTES = 32 << 20
"""Text up to this size (after decompression) is held in memory and parsed in one go."""


class TextData(NamedTuple):
    """The UTF-8 text of a CSV, TSV or JSON Lines input, readable as many times as needed.

    `data` holds the whole text when it is small; otherwise the text is read again from the
    file for each pass: mapped when it is `plain_file`, else streamed through decompression
    and decoding (`decoded`, `row_windows`).
    """

    raw: RawFile
    compression: str | None
    encoding: str
    header_lines: int
    data: bytes | None = None

    def read_all(self) -> bytes:
        """The whole text."""
        if self.data is not None:
            return self.data
        with self.decoded() as stream:
            return stream.read()

    def plain_file(self) -> bool:
        """Whether the text is a UTF-8 file on disk as it is: it may be mapped unchecked
        (the fastest path, see `MappedWindows`); Arrow then rejects bad bytes itself, without
        saying where."""
        return self.raw.path is not None and self.compression is None and codecs.lookup(self.encoding).name == "utf-8"

    def decoded(self) -> Utf8Reader:
        """A fresh stream over the text, decompressed and checked (or transcoded) to UTF-8."""
        stream = self.raw.open()
        if self.compression is not None:
            stream = DecompressingReader(stream, self.compression, self.raw.name)
        return Utf8Reader(stream, encoding=self.encoding, name=self.raw.name, header_lines=self.header_lines)


def load_text(raw: RawFile, *, compression: str | None, encoding: str, header_lines: int) -> TextData:
    """The text of `raw`, in memory when it is at most SMALL_TEXT_BYTES once decompressed."""
    text = TextData(raw, compression, encoding, header_lines)
    if compression is None and raw.size_bytes > SMALL_TEXT_BYTES:
        return text
    with text.decoded() as stream:
        data = read_up_to(stream, SMALL_TEXT_BYTES + 1)
    if not data:
        raise InputError("the file is empty once decompressed", file=raw.name)
    return text if len(data) > SMALL_TEXT_BYTES else text._replace(data=data)


def decompress_all(raw: RawFile, compression: str) -> RawFile:
    """`raw` decompressed into memory (for binary formats, which need random access)."""
    with DecompressingReader(raw.open(), compression, raw.name) as stream:
        data = stream.read()
    if not data:
        raise InputError("the file is empty once decompressed", file=raw.name)
    return RawFile(raw.name, len(data), data=data)
