"""Exact sums by superaccumulator bins, one per exponent (Neal 2015, "Fast exact summation
using small and large superaccumulators", arXiv:1505.05571): what `summation` uses for sums
by group, and for whatever its extraction levels and Dekker's products can't take.

``frexp`` splits each term into ``m`` and ``e``; ``m * 2**27`` splits into a 27-bit integer
part and a fraction in steps of 2**-28 or coarser; one scatter-add sums both parts per
exponent. Both parts' partial sums stay below ``2**53`` for blocks of at most ``2**24``
terms (``FLUSH``), so every bin is exact, whatever order NumPy adds in, and a row of bins
read into a Python int is an exact sum, an integer multiple of ``2**-UNIT``. A weighted term
``w * v`` is the exact product of the two fractions (Dekker's product: a rounded product and
its exact error) times ``2**(e_w + e_v)``, so that a product beyond 1.8e308 (or below the
smallest subnormal) is summed rather than lost.
"""

from __future__ import annotations

import threading

import numpy as np

from lossctl.losses.products import two_product

# Exponents of frexp run from -1073 (subnormals) to 1024; a product's from -2146 to 2048, and
# the rounding error of a product of two fractions is at least 2**-106: -2251 at the least.
_OFFSET = 2300
BINS = 2 * _OFFSET + 1
_SPLIT = 27  # m * 2**27 = a 27-bit integer part + a fraction in steps of at most 2**-28
_FRACTION_BITS = 28
UNIT = _OFFSET + _SPLIT + _FRACTION_BITS  # every sum is an integer multiple of 2**-UNIT
BLOCK = 1 << 15  # terms per scatter: work arrays that stay in cache
FLUSH = 1 << 24  # terms per set of bins: |integer parts| < 2**27 and |fractions| < 1 in steps
# of 2**-28, so 2**24 of either sum to less than 2**53, exactly
_LANES = 4
_LANE_BINS = np.arange(BLOCK) % _LANES * BINS + _OFFSET  # each term's bin of exponent 0, dealt in turn
_scratch = threading.local()  # each thread's bins for `binned_sum` and work arrays (`_work`)


def binned_sum(values: np.ndarray, weights: np.ndarray | None) -> int | None:
    """The exact sum of at most ``FLUSH`` terms: every bin's partial sums stay below 2**53.
    The bins are the thread's own, zeroed again where they were used, so that a batch pays
    for the bins its terms' exponents touch, not for all of them; and there are ``_LANES``
    sets of them, consecutive terms in different sets, so that terms of one exponent (a
    sorted batch has runs of them) do not each wait for the last one's addition."""
    sums = getattr(_scratch, "bins", None)
    if sums is None:
        sums = _scratch.bins = np.zeros(_LANES * BINS, dtype=np.complex128)
    span = [BINS, -1]
    finite = scatter(sums, values, weights, None, span)
    low, high = span
    window = sums.reshape(_LANES, BINS)[:, low : high + 1]
    # The lanes' bins add exactly: every term of a bin, whatever its lane, is one of the
    # FLUSH that keep the bin's sum below 2**53.
    total = read_bins(window.sum(axis=0), low)[0] if finite and low <= high else 0
    window[:] = 0
    return total if finite else None


def scatter(
    sums: np.ndarray,
    values: np.ndarray,
    weights: np.ndarray | None,
    offsets: np.ndarray | None,
    span: list[int] | None = None,
) -> bool:
    """Add the terms into ``sums``, a row of ``BINS`` bins per group: ``offsets`` are each
    term's group times ``BINS`` (None: ``_LANES`` rows, the terms dealt in turn, for
    `binned_sum`). The two parts of a term are the real and imaginary parts of one complex
    number, so that a single scatter (``np.add.at``) adds both into the bin of its exponent.
    ``span``, when given, widens to the first and last exponent bin used. False, with
    ``sums`` unusable, if a term is infinite or NaN."""
    mantissas, exponents, bins, parts = _work()
    for start in range(0, len(values), BLOCK):
        block = values[start : start + BLOCK]
        k = len(block)
        m, e, b, part = mantissas[:k], exponents[:k], bins[:k], parts[:k]
        np.frexp(block, out=(m, e))
        first = _LANE_BINS[:k] if offsets is None else offsets[start : start + BLOCK] + _OFFSET
        if weights is not None:
            m, e = _exact_products(m, e, weights[start : start + BLOCK])
            b, part = bins[: 2 * k], parts[: 2 * k]
            first = np.concatenate((first, first))
        # A term is infinite or NaN exactly where its fraction is (frexp keeps both), and the
        # fractions, below 1, cannot overflow their sum: one contiguous sum checks them all.
        if not np.isfinite(m.sum()):
            return False
        if span is not None and len(e):
            span[0], span[1] = min(span[0], int(e.min()) + _OFFSET), max(span[1], int(e.max()) + _OFFSET)
        np.add(e, first, out=b)
        m *= 2.0**_SPLIT
        np.trunc(m, out=part.real)
        np.subtract(m, part.real, out=part.imag)
        np.add.at(sums, b, part)
    return True


def _work() -> tuple[np.ndarray, ...]:
    """The thread's work arrays for a block: fractions, exponents, bins and parts (room for
    a weighted block's two terms a row). Made once: a fresh array of this size is mapped from
    the system and faulted in page by page at each use, which costs more than the scatter
    itself."""
    work = getattr(_scratch, "work", None)
    if work is None:
        work = _scratch.work = (
            np.empty(BLOCK),
            np.empty(BLOCK, dtype=np.intc),
            np.empty(2 * BLOCK, dtype=np.intp),
            np.empty(2 * BLOCK, dtype=np.complex128),
        )
    return work


def read_bins(sums: np.ndarray, first: int = 0) -> list[int]:
    """The exact sum of each row of bins of ``sums`` (one row, or a 2-D array of a row per
    group), whose first column is the bin of exponent ``first``."""
    rows = sums.reshape(-1, sums.shape[-1])
    width = rows.shape[1]
    totals = [0] * len(rows)
    used = np.flatnonzero(rows)
    flat = rows.reshape(-1) if rows.flags.c_contiguous else rows.ravel()
    wholes, fractions = flat.real[used].tolist(), (flat.imag[used] * 2.0**_FRACTION_BITS).tolist()
    for i, whole, fraction in zip(used.tolist(), wholes, fractions, strict=True):
        group, column = divmod(i, width)
        totals[group] += ((int(whole) << _FRACTION_BITS) + int(fraction)) << (first + column)
    return totals


def _exact_products(m: np.ndarray, e: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The products ``weights * (m * 2**e)`` as twice as many ``(fraction, exponent)`` pairs
    that sum to them exactly: the rounded product of the fractions and its rounding error, by
    Dekker's product with Veltkamp's split (Dekker 1971, "A floating-point technique for
    extending the available precision"). The fractions lie in [0.5, 1), so nothing under- or
    overflows; the exponents are added as integers."""
    wm, we = np.frexp(weights)
    product, error = two_product(m, wm)  # 0 * inf: a NaN that the caller reports
    error_m, error_e = np.frexp(error)
    e += we
    error_e += e
    return np.concatenate((product, error_m)), np.concatenate((e, error_e))
