"""Per-sample losses of a file: collected while the engine streams it, then summarized.

The summary says how the losses are distributed (histogram, quantiles) and which rows
dominate the mean: the share of the total carried by the worst 1% and 10% of the rows, and
the concentration curve (the share of the total carried by the worst x of the rows, for every
x). The values are the unweighted per-sample terms whose mean the loss is (for rmse, the
squared errors); they are held in memory, 8 bytes per row and loss (and 8 per row for the
rows). Totals are NumPy's pairwise sums, within a few ulps of the exact sum for these
non-negative terms (Higham 2002, section 4.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

WORST_FRACTIONS = (0.01, 0.10)
QUANTILES = (("min", 0.0), ("median", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))
# The concentration curve is kept at no more than this many points (enough for any figure).
CONCENTRATION_POINTS = 512


class SampleCollector:
    """A per-sample sink for the engine (``Request.per_sample``): keeps every chunk's
    0-based rows and values, by loss label."""

    def __init__(self) -> None:
        self._chunks: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._joined_rows: dict[tuple[int, ...], np.ndarray] = {}  # by the ids of the row chunks

    def __call__(self, rows: np.ndarray, values: dict[str, np.ndarray]) -> None:
        for label, chunk in values.items():
            self._chunks.setdefault(label, []).append((rows, chunk))

    def labels(self) -> list[str]:
        return list(self._chunks)

    def values(self, label: str) -> tuple[np.ndarray, np.ndarray]:
        """The 0-based rows and the per-sample values of ``label``, in file order (joined
        into one chunk at the first call, so that later calls copy nothing)."""
        chunks = self._chunks[label]
        if len(chunks) > 1:
            key = tuple(id(r) for r, _ in chunks)  # the losses of a chunk share its rows: joined once
            if key not in self._joined_rows:
                self._joined_rows[key] = np.concatenate([r for r, _ in chunks])
            chunks[:] = [(self._joined_rows[key], np.concatenate([v for _, v in chunks]))]
        return chunks[0]


@dataclass(frozen=True)
class Share:
    """The worst ``fraction`` of the rows (``rows`` of them) and the share of the total they
    carry (``None`` when the losses do not sum to a positive total)."""

    fraction: float
    rows: int
    share: float | None


@dataclass(frozen=True)
class SampleSummary:
    """The distribution of one loss's per-sample values over one input."""

    label: str
    n: int
    mean: float
    total: float
    quantiles: tuple[tuple[str, float], ...]
    edges: np.ndarray
    counts: np.ndarray
    shares: tuple[Share, ...]
    worst: tuple[tuple[int, float], ...]
    concentration: tuple[np.ndarray, np.ndarray]


def histogram(values: np.ndarray, bins: int, span: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Counts over ``bins`` equal bins from the smallest value to the largest, or over
    ``span`` (shared by several inputs; it must hold every value); one bin when the interval
    is a single value; the last bin includes its right edge."""
    low, high = span or (float(values.min()), float(values.max()))
    if low == high:
        return np.array([low, high]), np.array([len(values)])
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return edges, counts


def _worst(values: np.ndarray, rows: np.ndarray, descending: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The ``k`` largest values with their 1-based rows, largest first, ties by row (as
    ``compute --worst``): only the values at least the ``k``-th largest are ordered."""
    if k == 0:
        return []
    candidates = np.flatnonzero(values >= descending[min(k, len(values)) - 1])
    order = candidates[np.lexsort((rows[candidates], -values[candidates]))][:k]
    return [(int(rows[i]) + 1, float(values[i])) for i in order]


def _concentration(cumulative: np.ndarray, total: float) -> tuple[np.ndarray, np.ndarray]:
    """Fraction of the rows (worst first) against the share of the total they carry, from
    the running sums of the values worst first (0 first)."""
    n = len(cumulative) - 1
    picks = np.unique(np.linspace(0, n, min(n + 1, CONCENTRATION_POINTS)).round().astype(int))
    share = cumulative[picks] / total if total > 0 else np.full(len(picks), np.nan)
    return picks / n, share


def summarize(
    label: str,
    rows: np.ndarray,
    values: np.ndarray,
    *,
    bins: int = 20,
    worst: int = 10,
    span: tuple[float, float] | None = None,
) -> SampleSummary:
    """The summary of ``values`` (per-sample losses at 0-based ``rows``); ``worst`` gives
    how many of the largest to keep, with their 1-based rows; ``span``: the histogram's."""
    if not len(values):
        raise ValueError(f"{label}: no per-sample values to summarize")
    ascending = np.sort(values)
    descending = ascending[::-1]
    cumulative = np.concatenate(([0.0], np.cumsum(descending)))
    total = float(np.sum(values))
    shares = []
    for fraction in WORST_FRACTIONS:
        k = max(1, math.ceil(fraction * len(values)))
        shares.append(Share(fraction, k, float(cumulative[k]) / total if total > 0 else None))
    edges, counts = histogram(values, bins, span)
    names, levels = zip(*QUANTILES, strict=True)
    return SampleSummary(
        label=label,
        n=len(values),
        mean=total / len(values),
        total=total,
        quantiles=tuple(zip(names, np.quantile(ascending, levels).tolist(), strict=True)),
        edges=edges,
        counts=counts,
        shares=tuple(shares),
        worst=tuple(_worst(values, rows, descending, worst)),
        concentration=_concentration(cumulative, total),
    )


def summaries(results, collector: SampleCollector, *, bins: int, worst: int) -> list[SampleSummary]:
    """A summary of each ungrouped result whose per-sample values ``collector`` kept."""
    collected = set(collector.labels())
    return [
        summarize(r.label, *collector.values(r.label), bins=bins, worst=worst)
        for r in results
        if r.group is None and r.label in collected
    ]


def shared_spans(collectors: list[SampleCollector]) -> dict[str, tuple[float, float]]:
    """The smallest and largest per-sample value of each loss over every collector: one
    histogram range per loss, so that the inputs' histograms share their bins."""
    spans: dict[str, tuple[float, float]] = {}
    for collector in collectors:
        for label in collector.labels():
            _, values = collector.values(label)
            if len(values):
                low, high = float(values.min()), float(values.max())
                seen = spans.get(label, (low, high))
                spans[label] = (min(low, seen[0]), max(high, seen[1]))
    return spans
