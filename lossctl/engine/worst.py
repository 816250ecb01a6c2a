"""The K samples with the largest per-sample loss, kept while streaming."""

from __future__ import annotations

import numpy as np


class WorstK:
    """Top-``k`` (value, row) pairs over all batches; ties keep the earlier row."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.values = np.empty(0)
        self.rows = np.empty(0, dtype=np.int64)

    def update(self, values: np.ndarray, rows: np.ndarray) -> None:
        merged_values = np.concatenate((self.values, values))
        merged_rows = np.concatenate((self.rows, rows))
        if len(merged_values) > self.k:
            keep = _largest(merged_values, merged_rows, self.k)
            merged_values, merged_rows = merged_values[keep], merged_rows[keep]
        self.values, self.rows = merged_values, merged_rows

    def merge(self, other: WorstK) -> WorstK:
        self.update(other.values, other.rows)
        return self

    def items(self) -> list[tuple[int, float]]:
        """(row, value) pairs, largest loss first, then by row."""
        order = np.lexsort((self.rows, -self.values))
        return [(int(self.rows[i]), float(self.values[i])) for i in order]


def _largest(values: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The positions of the ``k`` largest values, a tie at the cut going to the earlier rows
    (``np.argpartition`` alone picks among equal values arbitrarily)."""
    cut = np.partition(values, len(values) - k)[len(values) - k]  # the k-th largest value
    above = np.flatnonzero(values > cut)
    at_cut = np.flatnonzero(values == cut)
    earliest = at_cut[np.argsort(rows[at_cut], kind="stable")[: k - len(above)]]
    return np.concatenate((above, earliest))
