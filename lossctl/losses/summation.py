"""Compensated, overflow-safe summation: the accumulator inside every loss state.

Each batch is summed with NumPy's pairwise summation; batch sums are folded together with
Neumaier's compensated addition (Neumaier 1974, "Rundungsfehleranalyse einiger Verfahren zur
Summation endlicher Summen"), so that a result does not depend on how the data was split into
batches or partitions. The running sum is kept as ``(hi + lo) * 2**exp``: when a sum of finite
terms would overflow float64, the terms are scaled by a power of two (exact) instead, and the
scale is undone only when the final value is taken.
"""

from __future__ import annotations

import math

import numpy as np


def plain_sum(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """``sum(values)`` or ``sum(weights * values)`` in one pass, possibly inf or NaN. The
    weighted sum is NumPy's own loop, not BLAS: a multithreaded BLAS dot is no faster on two
    cores and far slower when the machine is busy."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sum(values) if weights is None else np.einsum("i,i->", weights, values))


def _two_sum(a: float, b: float) -> tuple[float, float]:
    """Neumaier's error-free sum: s + err == a + b exactly (barring overflow)."""
    s = a + b
    if abs(a) >= abs(b):
        err = (a - s) + b
    else:
        err = (b - s) + a
    return s, err


class Accumulator:
    """A mergeable float64 sum of arrays: ``add`` a batch, ``merge`` another, read ``value``."""

    __slots__ = ("hi", "lo", "exp")

    def __init__(self) -> None:
        self.hi = 0.0
        self.lo = 0.0
        self.exp = 0

    def add(self, values: np.ndarray, weights: np.ndarray | None = None, *, total: float | None = None) -> None:
        """Add ``sum(values)``, or ``sum(weights * values)``; the inputs must be finite.
        ``total`` is that sum by `plain_sum`, when the caller has it already."""
        if total is None:
            total = plain_sum(values, weights)
        if math.isfinite(total):
            self._add_scaled(total, 0)
            return
        # The terms are finite but a product or the sum overflowed. Each term w*v is taken
        # apart as (mantissa of w * mantissa of v) * 2**(its exponents), and every term is
        # scaled relative to the largest one: only terms 2**-1074 below it (negligible in the
        # sum) can underflow, whatever the magnitudes of the values and weights apart.
        mantissas, exponents = np.frexp(np.asarray(values, dtype=np.float64))
        if weights is not None:
            weight_mantissas, weight_exponents = np.frexp(np.asarray(weights, dtype=np.float64))
            mantissas, exponents = mantissas * weight_mantissas, exponents + weight_exponents
        top = int(exponents.max())
        total = float(np.sum(np.ldexp(mantissas, exponents - top)))
        self._add_scaled(total, top)

    def add_scalar(self, x: float) -> None:
        """Add one finite number."""
        self._add_scaled(float(x), 0)

    def _add_scaled(self, x: float, exp: int) -> None:
        if exp > self.exp:
            self.hi = math.ldexp(self.hi, self.exp - exp)
            self.lo = math.ldexp(self.lo, self.exp - exp)
            self.exp = exp
        elif exp < self.exp:
            x = math.ldexp(x, exp - self.exp)
        if math.isinf(self.hi + x):
            # Two finite parts whose sum overflows: scale everything by 2**-2 (exact).
            self.hi, self.lo, x = math.ldexp(self.hi, -2), math.ldexp(self.lo, -2), math.ldexp(x, -2)
            self.exp += 2
        self.hi, err = _two_sum(self.hi, x)
        self.lo += err

    def merge(self, other: Accumulator) -> None:
        """Fold ``other`` into this accumulator (associative and commutative up to rounding)."""
        self._add_scaled(other.hi, other.exp)
        self._add_scaled(other.lo, other.exp)

    def scaled(self) -> tuple[float, int]:
        """``(m, e)`` with the sum equal to ``m * 2**e``; never overflows."""
        return self.hi + self.lo, self.exp

    @property
    def value(self) -> float:
        """The sum as a float; ``inf`` if it is not representable."""
        m, e = self.scaled()
        try:
            return math.ldexp(m, e)
        except OverflowError:
            return math.copysign(math.inf, m)


def ratio(numerator: Accumulator, denominator: Accumulator) -> float:
    """``numerator / denominator`` computed on the scaled parts, so that it overflows only if
    the ratio itself is not representable (then ``inf``)."""
    m1, e1 = numerator.scaled()
    m2, e2 = denominator.scaled()
    if m2 == 0.0:
        return math.nan
    # Normalize both mantissas to [0.5, 1) first, so that their quotient can neither
    # underflow nor overflow before the exponents are put back.
    f1, a = math.frexp(m1)
    f2, b = math.frexp(m2)
    try:
        return math.ldexp(f1 / f2, e1 - e2 + a - b)
    except OverflowError:
        return math.copysign(math.inf, f1 / f2)
