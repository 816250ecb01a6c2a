"""Equal-mass calibration bins: edges at the weighted quantiles of the confidences, known only
once every sample has been seen.

The confidences (and those of the samples whose outcome is 1) are kept in sorted runs
(``runs``: bounded memory, spilled to disk past a million); the edges are one pass over
them, the bin sums a second. For an interval (``track``) the runs are kept by replicate
group, one buffer's worth in all: the edges are those of every row, and the second pass sums
each group's bins, so the jackknife and the bootstrap are conditional on the edges found on
the whole sample (a resample's own edges would move each by O(1/sqrt(n)); the bins' sums,
not the edges, carry the sampling error they measure).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from lossctl.losses import runs
from lossctl.losses.bin_sums import OUTCOME, WEIGHT, Bin, Table, add_into, cell_sums, dense
from lossctl.losses.errors import LossError
from lossctl.losses.replication import GROUPS
from lossctl.losses.runs import Runs, aligned_ranges, inverted_cdf

SHARED_FLOOR = 1 << 15  # values buffered per sample at the least, however many classes
GROUPED_FLOOR = 1 << 10  # the same, per replicate group, for an interval

Parts = list[tuple[Runs, Runs]]  # (every sample, the hits): one part, or one per replicate group


class EqualMass:
    """Every confidence of each problem in sorted runs, with its weight, and apart those whose
    outcome is 1: the bins are made when every sample has been seen."""

    def __init__(self, bins: int) -> None:
        self.bins = bins
        self.grouped = False  # with track: the runs of each problem by replicate group
        self.samples: list[Parts] = []  # per problem

    def add(
        self, confidence: np.ndarray, outcome: np.ndarray, weights: np.ndarray | None, group: np.ndarray | None = None
    ) -> None:
        if not self.samples:
            self.samples = self._samples(confidence.shape[1])
        if not self.grouped:
            rows_of = [np.arange(len(confidence))]
        else:
            order = np.argsort(group, kind="stable")
            cuts = np.searchsorted(group[order], np.arange(GROUPS + 1))
            rows_of = [order[cuts[g] : cuts[g + 1]] for g in range(GROUPS)]
        for j, parts in enumerate(self.samples):
            for (every, hits), rows in zip(parts, rows_of, strict=True):
                if self.grouped and not len(rows):
                    continue
                hit = rows[outcome[rows, j] == 1.0]
                try:
                    every.add(confidence[rows, j], None if weights is None else weights[rows])
                    hits.add(confidence[hit, j], None if weights is None else weights[hit])
                except ValueError as exc:  # weights for some batches only
                    raise LossError(str(exc)) from None

    def merge(self, other: EqualMass) -> None:
        if not other.samples:
            return
        if not self.samples:
            self.samples = self._samples(len(other.samples))
        for parts, theirs in zip(self.samples, other.samples, strict=True):
            for (every, hits), (their_every, their_hits) in zip(parts, theirs, strict=True):
                try:
                    every.merge(their_every)
                    hits.merge(their_hits)
                except ValueError as exc:
                    raise LossError(str(exc)) from None

    def table(self, weight: int, problems: int) -> Table:
        return Table(weight, [self._bins(*_together(parts), weight) for parts in self.samples])

    def _bins(self, every: Runs, hits: Runs, weight: int) -> list[Bin]:
        """A problem's bins: ``quantile_edges``, then a second pass that sums each bin, a
        confidence equal to an edge in the bin below it (``searchsorted``, side left)."""
        inner = np.array(quantile_edges(every, self.bins, weight))
        cells: dict[int, list[int]] = {}
        lowest, highest = math.inf, -math.inf
        for (values, weights), (hit_values, hit_weights) in aligned_ranges(every, hits):
            if len(values):
                lowest, highest = min(lowest, values[0]), max(highest, values[-1])
                add_into(cells, cell_sums(np.searchsorted(inner, values), [(None, weights), (values, weights)]))
            if len(hit_values):
                add_into(cells, cell_sums(np.searchsorted(inner, hit_values), [(None, hit_weights)]), OUTCOME)
        edges = [float(lowest), *inner.tolist(), float(highest)]
        return [Bin(edges[k], edges[k + 1], *cells[k]) for k in sorted(cells) if cells[k][WEIGHT] > 0]

    def dense(self, weight: int, problems: int) -> tuple[list[int], np.ndarray]:
        """Every cell's exact sums and each replicate group's (``bin_sums.dense``), cell
        ``j B + k`` bin k of problem j, between the edges of every row."""
        width = problems * self.bins
        by_group: dict[int, list[int]] = {}
        for j, parts in enumerate(self.samples):
            inner = np.array(quantile_edges(_together(parts)[0], self.bins, weight))
            for ranges in aligned_ranges(*(every for every, _ in parts), *(hits for _, hits in parts)):
                for g, (values, weights) in enumerate(ranges):
                    if len(values):
                        cell = g % GROUPS * width + j * self.bins + np.searchsorted(inner, values)
                        terms = [(None, weights)] if g >= GROUPS else [(None, weights), (values, weights)]
                        add_into(by_group, cell_sums(cell, terms), OUTCOME if g >= GROUPS else 0)
        return dense(by_group, width)

    def _samples(self, problems: int) -> list[Parts]:
        """Two sorted samples per problem (and replicate group), sharing one buffer's worth of
        memory between them (down to a floor each): classwise bins of a hundred classes hold no
        more than one sample's buffer would, in more (and smaller) run files."""
        count = GROUPS if self.grouped else 1
        floor = GROUPED_FLOOR if self.grouped else SHARED_FLOOR
        share = max(runs.BUFFER_VALUES // (2 * problems * count), floor)
        return [[(Runs(share), Runs(share)) for _ in range(count)] for _ in range(problems)]


def _together(parts: Parts) -> tuple[Runs, Runs]:
    """Every sample and the hits of all the parts, as two samples (the parts' runs shared)."""
    if len(parts) == 1:
        return parts[0]
    every, hits = Runs(), Runs()
    for their_every, their_hits in parts:
        every.merge(their_every)
        hits.merge(their_hits)
    return every, hits


def quantile_edges(runs: Runs, bins: int, weight: int) -> list[float]:
    """The inner edges ``e_k``, k = 1 .. B-1: the smallest confidence whose cumulative weight,
    in ascending order, reaches ``k W / B`` (``runs.inverted_cdf``)."""
    return inverted_cdf(runs, [Fraction(k * weight, bins) for k in range(1, bins)])
