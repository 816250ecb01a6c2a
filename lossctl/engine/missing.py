"""The NaN policy (``--nan``): what a missing (NaN, empty cell) or infinite input value does.

``error`` stops at the first such value, naming its file, column and row; ``drop`` leaves its
row out (and counts it); ``propagate`` leaves it out too, and makes every result NaN.

Two samples side by side (what a distance between distributions reads) are columns, not rows:
a sample that is shorter ends in missing cells, which are no values of it. There a missing
cell is a gap only before its sample's last value (``SampleEnds``), and the policy applies to
gaps, value by value.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lossctl.engine.rows import RowNumbers
from lossctl.engine.translate import Translator
from lossctl.errors import InputError
from lossctl.losses.samples import SAMPLES, present


def _bad(a: np.ndarray, nan: bool) -> np.ndarray:
    """Missing or infinite values (without ``nan``: infinite only); of a column in its own type
    (a query id), an empty cell (None, or empty text) is missing, and no value is infinite."""
    if a.dtype.kind in "fc":
        return ~np.isfinite(a) if nan else np.isinf(a)
    if nan and a.dtype == object:
        return np.equal(a, None) | np.equal(a, "")
    return np.zeros(a.shape, dtype=bool)


def missing_rows(role_arrays: dict[str, np.ndarray], *, nan: bool = True) -> np.ndarray | None:
    """Per row, whether any input of the row is missing (NaN) or infinite (without ``nan``:
    infinite only); ``None`` when every input is finite, the usual case, which one test per
    input shows without building the rows' mask."""
    if not any(_bad(a, True).any() for a in role_arrays.values()):
        return None
    missing = None
    for a in role_arrays.values():
        m = _bad(a, nan) if a.ndim == 1 else _bad(a, nan).any(axis=1)
        missing = m if missing is None else missing | m
    return missing if missing.any() else None


class Kept(NamedTuple):
    """A chunk after the policy: the rows kept, and what became of the others."""

    role_arrays: dict[str, np.ndarray]
    rows: RowNumbers
    group: np.ndarray | None
    dropped: int  # rows left out and counted (drop)
    propagated: bool  # rows left out that make the results NaN (propagate)


def apply_policy(
    policy: str,
    missing: np.ndarray,
    role_arrays: dict[str, np.ndarray],
    rows: RowNumbers,
    group: np.ndarray | None,
    translator: Translator,
    *,
    nan: bool = True,
) -> Kept:
    """The rows of a chunk without the ``missing`` ones, or the error of the first of them
    (``nan``: as ``missing_rows``)."""
    if policy == "error":
        i = int(np.argmax(missing))
        role = next(r for r, a in role_arrays.items() if _bad(a[i : i + 1], nan).any())
        values = role_arrays[role]
        missing_value = values.dtype == object or np.isnan(values[i]).any()  # text: only ever missing
        what = "missing value (empty cell or NaN)" if missing_value else "infinite value"
        file, column, row = translator.locate(role, rows[i])
        raise InputError(
            what,
            file=file,
            column=column,
            row=row,
            hint="--nan drop skips such rows, --nan propagate makes the result NaN",
        )
    keep = ~missing
    return Kept(
        {r: a[keep] for r, a in role_arrays.items()},
        rows.subset(keep),
        None if group is None else group[keep],
        int(missing.sum()) if policy == "drop" else 0,
        policy == "propagate",
    )


class _End(NamedTuple):
    """Where one sample's values end in some rows: the first row without a value, the last
    with one, the cells without a value, and those after the last value."""

    first_missing: int | None
    last_present: int | None
    missing: int
    trailing: int

    def then(self, later: _End) -> _End:
        """These rows followed by ``later``'s."""
        firsts = [row for row in (self.first_missing, later.first_missing) if row is not None]
        ended = later.last_present is None
        return _End(
            min(firsts, default=None),
            self.last_present if ended else later.last_present,
            self.missing + later.missing,
            self.trailing + later.trailing if ended else later.trailing,
        )


class SampleEnds:
    """Where each of two samples side by side ends, over the rows folded so far (mergeable):
    a missing cell before its sample's last value is a gap."""

    def __init__(self) -> None:
        self.ends = {role: _End(None, None, 0, 0) for role in SAMPLES}

    def add(self, rows: RowNumbers, role_arrays: dict[str, np.ndarray]) -> None:
        for role in SAMPLES:
            if role in role_arrays and len(rows):
                self.ends[role] = self.ends[role].then(_end_of(rows, present(role_arrays, role)))

    def merge(self, later: SampleEnds) -> None:
        self.ends = {role: end.then(later.ends[role]) for role, end in self.ends.items()}

    def gaps(self) -> int:
        """The missing cells that are gaps, of both samples."""
        return sum(end.missing - end.trailing for end in self.ends.values())

    def check(self, translator: Translator) -> None:
        """The error of the first gap, if any (the ``error`` policy)."""
        for role, end in self.ends.items():
            if end.first_missing is not None and end.last_present is not None and end.first_missing < end.last_present:
                file, column, row = translator.locate(role, end.first_missing)
                raise InputError(
                    "missing value (empty cell or NaN) before the column's last value: a sample of "
                    "another size ends in missing cells",
                    file=file,
                    column=column,
                    row=row,
                    hint="--nan drop skips such values, --nan propagate makes the result NaN",
                )


def _end_of(rows: RowNumbers, has: np.ndarray) -> _End:
    if has.all():
        return _End(None, rows[len(rows) - 1], 0, 0)
    missing = int(len(has) - np.count_nonzero(has))
    first_missing = rows[int(np.argmin(has))]
    if not has.any():
        return _End(first_missing, None, missing, missing)
    last = len(has) - 1 - int(np.argmax(has[::-1]))
    return _End(first_missing, rows[last], missing, len(has) - 1 - last)
