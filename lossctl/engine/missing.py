"""The NaN policy (``--nan``): what a missing (NaN, empty cell) or infinite input value does.

``error`` stops at the first such value, naming its file, column and row; ``drop`` leaves its
row out (and counts it); ``propagate`` leaves it out too, and makes every result NaN.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lossctl.engine.rows import RowNumbers
from lossctl.engine.translate import Translator
from lossctl.errors import InputError


def missing_rows(role_arrays: dict[str, np.ndarray]) -> np.ndarray | None:
    """Per row, whether any input of the row is missing (NaN) or infinite; ``None`` when every
    input is finite, the usual case, which one test per input shows without building the
    rows' mask."""
    if all(np.isfinite(a).all() for a in role_arrays.values()):
        return None
    missing = None
    for a in role_arrays.values():
        m = ~np.isfinite(a) if a.ndim == 1 else ~np.isfinite(a).all(axis=1)
        missing = m if missing is None else missing | m
    return missing


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
) -> Kept:
    """The rows of a chunk without the ``missing`` ones, or the error of the first of them."""
    if policy == "error":
        i = int(np.argmax(missing))
        role = next(r for r, a in role_arrays.items() if not np.isfinite(a[i]).all())
        value = role_arrays[role][i]
        what = "missing value (empty cell or NaN)" if np.isnan(value).any() else "infinite value"
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
