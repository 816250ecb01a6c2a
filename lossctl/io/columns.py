"""Helpers on column names: the "no such column, did you mean" error, and matrix order."""

from __future__ import annotations

import difflib
import os
import re

from lossctl.errors import InputError

_LISTED_COLUMNS = 20
_TRAILING_DIGITS = re.compile(r"\d+$")


def unknown_column(name: str, available: list[str], *, file: str | None = None) -> InputError:
    """The error for a column (or pattern) `name` that matches none of `available`."""
    listed = ", ".join(available[:_LISTED_COLUMNS])
    if len(available) > _LISTED_COLUMNS:
        listed += f", ... ({len(available) - _LISTED_COLUMNS} more)"
    by_lower = {column.lower(): column for column in available}
    close = [by_lower[c] for c in difflib.get_close_matches(name.lower(), list(by_lower), n=1)]
    return InputError(
        f"no such column (the columns are: {listed})",
        file=file,
        column=name,
        hint=f"did you mean {close[0]!r}?" if close else None,
    )


def matrix_order(names: list[str]) -> list[str]:
    """Columns of one matrix (`p_0`, `p_1`, ...) in class order.

    Ordered by the suffix after their common prefix when every suffix is an integer
    (so `p_2` comes before `p_10`), else kept in file order (`p_cat`, `p_dog`).
    """
    if len(names) < 2:
        return list(names)
    prefix = _TRAILING_DIGITS.sub("", os.path.commonprefix(names))
    if not all(name[len(prefix) :].isdecimal() for name in names):
        return list(names)
    return sorted(names, key=lambda name: int(name[len(prefix) :]))
