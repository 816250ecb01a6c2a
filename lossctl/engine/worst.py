"""The K samples with the largest per-sample loss, kept while streaming."""

from __future__ import annotations

import numpy as np


class WorstK:
    """Top-``k`` (value, row) pairs over all batches; ties keep the earlier row. Each row may
    carry the values of some columns (its key, label and prediction: ``context``)."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.values = np.empty(0)
        self.rows = np.empty(0, dtype=np.int64)
        self.context: dict[str, np.ndarray] = {}

    def update(self, values: np.ndarray, rows: np.ndarray, context: dict[str, np.ndarray] | None = None) -> None:
        merged_values = np.concatenate((self.values, values))
        merged_rows = np.concatenate((self.rows, rows))
        merged_context = {
            name: np.concatenate((self.context[name], column)) if name in self.context else column
            for name, column in (context or {}).items()
        }
        if len(merged_values) > self.k:
            keep = _largest(merged_values, merged_rows, self.k)
            merged_values, merged_rows = merged_values[keep], merged_rows[keep]
            merged_context = {name: column[keep] for name, column in merged_context.items()}
        self.values, self.rows, self.context = merged_values, merged_rows, merged_context

    def merge(self, other: WorstK) -> WorstK:
        self.update(other.values, other.rows, other.context)
        return self

    def items(self) -> list[tuple[int, float]]:
        """(row, value) pairs, largest loss first, then by row."""
        return [(int(self.rows[i]), float(self.values[i])) for i in self._order()]

    def contexts(self) -> list[dict]:
        """The context of each row of ``items``, in the same order: column -> value."""
        return [{name: _scalar(column[i]) for name, column in self.context.items()} for i in self._order()]

    def _order(self) -> np.ndarray:
        return np.lexsort((self.rows, -self.values))


def _scalar(value):  # noqa: ANN001, ANN202 - a NumPy scalar, or a str or None of an object array
    return value.item() if isinstance(value, np.generic) else value


def _largest(values: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The positions of the ``k`` largest values, a tie at the cut going to the earlier rows
    (``np.argpartition`` alone picks among equal values arbitrarily)."""
    cut = np.partition(values, len(values) - k)[len(values) - k]  # the k-th largest value
    above = np.flatnonzero(values > cut)
    at_cut = np.flatnonzero(values == cut)
    earliest = at_cut[np.argsort(rows[at_cut], kind="stable")[: k - len(above)]]
    return np.concatenate((above, earliest))
