"""Byte streams between a file and a parser: decompression, and decoding to checked UTF-8
(the windows of whole rows the parser is given are in `windows`).

Both readers are plain binary readers, read a window at a time in bounded memory. They raise
InputError themselves, naming the file (and, for decoding, the row), for a
compressed file that is cut short or corrupt and for text that is not in the stated encoding.
"""

from __future__ import annotations

import codecs
import io
import zlib
from abc import abstractmethod
from collections.abc import Callable
from typing import Any, BinaryIO, NamedTuple, Protocol

from lossctl.errors import InputError
from lossctl.io.files import RawFile
from lossctl.io.limits import HELD_BYTES, read_bounded, read_up_to

BLOCK_BYTES = 1 << 20
"""How much is read from the stream below at a time."""


class _Inflater(Protocol):
    """A decompressor whose every call gives at most `limit` bytes (the rest of its input is
    kept for the calls after, made with no new input while not `needs_input`)."""

    eof: bool
    unused_data: bytes
    needs_input: bool

    def inflate(self, data: bytes, limit: int) -> bytes: ...


class _Gzip:
    """zlib's decompressor of gzip members, its output bounded (``max_length``); the input
    it has not used yet is its ``unconsumed_tail``."""

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)

    eof = property(lambda self: self._zlib.eof)
    unused_data = property(lambda self: self._zlib.unused_data)
    needs_input = property(lambda self: not self._zlib.unconsumed_tail)

    def inflate(self, data: bytes, limit: int) -> bytes:
        return self._zlib.decompress(data or self._zlib.unconsumed_tail, limit)


class _Bounded:
    """A bz2 or lzma decompressor, whose output is bounded by ``max_length`` itself."""

    def __init__(self, decompressor: Any) -> None:
        self._decompressor = decompressor

    eof = property(lambda self: self._decompressor.eof)
    unused_data = property(lambda self: self._decompressor.unused_data)
    needs_input = property(lambda self: self._decompressor.needs_input)

    def inflate(self, data: bytes, limit: int) -> bytes:
        return self._decompressor.decompress(data, limit)


ZSTD_PIECE_BYTES = 256
"""How much zstd input is decompressed at a time. zstandard's decompressor has no bound on its
output, and a block of 128 KiB can take 4 bytes (an RLE block), so a call's output is bounded
by feeding it pieces: 256 bytes inflate to at most 8 MiB (a 15 MB file of 36 MB of CSV is
decompressed in 0.1 s, against 0.05 s in 1 MiB pieces). Reference: RFC 8878, section 3.1.1.2."""


class _Zstd:
    """zstandard's decompressor fed `ZSTD_PIECE_BYTES` at a time."""

    def __init__(self, zstandard: Any) -> None:
        self._zstd = zstandard.ZstdDecompressor().decompressobj()
        self._tail = memoryview(b"")

    eof = property(lambda self: self._zstd.eof)
    unused_data = property(lambda self: self._zstd.unused_data + self._tail.tobytes())
    needs_input = property(lambda self: not self._tail)

    def inflate(self, data: bytes, limit: int) -> bytes:  # noqa: ARG002 - bounded by the piece
        if data:
            self._tail = memoryview(data)
        piece, self._tail = self._tail[:ZSTD_PIECE_BYTES], self._tail[ZSTD_PIECE_BYTES:]
        return self._zstd.decompress(piece)


_STREAM_ERRORS = (OSError, EOFError)


def _codec(compression: str, name: str) -> tuple[Callable[[], _Inflater], tuple[type[Exception], ...]]:
    """A factory of decompressors for `compression`, and the exceptions they raise on bad data.

    A codec's module is imported only when a file compressed with it is read (bz2 and lzma
    would add 2 to 4 ms to every start); zstd needs the optional `zstandard` package.
    """
    if compression == "gzip":
        return _Gzip, (*_STREAM_ERRORS, zlib.error)
    if compression == "bz2":
        import bz2

        return (lambda: _Bounded(bz2.BZ2Decompressor())), _STREAM_ERRORS
    if compression == "xz":
        import lzma

        return (lambda: _Bounded(lzma.LZMADecompressor())), (*_STREAM_ERRORS, lzma.LZMAError)
    try:
        import zstandard
    except ImportError:
        raise InputError(
            "reading zstd-compressed files needs the zstandard package",
            file=name,
            hint="pip install 'lossctl[compression]'",
        ) from None
    return (lambda: _Zstd(zstandard)), (zstandard.ZstdError,)


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
        """At most BLOCK_BYTES of output, whatever the compression ratio: a small file that
        inflates to gigabytes is read a block at a time, as any other."""
        try:
            return self._inflate()
        except self._errors as exc:
            raise InputError(f"corrupt {self._compression} data ({exc})", file=self._name) from None

    def _inflate(self) -> bytes:
        decompressor = self._decompressor
        if decompressor.eof:  # a stream ended: the end of the file, or another stream after it
            data = decompressor.unused_data or self._raw.read(BLOCK_BYTES)
            if not data:
                self._finished = True
                return b""
            self._decompressor = self._new_decompressor()
            return self._decompressor.inflate(data, BLOCK_BYTES)
        if not decompressor.needs_input:
            return decompressor.inflate(b"", BLOCK_BYTES)
        data = self._raw.read(BLOCK_BYTES)
        output = decompressor.inflate(data, BLOCK_BYTES)
        if not data and not output and not decompressor.eof:
            raise InputError(f"the {self._compression} data ends early: the file is cut short", file=self._name)
        return output


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
    if raw.rest is not None or (compression is None and raw.size_bytes > SMALL_TEXT_BYTES):
        return text  # a stream read on (once) past its head, or a large file
    with text.decoded() as stream:
        data = read_up_to(stream, SMALL_TEXT_BYTES + 1)
    if not data:
        raise InputError("the file is empty once decompressed", file=raw.name)
    return text if len(data) > SMALL_TEXT_BYTES else text._replace(data=data)


def decompress_all(raw: RawFile, compression: str) -> RawFile:
    """`raw` decompressed into memory (for binary formats, which need random access), at most
    `limits.HELD_BYTES` of it."""
    with DecompressingReader(raw.open(), compression, raw.name) as stream:
        data = read_bounded(
            stream, HELD_BYTES, file=raw.name, what="once decompressed", hint="decompress it to a file first"
        )
    if not data:
        raise InputError("the file is empty once decompressed", file=raw.name)
    return RawFile(raw.name, len(data), data=data)
