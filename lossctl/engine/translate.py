"""Errors in the user's terms: the loss core names an input role and a 0-based sample index;
the user needs the file, the column and the 1-based row."""

from __future__ import annotations

from lossctl.engine.binding import Binding
from lossctl.engine.rows import RowNumbers
from lossctl.errors import InputError
from lossctl.losses import InputDomainError


class Translator:
    """Turns the core's (role, index) errors into (file, column, row) errors; through a join,
    the file a column was read from, and that file's row."""

    def __init__(self, source, binding: Binding, file: str | None = None) -> None:
        self.source = source
        self.file = source.name if source is not None else file
        self.binding = binding

    def locate(self, role: str, row: int | None) -> tuple[str | None, str | None, int | None]:
        """``(file, column, 1-based row)`` of a role's value at a 0-based row of the input."""
        columns = self.binding.columns.get(role)
        if not columns or row is None:
            return self.file, self.binding.column_of(role), None if row is None else row + 1
        file, column, own_row = self.source.locate(columns[0], row)
        return file, column if len(columns) == 1 else self.binding.column_of(role), own_row + 1

    def error(self, exc: InputDomainError, rows: RowNumbers | None) -> InputError:
        row = rows[exc.index] if exc.index is not None and rows is not None else None
        file, column, row = self.locate(exc.role, row)
        return InputError(exc.message, file=file, column=column, row=row, hint=exc.hint)

    def detached(self, name: str) -> Translator:
        """A translator that names the input ``name`` only, holding no reader (what a finished
        part's tally carries back from a worker)."""
        return Translator(None, self.binding, name)
