"""Ranking lists given as an item per row, grouped by a query id, streamed: the rows of a
query are contiguous (the layout of learning-to-rank files, LETOR and MSLR), so each list is
complete when the next query starts.

A state keeps its first list and its last one whole (the rows of a part of the file: the first
may continue the previous part's last query, the last may go on in the next part), and of the
lists between them only the exact sum of their losses, their number and their query ids.
Merging a state with the next part's joins the two lists at the seam when they share a query.
Each list's loss is computed from the whole list (``query_lists_sum``) and the lists' losses
summed exactly (``Accumulator``), so the value is the same float however the file is cut.
A query id that comes back after another query started is an error: its earlier list is gone.
Ids may be numbers or text.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lossctl.losses.errors import InputDomainError, LossError
from lossctl.losses.summation import Accumulator

SORT_HINT = "the rows of a query must be contiguous: sort the file by query"
ListsSum = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], tuple[Accumulator, int]]


class OpenList:
    """The rows of one query seen so far: (relevance, score, weight) arrays in file order."""

    def __init__(self, query, parts: list[tuple[np.ndarray, ...]]) -> None:
        self.query = query
        self.parts = parts

    def columns(self) -> tuple[np.ndarray, ...]:
        """(query, relevance, score, weight) of the list's rows, the query as one code, 0."""
        relevance, scores, weights = (np.concatenate(c) for c in zip(*self.parts, strict=True))
        return np.zeros(len(relevance)), relevance, scores, weights


class QueryLists:
    """The streamed lists of a query column: the first and last held, the ones between summed."""

    def __init__(self, lists_sum: ListsSum) -> None:
        self.lists_sum = lists_sum
        self.open: list[OpenList] = []  # at most two: the first list, and the last
        self.closed = Accumulator()
        self.closed_ids: set = set()
        self.n_closed = 0
        self.rows = 0
        self.broken = ""  # a query found again at a merge: the result's error (a merge cannot fail)

    def update(self, query: np.ndarray, relevance: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> None:
        """Add a batch's rows; ``InputDomainError`` naming the row of a query seen before."""
        self.rows += len(query)
        if not len(query):
            return
        starts = np.flatnonzero(np.r_[True, query[1:] != query[:-1]])
        ends = np.r_[starts[1:], len(query)]
        ids = query[starts]
        seen, going_on = self._ids(), self.open[-1].query if self.open else None
        for k, start in enumerate(starts.tolist()):  # every list's query new (the first may go on)
            if ids[k] in seen and not (k == 0 and ids[k] == going_on):
                raise InputDomainError(_came_back(ids[k]), role="query", index=start)
            seen.add(ids[k])

        def rows(part: slice) -> list[tuple[np.ndarray, ...]]:
            return [(relevance[part], scores[part], weights[part])]

        last = len(starts) - 1
        self._append(OpenList(ids[0], rows(slice(0, ends[0]))))
        if last > 1:  # the lists between the batch's first and last, closed in one call
            between = slice(ends[0], starts[last])
            codes = np.repeat(np.arange(last - 1), ends[1:last] - starts[1:last])
            value, count = self.lists_sum(codes, relevance[between], scores[between], weights[between])
            self.closed.merge(value)
            self.closed_ids.update(ids[1:last])
            self.n_closed += count
        if last > 0:
            self._append(OpenList(ids[last], rows(slice(starts[last], len(query)))))

    def merge(self, later: QueryLists) -> None:
        """Add the state of the rows that follow this one's (a query in both, but not at the
        seam, breaks the state: its result is then that error)."""
        self.rows += later.rows
        self.broken = self.broken or later.broken
        if later.closed_ids & self._ids():
            self.broken = self.broken or _came_back(min(later.closed_ids & self._ids(), key=str))
        if self.broken:
            return
        for k, item in enumerate(later.open):
            if k == 1:  # the lists between the later state's first and last
                self.closed.merge(later.closed)
                self.closed_ids |= later.closed_ids
                self.n_closed += later.n_closed
            if not self._append(OpenList(item.query, list(item.parts))):
                self.broken = _came_back(item.query)
                return

    def total(self) -> tuple[Accumulator, int]:
        """The exact sum of every list's loss, and the number of lists."""
        if self.broken:
            raise LossError(self.broken)
        total = Accumulator()
        total.merge(self.closed)
        for item in self.open:
            value, _ = self.lists_sum(*item.columns())
            total.merge(value)
        return total, self.n_closed + len(self.open)

    def _ids(self) -> set:
        return self.closed_ids | {item.query for item in self.open}

    def _append(self, item: OpenList) -> bool:
        """Extend the last list or start a new one; False for a query seen before."""
        if self.open and self.open[-1].query == item.query:
            self.open[-1].parts += item.parts
            return True
        if item.query in self.closed_ids or any(o.query == item.query for o in self.open):
            return False
        self.open.append(item)
        self._close_middle()
        return True

    def _close_middle(self) -> None:
        """Sum the list between the first and the last."""
        if len(self.open) > 2:
            item = self.open.pop(1)
            value, _ = self.lists_sum(*item.columns())
            self.closed.merge(value)
            self.closed_ids.add(item.query)
            self.n_closed += 1


def _came_back(query) -> str:
    shown = query.item() if isinstance(query, np.generic) else query
    return f"query id {shown!r} came back after other queries: {SORT_HINT}"
