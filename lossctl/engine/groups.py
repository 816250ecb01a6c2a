"""``--group-by``: the rows of each distinct value of a column."""

from __future__ import annotations

from typing import Any

import numpy as np

MISSING_GROUP = "(missing)"
"""The group of the rows whose group value is missing (NaN, null, an empty cell)."""


def split_by_group(group: np.ndarray) -> list[tuple[Any, np.ndarray]]:
    """The rows of each distinct value of a group column: ``(value, row indices)``, values as
    Python scalars (a whole float as an int: labels read as numbers are shown ``1``, not
    ``1.0``); missing values (NaN, None) form one group, ``MISSING_GROUP``."""
    if group.dtype.kind in "biuf":
        missing = np.isnan(group) if group.dtype.kind == "f" else np.zeros(len(group), dtype=bool)
        values, inverse = np.unique(group[~missing], return_inverse=True)
        codes = np.full(len(group), len(values), dtype=np.intp)
        codes[~missing] = inverse
        keys = [_scalar(v.item()) for v in values] + [MISSING_GROUP]
    else:  # text (an object array): one pass through a dictionary
        index: dict[Any, int] = {}
        codes = np.fromiter(
            (
                index.setdefault(MISSING_GROUP if key is None or key == "" else key, len(index))
                for key in group.tolist()
            ),
            np.intp,
            len(group),
        )
        keys = list(index)
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(keys)))
    return [(keys[k], rows) for k, rows in enumerate(np.split(order, bounds[:-1])) if len(rows)]


def _scalar(value: Any) -> Any:
    """A whole float within float64's exact integers as an int (equal to it, hashing alike, so
    the groups of two chunks still merge); any other value as it is."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2.0**53:
        return int(value)
    return value
