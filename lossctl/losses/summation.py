"""Exact summation: the accumulator inside every loss state.

Every finite float64 is ``m * 2**e`` with ``m`` a 53-bit fraction, so every sum of float64
terms is an integer multiple of ``2**-UNIT``: the accumulator keeps that integer, exactly, as a
Python int. Adding is then associative and commutative, so a result cannot depend on how the
rows were split into chunks, row groups or partitions, on the order in which partial sums were
merged, or on the engine; and a mean is the quotient of two exact integers, which Python's
int division rounds correctly. The mean of ten million copies of a row is that row's value,
and every mean is the exactly rounded mean of its terms.

A batch is summed exactly in NumPy in one of two ways. Unweighted terms, block by block, by
two levels of extraction (Rump, Ogita and Oishi's ExtractVector, from AccSum, SIAM J. Sci.
Comput. 31, 2008; `_extract`): each level rounds every term to a multiple of one unit with two
additions, and those multiples sum exactly in any order; the two levels take the top 88 bits
below the block's largest term, which hold every bit of every term of a usual range. What
they leave (tiny terms beside large ones, terms near the ends of the float64 range) and sums
by group go to superaccumulator bins, one per exponent (`bins`). A weighted term ``w * v`` is
Dekker's product, a rounded product and its exact error, both summed by extraction
(`_products_sum`), unless a product or its error leaves the range of normal floats, where
the bins take the weighted terms themselves. The bins cost a fixed handful of passes and a
scatter whatever the range of the terms; extraction costs four passes a level and no
scatter, half the bins' cost where two levels hold the terms, but a level per 44 bits of
range (about fifty for terms from 1e-300 to 1e300), hence the bins for what two levels
leave. Both are exact, where ReproBLAS' binned sums (Demmel and Nguyen, ARITH
2013) keep a fixed number of bins below the largest term and so lose ``1`` in ``1e300 + 1 -
1e300``. A weighted mean is exactly rounded too: each ``w * v`` is summed exactly.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from lossctl.losses.bins import BINS, BLOCK, FLUSH, UNIT, binned_sum, read_bins, scatter
from lossctl.losses.products import two_product

_FEW = 32  # up to this many terms, a Python loop is faster than the bins
_RUN = 1 << 10  # terms per float sum of an extraction level
_HEADROOM = 9  # bits above a block's largest term: room for the sum of _RUN of them
_LEVEL_BITS = 44  # bits an extraction level takes off the rests: 53 - _HEADROOM
_LOWEST, _HIGHEST = -1022, 1023  # the exponents of a normal sigma: its units are 2**(k - 52)
_TINY_PRODUCT = 2.0**-968  # |w * v| above this: e_v + e_w >= -970, and the product's error is a float
_scratch = threading.local()  # each thread's work arrays for an extraction (`_work`)


def exact_sum(values: np.ndarray, weights: np.ndarray | None = None) -> int | None:
    """``sum(values)`` or ``sum(weights * values)`` as an exact multiple of ``2**-UNIT``, or
    ``None`` if a term is infinite or NaN (``0 * inf`` included)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float64).ravel()
    if len(values) <= _FEW:
        return _few(values, weights)
    if weights is None:
        sums = segment_sums(values, BLOCK)
        return None if sums is None else sum(sums)
    total, start = 0, 0
    while start < len(values):  # block by block; from a block Dekker's products can't take, the bins
        end = start + BLOCK
        exact = _products_sum(values[start:end], weights[start:end])
        if exact is None:  # the bins take up to FLUSH terms at once: reading them costs per call
            end = start + FLUSH
            exact = binned_sum(values[start:end], weights[start:end])
            if exact is None:
                return None
        total += exact
        start = end
    return total


def _products_sum(values: np.ndarray, weights: np.ndarray) -> int | None:
    """``sum(weights * values)`` over a block, each product taken as its rounded value and
    its rounding error (Dekker's product, `two_product`), the two summed by extraction:
    15-17 ns a term against the bins' 24. None where that could be inexact, for the bins to
    take the block: a product below ``_TINY_PRODUCT`` whose factors are not zero (Dekker's
    product is exact when ``e_v + e_w >= e_min + p - 1 = -970``), and a product, an error or
    a term beyond the float64 range (the split overflows past 1.3e300 and leaves a NaN)."""
    product, error = two_product(values, weights)
    tiny = np.abs(product) < _TINY_PRODUCT
    if tiny.any() and ((values[tiny] != 0) & (weights[tiny] != 0)).any():
        return None
    rounded, lost = segment_sums(product, BLOCK), segment_sums(error, BLOCK)
    if rounded is None or lost is None:
        return None
    return rounded[0] + lost[0]


def segment_sums(values: np.ndarray, size: int, weights: np.ndarray | None = None) -> list[int] | None:
    """The exact sums of ``values`` (or ``weights * values``) by consecutive segments of
    ``size`` terms, the last one shorter (``size`` a power of two up to ``2**15``); None if a
    term is infinite or NaN."""
    if size < 1 or BLOCK % size:
        raise ValueError(f"segments of {size} terms: a power of two up to {BLOCK} is needed")
    values = np.asarray(values, dtype=np.float64).ravel()
    if weights is not None:
        segments = GroupedAccumulator(-(-len(values) // size))
        return segments.totals if segments.add(values, weights, np.arange(len(values)) // size) else None
    totals = [0] * -(-len(values) // size)
    rest, level = _work()
    for start in range(0, len(values), BLOCK):
        block = values[start : start + BLOCK]
        if not _extract(block, size, totals, start // size, rest[: len(block)], level[: len(block)]):
            return None
    return totals


def _extract(
    block: np.ndarray, size: int, totals: list[int], first: int, r: np.ndarray, q: np.ndarray, again: bool = True
) -> bool:
    """Add a block's sums by segment to ``totals[first:]`` by extraction (Rump, Ogita and
    Oishi's ExtractVector): with ``sigma = 1.5 * 2**k``, ``q = (x + sigma) - sigma`` is ``x``
    rounded to a multiple of ``2**(k - 52)``, exactly, and ``x - q`` is the exact rest. ``k``
    is set ``_HEADROOM`` bits above the block's largest ``|x|``, so that runs of ``_RUN`` of
    the ``q`` sum exactly in any order (``|q| <= 2**43`` units, ``2**10`` of them: at most
    ``2**53`` units), and the runs' sums, as integers, exactly in int64; each level takes the
    next 44 bits. Two levels hold every bit of the terms within ``2**-35`` of the largest;
    the rests left (tiny terms beside large ones) are extracted ``again``, once, from their own
    largest, and what that leaves goes to the bins, as does a block beyond the range where
    ``sigma`` is a normal float. Four passes a level, against the bins' nine and a scatter:
    half the cost on terms of a usual range. False if a term is infinite or NaN."""
    top = max(float(block.max()), -float(block.min()))
    if not math.isfinite(top):
        return False
    if top == 0:
        return True
    exponent = math.frexp(top)[1] + _HEADROOM  # |x| < 2**(exponent - _HEADROOM)
    if not (_LOWEST <= exponent - _LEVEL_BITS and exponent <= _HIGHEST):
        _add_rests(totals, block, first, size, again=False)
        return True
    run = min(size, _RUN)
    runs, segments = np.arange(0, len(block), run), np.arange(0, -(-len(block) // run), size // run)
    for level in range(2):
        sigma = math.ldexp(1.5, exponent)
        np.add(block if level == 0 else r, sigma, out=q)
        q -= sigma
        if level == 0:
            np.subtract(block, q, out=r)
        # Each run's sum is a multiple of 2**(exponent - 52), at most 2**53 of them.
        units = np.ldexp(np.add.reduceat(q, runs), 52 - exponent).astype(np.int64)
        shift = UNIT + exponent - 52
        for i, whole in enumerate(np.add.reduceat(units, segments).tolist()):
            totals[first + i] += whole << shift
        exponent -= _LEVEL_BITS
    if (q != r).any():  # rests of the second level (one pass fewer than forming them first)
        np.subtract(r, q, out=r)
        _add_rests(totals, r, first, size, again)
    return True


def _add_rests(totals: list[int], values: np.ndarray, first: int, size: int, again: bool) -> None:
    """Add the finite ``values`` of a block, mostly zeros, to the totals of their segments:
    term by term where a segment has few that are not zero, else by extraction ``again``
    (their own), else by the bins."""
    kept = values != 0
    for segment in np.flatnonzero(np.logical_or.reduceat(kept, np.arange(0, len(values), size))).tolist():
        part = slice(segment * size, (segment + 1) * size)
        left = values[part][kept[part]]
        if len(left) <= _FEW:
            totals[first + segment] += _few(left, None)
        elif again:
            own = [0]
            _extract(left, BLOCK, own, 0, np.empty(len(left)), np.empty(len(left)), again=False)  # one segment
            totals[first + segment] += own[0]
        else:
            totals[first + segment] += binned_sum(left, None)


def _work() -> tuple[np.ndarray, np.ndarray]:
    """The thread's work arrays for an extraction: rests and parts, a block of each, made
    once (a fresh array would be faulted in page by page at each use)."""
    work = getattr(_scratch, "work", None)
    if work is None:
        work = _scratch.work = (np.empty(BLOCK), np.empty(BLOCK))
    return work


def _few(values: np.ndarray, weights: np.ndarray | None) -> int | None:
    """`exact_sum` term by term, in Python: faster than the bins for a handful of terms."""
    pairs = zip(values.tolist(), [1.0] * len(values) if weights is None else weights.tolist(), strict=True)
    total = 0
    try:
        for v, w in pairs:
            (a, b), (c, d) = v.as_integer_ratio(), w.as_integer_ratio()
            total += (a * c) << (UNIT - (b * d).bit_length() + 1)
    except (OverflowError, ValueError):  # inf or NaN
        return None
    return total


class Accumulator:
    """An exact, mergeable sum of float64 terms: ``add`` a batch, ``merge`` another, read
    ``value``."""

    __slots__ = ("total",)

    def __init__(self) -> None:
        self.total = 0

    def add(self, values: np.ndarray, weights: np.ndarray | None = None) -> bool:
        """Add ``sum(values)``, or ``sum(weights * values)``. Returns False, adding nothing,
        if a term is infinite or NaN."""
        total = exact_sum(values, weights)
        if total is None:
            return False
        self.total += total
        return True

    def add_exact(self, total: int) -> None:
        """Add an exact sum (an integer multiple of ``2**-UNIT``) found elsewhere."""
        self.total += total

    def add_scalar(self, x: float) -> None:
        """Add one finite number."""
        numerator, denominator = float(x).as_integer_ratio()
        self.total += numerator << (UNIT - denominator.bit_length() + 1)

    def merge(self, other: Accumulator) -> None:
        """Fold ``other`` into this accumulator (exact: associative and commutative)."""
        self.total += other.total

    @property
    def value(self) -> float:
        """The sum, correctly rounded; ``inf`` if it is beyond the float64 range."""
        return to_float(self.total)


class GroupedAccumulator:
    """Exact, mergeable sums of float64 terms, one per group: ``add`` terms with the group of
    each, read ``totals``. The bins of a batch stay in floating point until ``FLUSH`` terms
    have been added (they are exact until then), so a batch costs one scatter, as an
    ``Accumulator``'s does, and the bins are read into integers once per ``FLUSH`` terms."""

    __slots__ = ("groups", "bins", "pending", "exact", "span")

    def __init__(self, groups: int) -> None:
        self.groups = groups
        self.bins: np.ndarray | None = None  # zeroed lazily by the system: untouched bins cost nothing
        self.pending = 0
        self.exact = [0] * groups
        self.span = [BINS, -1]  # the exponent bins used: only they are read

    def add(self, values: np.ndarray, weights: np.ndarray | None, group: np.ndarray) -> bool:
        """Add each ``values[i]`` (or ``weights[i] * values[i]``) to group ``group[i]``.
        Returns False if a term is infinite or NaN: the sums are then unusable (the state
        that owns them reports the error and is not read)."""
        values = np.asarray(values, dtype=np.float64).ravel()
        for start in range(0, len(values), FLUSH):
            part = slice(start, start + FLUSH)
            if self.pending + len(values[part]) > FLUSH:
                self._flush()
            if self.bins is None:
                self.bins = np.zeros(self.groups * BINS, dtype=np.complex128)
            weight = None if weights is None else np.asarray(weights, dtype=np.float64).ravel()[part]
            if not scatter(self.bins, values[part], weight, group[part] * BINS, self.span):
                return False
            self.pending += len(values[part])
        return True

    def add_counts(self, group: np.ndarray) -> None:
        """Add 1 to group ``group[i]`` for every i: the unweighted denominators."""
        counts = np.bincount(group, minlength=self.groups)
        for g in np.flatnonzero(counts).tolist():
            self.exact[g] += int(counts[g]) << UNIT

    def _flush(self) -> None:
        if self.bins is not None:
            low, high = self.span
            if low <= high:
                window = self.bins.reshape(self.groups, BINS)[:, low : high + 1]
                self.exact = [a + b for a, b in zip(self.exact, read_bins(window, low), strict=True)]
            self.bins, self.pending, self.span = None, 0, [BINS, -1]

    def merge(self, other: GroupedAccumulator) -> None:
        """Fold ``other`` into this one (exact: associative and commutative)."""
        self.exact = [a + b for a, b in zip(self.totals, other.totals, strict=True)]
        self.bins, self.pending = None, 0

    @property
    def totals(self) -> list[int]:
        """Each group's exact sum, as an integer multiple of ``2**-UNIT``."""
        self._flush()
        return self.exact

    @property
    def total(self) -> int:
        """The exact sum of every group."""
        return sum(self.totals)

    @property
    def value(self) -> float:
        """The sum of every group, correctly rounded."""
        return to_float(self.total)


def to_float(total: int) -> float:
    """An exact sum (an integer multiple of ``2**-UNIT``) correctly rounded to a float."""
    return _divide(total, 1 << UNIT)


def ratio(numerator: Accumulator, denominator: Accumulator) -> float:
    """``numerator / denominator``, correctly rounded (``inf`` beyond the float64 range,
    NaN for a zero denominator)."""
    if denominator.total == 0:
        return math.nan
    return _divide(numerator.total, denominator.total)


def _divide(a: int, b: int) -> float:
    try:
        return a / b
    except OverflowError:
        return math.inf if (a > 0) == (b > 0) else -math.inf
