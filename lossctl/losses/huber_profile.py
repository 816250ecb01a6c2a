"""Huber's loss at many deltas from one ordering of the residuals: the cost of a sweep.

A row with ``|r| <= delta`` has the loss ``0.5 r^2`` whatever the delta: a sweep of huber
over 50 deltas (``lossctl sweep -l huber --delta 0.01:100:log:50``) computes and sums the same
quadratic terms 50 times. A batch asked for huber at several deltas instead orders its rows
by ``|r|`` once, coarsely (a stable radix sort of a 16-bit key: the exponent and the five
leading fraction bits, which grow with ``|r|``), keeps the exact sums of the quadratic terms
before every block of rows in that order, and answers every delta with such a prefix: the
rows whose keys are below the delta's are inside it, those of the delta's own key are compared
one by one, and only the rows beyond are summed for that delta.

Every term is the float that ``huber`` computes for that row at that delta (``q (|r| - q/2)``
with ``q = min(|r|, delta)``: the quadratic branch at ``q = |r|`` is the same expression), and
the sums are exact (``summation``), so the total is the integer a direct sum of ``huber``'s
terms gives, bit for bit: the profile changes the cost, never the value.
"""

from __future__ import annotations

import struct
import threading
from itertools import accumulate

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.summation import exact_sum, segment_sums

DIRECT = 1
"""Deltas a batch sums row by row before it builds a profile: one loss at one delta (compute,
compare) never pays for a profile, which costs about three direct sums (a radix sort, the
quadratic terms and their sums by block) and repays them from the fourth delta on. A batch
after one that was asked for more builds it at once (a sweep asks every batch alike); which
batch builds one changes the cost only."""

_last = threading.local()  # how many deltas the last batch of this thread was asked for
BLOCK_ROWS = 2048  # rows (in the order of the keys) per exact sum of quadratic terms kept
_KEY_SHIFT = np.uint64(47)  # 64 - 1 sign bit - 11 exponent bits - 5 fraction bits


def huber_terms(a: np.ndarray, delta: float) -> np.ndarray:
    """``q (|r| - q/2)`` with ``q = min(|r|, delta)`` for ``a = |r|``: each branch of Huber's
    loss exactly (``0.5 r^2`` inside delta, ``delta (|r| - delta/2)`` beyond)."""
    q = np.minimum(a, delta)
    out = np.multiply(q, -0.5)
    out += a
    out *= q
    return out


def huber_sum(batch: Batch, *, delta: float) -> int | None:
    """``sum(w * huber(r, delta))`` over the batch, exact; None where the terms are best
    summed directly (the first ``DIRECT`` deltas of a batch, a term that overflows)."""
    return batch.cached(("huber_profile",), lambda: _Profile(batch.abs_residual(), batch.sample_weight)).total(delta)


def _key(a: np.ndarray) -> np.ndarray:
    """A 16-bit key that never decreases as ``a`` (non-negative) grows."""
    return (np.asarray(a, dtype=np.float64).view(np.uint64) >> _KEY_SHIFT).astype(np.uint16)


def _key_of(x: float) -> int:
    """``_key`` of one number."""
    return struct.unpack("<Q", struct.pack("<d", x))[0] >> int(_KEY_SHIFT)


class _Profile:
    """A batch's ``|r|`` in the order of their keys, each row's weight and quadratic term
    with it, and the exact sums of the quadratic terms before each block of rows."""

    def __init__(self, a: np.ndarray, w: np.ndarray | None) -> None:
        self.a, self.w = a, w  # in the batch's order until the profile is built
        self.asked = 0
        self.ready: bool | None = None  # built; False: no profile (direct sums)
        self.direct = DIRECT if getattr(_last, "asked", 0) <= DIRECT else 0
        _last.asked = 0

    def total(self, delta: float) -> int | None:
        self.asked += 1
        _last.asked = self.asked
        if self.asked <= self.direct:
            return None
        if self.ready is None:
            self.ready = self._build()
        return self._at(delta) if self.ready else None

    def _build(self) -> bool:
        """Order the rows, keep the sums by block; False if a quadratic term overflows."""
        key = _key(self.a)
        order = np.argsort(key, kind="stable")  # a radix sort for 16-bit keys
        self.keys = key[order]
        self.a = self.a[order]
        self.w = None if self.w is None else self.w[order]
        with np.errstate(over="ignore"):  # a quadratic term beyond float64: no profile
            self.q = huber_terms(self.a, np.inf)
        blocks = segment_sums(self.q, BLOCK_ROWS, self.w)
        if blocks is None:
            return False
        self.before = [0, *accumulate(blocks)]  # the quadratic terms before each block
        return True

    def _at(self, delta: float) -> int | None:
        """The exact sum at ``delta``: the kept sum of the blocks before delta's key, the
        quadratic terms of the rest of the rows below it and of the rows of its key inside
        it, and the linear terms of the others, in one exact sum; None if a linear term
        overflows (the direct sum names its row)."""
        key = np.uint16(_key_of(delta))  # of the keys' type: searchsorted casts them otherwise
        start, end = int(self.keys.searchsorted(key, "left")), int(self.keys.searchsorted(key, "right"))
        block = start // BLOCK_ROWS
        first = block * BLOCK_ROWS
        inside = self.a[start:end] <= delta
        parts = (self.q[first:start], self.q[start:end][inside], self.a[start:end][~inside], self.a[end:])
        values = np.concatenate(parts)
        beyond = values[len(parts[0]) + len(parts[1]) :]
        with np.errstate(over="ignore"):  # an overflow is the direct sum's to name
            beyond -= 0.5 * delta  # huber_terms at q = delta: (|r| - delta/2) delta, in place
            beyond *= delta
        weights = None
        if self.w is not None:
            w = self.w
            weights = np.concatenate((w[first:start], w[start:end][inside], w[start:end][~inside], w[end:]))
        part = exact_sum(values, weights)
        return None if part is None else self.before[block] + part
