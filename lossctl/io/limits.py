"""The limits that keep reading bounded whatever the input: a pipe that never ends, a device
such as /dev/zero, a line of gigabytes, a small archive that inflates to gigabytes.

Text is streamed a window at a time and never needs more than a window and a line; what must
be held whole (a binary file from a pipe or decompressed, the arrays of an .npy or .npz, a
baseline or a configuration) is read only up to a limit. A limit that is reached is an
InputError naming it, never a process that fills memory.
"""

from __future__ import annotations

from typing import BinaryIO

from lossctl.errors import InputError

LINE_BYTES = 8 << 20
"""The longest line of text (a CSV, TSV or JSON Lines row) that is read: a window grows
to hold a line up to this length (Arrow parses rows of up to a block, 1 MiB)."""

HELD_BYTES = 2 << 30
"""The most bytes held in memory for one input that is read whole: a binary file (Parquet,
Arrow, .npy, .npz) from a pipe or once decompressed, and the arrays of an .npy or .npz."""

DOCUMENT_BYTES = 64 << 20
"""The largest baseline or configuration file that is read (each is parsed whole)."""


def size_text(size: int) -> str:
    """`size` bytes in the largest binary unit that divides it: ``64 MiB``, ``2 GiB``."""
    for scale, unit in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


def over_limit(what: str, limit: int, *, file: str | None, hint: str | None = None) -> InputError:
    """The error of a limit reached: ``more than {limit} {what}, the most lossctl reads``
    (`what` says where: "in one line", "once decompressed")."""
    return InputError(f"more than {size_text(limit)} {what}, the most lossctl reads", file=file, hint=hint)


def read_up_to(stream: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes from `stream`, fewer only at its end; read a mebibyte at a time
    into one growing buffer (no copy of the whole at the end, no buffer of `limit` bytes)."""
    received = bytearray()
    while len(received) < limit:
        data = stream.read(min(limit - len(received), 1 << 20))
        if not data:
            break
        received += data
    return received


def read_bounded(stream: BinaryIO, limit: int, *, file: str | None, what: str, hint: str | None = None) -> bytes:
    """The whole of `stream`, which must end within `limit` bytes (else `over_limit`, `what`
    saying where)."""
    data = read_up_to(stream, limit + 1)
    if len(data) > limit:
        raise over_limit(what, limit, file=file, hint=hint)
    return data


def read_document(path: str, *, what: str = "in the file") -> bytes:
    """The bytes of a file read whole and parsed at once (a baseline, a configuration), at most
    DOCUMENT_BYTES: /dev/zero or a pipe that never ends is an InputError naming the limit.
    OSError is the caller's to tell."""
    with open(path, "rb") as stream:
        return read_bounded(stream, DOCUMENT_BYTES, file=path, what=what)
