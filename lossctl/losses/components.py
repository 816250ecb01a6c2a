"""A mean that also reports its components: the pinball loss at each quantile level of
``quantile-set`` beside their mean.

The terms are a matrix, a column per component. The result is the mean of the rows' means
(``MeanState``, with its intervals); each component is the weighted mean of its column, each
kept in its own exact sum, so a component is the same float whatever the split, and equals
the loss computed on that column alone (``quantile:quantile=0.1 --y-pred q_0.1``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.state import MeanState, accumulate
from lossctl.losses.summation import Accumulator, GroupedAccumulator, ratio

Matrix = Callable[[Batch], tuple[tuple[str, ...], np.ndarray]]
"""A batch's terms, a column per component, and the components' names."""


class ComponentMeans(MeanState):
    """``sum(w * mean_k t_k) / sum(w)`` and, for each component k, ``sum(w * t_k) / sum(w)``."""

    def __init__(self, matrix: Matrix) -> None:
        super().__init__(partial(_row_means, matrix))
        self.matrix = matrix
        self.names: tuple[str, ...] = ()
        self.columns: list[Accumulator] = []

    def update(self, batch: Batch) -> None:
        with np.errstate(over="ignore", invalid="ignore"):
            names, terms = self.matrix(batch)
        if not self.columns:
            self.names, self.columns = names, [Accumulator() for _ in names]
        for k, total in enumerate(self.columns):
            accumulate(total, terms[:, k], batch.sample_weight, "y_pred")
        group = batch.replicates if isinstance(self.numerator, GroupedAccumulator) else None
        self.add(terms.mean(axis=1), batch.sample_weight, None, group)

    def merge(self, other: ComponentMeans) -> ComponentMeans:
        if not self.columns:
            self.names, self.columns = other.names, [Accumulator() for _ in other.names]
        for mine, theirs in zip(self.columns, other.columns, strict=False):
            mine.merge(theirs)
        super().merge(other)
        return self

    def components(self) -> list[dict[str, float]]:
        """Each level's mean, in column order: ``{"level": 0.1, "value": ...}``."""
        return [
            {"level": float(name), "value": ratio(total, self.weight)}
            for name, total in zip(self.names, self.columns, strict=True)
        ]


def _row_means(matrix: Matrix, batch: Batch) -> np.ndarray:
    """Each row's mean over the components (a named function: states travel by pickle)."""
    return matrix(batch)[1].mean(axis=1)
