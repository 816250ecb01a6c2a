"""Exact sums of calibration bins: a ``Bin``, a ``Table`` of them, and the sums of each
cell of rows (a bin of a problem, and of a replicate group for an interval), as exact integers
(multiples of ``2**-UNIT``, see ``summation``), so that a score is the same float whatever
the split of the rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lossctl.losses.replication import GROUPS
from lossctl.losses.state import accumulate
from lossctl.losses.summation import GroupedAccumulator, to_float

WEIGHT, OUTCOME = 0, 2  # a cell's sums: sum w, sum w c, sum w o, in this order
_AT_ONCE = 256  # cells summed by one grouped accumulator: its bins stay a few MiB
_DENSE_CELLS = 1 << 20  # cell numbers below this are told apart by counting, not sorting,
_DENSE_PER_ROW = 8  # where they are also below this many times the rows


@dataclass(frozen=True)
class Bin:
    """One bin of positive weight: its edges and its exact sums (multiples of ``2**-UNIT``):
    ``weight = sum w``, ``confidence = sum w c``, ``outcome = sum w o``."""

    low: float
    high: float
    weight: int
    confidence: int
    outcome: int


@dataclass(frozen=True)
class Table:
    """The bins of every problem (one for binary and top-label, one per class for classwise),
    and the total weight ``W``, the same for every problem: each sample is in each."""

    weight: int
    problems: list[list[Bin]]


def cell_sums(cell: np.ndarray, terms: list[tuple[np.ndarray | None, np.ndarray | None]]) -> dict[int, list[int]]:
    """For each distinct ``cell``, the exact sum of every term over the rows of that cell. A
    term ``(values, weights)`` sums ``weights * values``; values None sums the weights, and
    both None counts the rows."""
    present, inverse = _distinct(cell)
    out: dict[int, list[int]] = {}
    for first in range(0, len(present), _AT_ONCE):
        rows = slice(None) if len(present) <= _AT_ONCE else (inverse >= first) & (inverse < first + _AT_ONCE)
        group = inverse[rows] - first
        columns = []
        for values, weights in terms:
            total = GroupedAccumulator(min(_AT_ONCE, len(present) - first))
            w = None if weights is None else weights[rows]
            if values is not None:
                accumulate(total, values[rows], w, "y_pred", group)
            elif w is not None:
                accumulate(total, w, None, "sample_weight", group)
            else:
                total.add_counts(group)
            columns.append(total.totals)
        for i, key in enumerate(present[first : first + _AT_ONCE].tolist()):
            out[key] = [column[i] for column in columns]
    return out


def _distinct(cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(cell, return_inverse=True)`` of cell numbers (>= 0): where they are below
    ``_DENSE_CELLS`` and ``_DENSE_PER_ROW`` times as many as the rows (a bin of a problem,
    and of a replicate group, in a chunk), by counting each number rather than sorting them,
    0.1 against 1.2 ms for 64K cells of 15 bins. A count costs as many steps as the largest
    number, so a few rows of large numbers are sorted."""
    if not len(cell) or int(cell.max()) >= min(_DENSE_CELLS, _DENSE_PER_ROW * len(cell)):
        return np.unique(cell, return_inverse=True)
    met = np.bincount(cell) > 0
    return np.flatnonzero(met), (np.cumsum(met) - 1)[cell]


def add_into(cells: dict[int, list[int]], sums: dict[int, list[int]], first: int = 0) -> None:
    """Add ``sums`` to ``cells``, a cell's sums from the ``first``-th of its three on."""
    for key, values in sums.items():
        mine = cells.setdefault(key, [0, 0, 0])
        for i, value in enumerate(values, start=first):
            mine[i] += value


def dense(by_group: dict[int, list[int]], width: int) -> tuple[list[int], np.ndarray]:
    """From the sums of cell ``g width + c`` of each replicate group g: every cell's exact sums
    over the groups, ``3 width`` of them in cell order (zeros for the cells not met), and
    each group's, rounded: a row per group."""
    totals = [0] * (3 * width)
    groups = np.zeros((GROUPS, 3 * width))
    for key, sums in by_group.items():
        g, c = divmod(key, width)
        groups[g, 3 * c : 3 * c + 3] = [to_float(t) for t in sums]
        for i, t in enumerate(sums):
            totals[3 * c + i] += t
    return totals, groups
