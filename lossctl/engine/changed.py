"""The rows whose per-sample loss changed most between two models, kept while streaming.

A row's change is ``l_B(row) - l_A(row)``, the per-sample loss of model B minus model A's on
the same row (the terms whose mean is the loss, so the rows and the loss's change can never
disagree). The ``k`` rows of the largest ``|change|`` are kept by ``WorstK`` (ties keep the
earlier row), each with what a reader needs to see it: its key, its label and both
predictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lossctl.engine.worst import WorstK


@dataclass(frozen=True)
class ChangedRow:
    """One row of both models: ``change = loss_b - loss_a``. ``label`` and the predictions are
    a number, or a list for a row of a matrix (class probabilities, quantiles)."""

    row: int  # 0-based position in A's file (shown 1-based)
    key: Any
    label: Any
    prediction_a: Any
    prediction_b: Any
    loss_a: float
    loss_b: float

    @property
    def change(self) -> float:
        return self.loss_b - self.loss_a


class TopChanged:
    """The ``k`` rows of the largest ``|l_B - l_A|`` over every chunk folded so far; the
    chunks are folded in row order."""

    def __init__(self, k: int) -> None:
        self.largest = WorstK(k)
        self.kept: dict[int, ChangedRow] = {}

    def update(
        self,
        rows: np.ndarray,
        loss_a: np.ndarray,
        loss_b: np.ndarray,
        shown: dict[str, np.ndarray | None],
    ) -> None:
        """Fold a chunk: the 0-based ``rows`` of both models' per-sample losses, and by row
        the ``key``, ``label``, ``prediction_a`` and ``prediction_b`` to show (None: none)."""
        if not self.largest.k or not len(rows):
            return
        size = np.abs(loss_b - loss_a)
        kept = self.largest.values
        # Once k rows are kept, a row enters only above the smallest of them: the chunks come in
        # row order, so a tie with it goes to the earlier row, already kept.
        floor = kept.min() if len(kept) == self.largest.k else -np.inf
        ranked = np.flatnonzero(size > floor)  # a NaN change (--nan propagate) ranks nowhere
        if not len(ranked):
            return
        self.largest.update(size[ranked], rows[ranked])
        chosen = set(self.largest.rows.tolist())
        self.kept = {row: record for row, record in self.kept.items() if row in chosen}
        for i in ranked[np.isin(rows[ranked], self.largest.rows)]:  # at most k rows of this chunk
            values = {name: None if array is None else _plain(array[i]) for name, array in shown.items()}
            self.kept[int(rows[i])] = ChangedRow(
                int(rows[i]), loss_a=float(loss_a[i]), loss_b=float(loss_b[i]), **values
            )

    def items(self) -> list[ChangedRow]:
        """The rows, the largest change first, then by row."""
        return [self.kept[row] for row, _ in self.largest.items()]


def _plain(value: Any) -> Any:
    """A NumPy scalar or row as a Python number, text or list."""
    return value.tolist() if hasattr(value, "tolist") else value
