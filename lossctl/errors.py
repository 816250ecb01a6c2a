"""The errors lossctl reports to its user: one line, what went wrong and where.

Every error here ends the command with exit code 2 (usage, configuration, input or data
error); exit code 1 is kept for a failed check. The message names the file, the column and the
row (1-based data row, the first row after the header being row 1) wherever they apply.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager


class LossctlError(Exception):
    """An error the user can fix; rendered as one line on stderr, exit code 2."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        row: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.column = column
        self.row = row
        self.hint = hint

    def where(self) -> str:
        """`file, column 'c', row r` for the parts that are known."""
        parts = []
        if self.file is not None:
            parts.append(self.file)
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return " ".join(text.split())  # one line, whatever a library's message held


class InputError(LossctlError):
    """A file that cannot be read, or data in it that lossctl cannot use."""


class UsageError(LossctlError):
    """Options or arguments that do not fit together."""


class ConfigError(LossctlError):
    """A configuration file or section that is malformed."""


class OutputError(LossctlError):
    """A file lossctl was asked to write that cannot be written (no such directory, no
    permission, a full disk)."""


def printable(text: str) -> str:
    """``text`` with every control character (C0 but tab and line feed, DEL, C1) shown as a
    ``\\xNN`` escape: names and values that come from outside (file and column names, group
    values, check names, expressions) cannot move the cursor, clear the screen or retitle the
    terminal (ECMA-48 control functions) when lossctl prints them."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def readable(text: str) -> str:
    """``text`` with every lone surrogate shown as U+FFFD, the replacement character: a file
    name holding bytes that are not UTF-8 reaches Python as such surrogates (PEP 383), which
    no UTF-8 file, HTML page or image label can hold."""
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


@contextmanager
def runtime_warnings_silenced() -> Iterator[None]:
    """NumPy's RuntimeWarnings (overflow, invalid value, division by zero) kept off stderr,
    where they would print a line of lossctl's source: lossctl says what overflowed in its own
    error or warning line. Python's warning filters are the process's, so reader threads are
    covered too; a Dask worker process sets its own around each task."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
