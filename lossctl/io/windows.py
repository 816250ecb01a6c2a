"""Windows of whole rows: how the text of a CSV, TSV or JSON Lines input is handed to Arrow.

A parser is given the text a window at a time, so memory is bounded by the window size
whatever the file size: text held in memory (see `streams.SMALL_TEXT_BYTES`) is one window, a
plain file on disk is mapped window by window (`MappedWindows`, not copied), and other text
(compressed, or transcoded to UTF-8) is read through its decoder in windows (`row_windows`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cached_property
from typing import BinaryIO

import pyarrow as pa

from lossctl.errors import InputError
from lossctl.io.files import RawFile, arrow_owned
from lossctl.io.limits import LINE_BYTES, over_limit
from lossctl.io.streams import TextData

WINDOW_BYTES = 8 << 20
"""How much of a large text is parsed in one go."""


class TextWindows:
    """The windows of one input's text, pass after pass, and how far the current pass is."""

    def __init__(self, text: TextData) -> None:
        self.text = text
        self._mapped: MappedWindows | None = None

    def windows(self, size: int | None, *, checked: bool) -> Iterator[pa.Buffer]:
        """The text in windows of whole rows of `size` bytes; text held in memory is one
        window unless a `size` is given. Unless `checked`, a plain file is mapped, not read."""
        text = self.text
        if text.data is not None:
            if size is None:
                yield self._in_arrow
            else:
                yield from row_windows(io.BytesIO(text.data), size, name=text.raw.name)
            return
        if not checked and text.plain_file():
            windows = MappedWindows(text.raw, size or WINDOW_BYTES)
            self._mapped = windows
            try:
                yield from windows
            finally:
                if self._mapped is windows:
                    self._mapped = None
            return
        with text.decoded() as stream:
            yield from row_windows(stream, size or WINDOW_BYTES, name=text.raw.name)

    @cached_property
    def _in_arrow(self) -> pa.Buffer:
        """The text held in memory, copied once into memory that Arrow owns."""
        return arrow_owned(self.text.data)

    def progress(self) -> tuple[int, int, str] | None:
        """Bytes of the file handed to the parser so far, while a large plain file is mapped
        in windows (read on the reader's thread); None otherwise."""
        mapped, size = self._mapped, self.text.raw.size_bytes
        if mapped is not None and size:
            return min(mapped.offset, size), size, "bytes"
        return None


def row_windows(stream: BinaryIO, size: int, *, name: str | None = None) -> Iterator[pa.Buffer]:
    """The text of `stream` in windows of about `size` bytes, each ending after a line end.

    A window is cut after its last line end (``\\n``, or ``\\r``), as Arrow's CSV reader cuts
    its own blocks by default, quotes or not: a quoted cell may not hold a line end. The rest
    of the window begins the next one; a line longer than `size` makes its window longer (the
    buffer doubles until the line fits, up to `limits.LINE_BYTES`: a longer line is an
    InputError naming `name`). `stream` is a raw reader (``readinto``); each window is a fresh
    buffer that Arrow owns (see `arrow_owned`), read into directly (only the rest carried over
    is copied).
    """
    carry = b""
    while True:
        buffer = pa.allocate_buffer(min(len(carry) + max(size, len(carry)), max(size, LINE_BYTES + 1)))
        view = memoryview(buffer).cast("B")
        view[: len(carry)] = carry
        end = len(carry) + _fill(stream, view[len(carry) :])
        if end == len(carry):
            if carry:
                yield arrow_owned(carry)
            return
        cut = after_last_line_end(view, end)
        if end - cut > LINE_BYTES:
            raise line_too_long(name)
        carry = view[cut:end].tobytes()
        if cut:
            yield buffer.slice(0, cut)


class MappedWindows:
    """One pass over a plain file on disk in windows of whole rows, without reading it.

    A window ends after its last line end within `size` bytes of where the last one ended (a
    longer line doubles the window until it fits, up to `limits.LINE_BYTES`). It is a slice of a read-only memory map
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
                    if size > LINE_BYTES:
                        raise line_too_long(self.raw.name)
                    size *= 2
            self.offset += cut
            yield window.slice(0, cut)


def line_too_long(name: str) -> InputError:
    return over_limit(
        "in one line", LINE_BYTES, file=name, hint="rows are lines of text: is this a CSV, TSV or JSON Lines file?"
    )


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
