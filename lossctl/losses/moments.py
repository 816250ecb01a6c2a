"""The row moments of a (weighted) mean, for the variance of the delta method.

For ``R = sum a / sum b`` with numerator terms ``a = w l`` and denominator terms ``b = w d``,
the linearized variance is ``n/(n-1) sum (a_i - R b_i)^2 / (sum b)^2`` (Cochran 1977,
Sampling Techniques, 6.3); expanded, it needs ``sum a^2``, ``sum a b`` and ``sum b^2``
besides the two sums of the mean; for a plain mean (``w = d = 1``) they are ``sum l^2``,
``sum l`` and n, and the variance is the textbook ``s^2 / n``. Each product is rounded once
(a relative error of 2**-53, nothing for an interval) and summed exactly, so the variance,
computed in rational arithmetic and rounded once, is the same float however the rows were
split.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from lossctl.losses.errors import InputDomainError
from lossctl.losses.summation import UNIT, Accumulator

PLAIN, WEIGHTED, MIXED = "plain", "weighted", "mixed"


class Moments:
    """``sum a^2``, and ``sum a b`` and ``sum b^2`` unless every row is plain (``w = d = 1``:
    they are then the mean's numerator and n)."""

    __slots__ = ("squares", "products", "weights", "kind")

    def __init__(self) -> None:
        self.squares, self.products, self.weights = Accumulator(), Accumulator(), Accumulator()
        self.kind: str | None = None  # PLAIN or WEIGHTED rows, or MIXED; None before any row

    def add(self, values: np.ndarray, w: np.ndarray | None, denominators: np.ndarray | None) -> None:
        plain = w is None and denominators is None
        self._see(PLAIN if plain else WEIGHTED)
        a = values if w is None else values * w
        _add(self.squares, a * a, None)
        if plain:
            return
        if denominators is None:
            b = w
        else:
            b = denominators if w is None else denominators * w
        _add(self.products, a * b, None)
        _add(self.weights, b * b, None)

    def merge(self, other: Moments) -> None:
        self.squares.merge(other.squares)
        self.products.merge(other.products)
        self.weights.merge(other.weights)
        if other.kind is not None:
            self._see(other.kind)

    def _see(self, kind: str) -> None:
        self.kind = kind if self.kind in (None, kind) else MIXED

    def variance(self, numerator: int, denominator: int, n: int) -> float | None:
        """The variance of ``R = numerator / denominator`` (exact sums, as integer multiples
        of ``2**-UNIT``) over ``n`` rows; None with fewer than two rows or no weight."""
        if n < 2 or denominator == 0 or self.kind == MIXED:
            return None
        squares, products, weights = self.squares.total, self.products.total, self.weights.total
        if self.kind == PLAIN:
            products, weights = numerator, n << UNIT
        spread = squares * denominator * denominator - 2 * numerator * denominator * products
        spread += numerator * numerator * weights
        # spread = sum (a_i D - N b_i)^2 >= 0, but the products summed are rounded ones, so a
        # spread within rounding of 0 (every term alike) may come out < 0.
        return float(Fraction(max(spread, 0) * n << UNIT, denominator**4 * (n - 1)))


def _add(total: Accumulator, values: np.ndarray, weights: np.ndarray | None) -> None:
    if not total.add(values, weights):
        raise InputDomainError("the square of a sample's loss overflows float64", role="y_pred")
