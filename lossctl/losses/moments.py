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

from lossctl.losses.errors import LossError
from lossctl.losses.summation import UNIT, Accumulator

PLAIN, WEIGHTED, MIXED = "plain", "weighted", "mixed"


class Moments:
    """``sum a^2``, and ``sum a b`` and ``sum b^2`` unless every row is plain (``w = d = 1``:
    they are then the mean's numerator and n)."""

    __slots__ = ("squares", "products", "weights", "kind", "rows", "overflow")

    def __init__(self) -> None:
        self.squares, self.products, self.weights = Accumulator(), Accumulator(), Accumulator()
        self.kind: str | None = None  # PLAIN or WEIGHTED rows, or MIXED; None before any row
        self.rows = 0  # rows of non-zero weight: the n of n / (n - 1)
        self.overflow = False  # a product beyond float64: no variance (the bootstrap has one)

    def add(self, values: np.ndarray, w: np.ndarray | None, denominators: np.ndarray | None) -> None:
        plain = w is None and denominators is None
        self._see(PLAIN if plain else WEIGHTED)
        a = values if w is None else values * w
        if plain:
            b = None
        elif denominators is None:
            b = w
        else:
            b = denominators if w is None else denominators * w
        self.rows += len(values) if b is None else int(np.count_nonzero(b))
        with np.errstate(over="ignore", invalid="ignore"):
            products = [(self.squares, a * a)] + ([] if b is None else [(self.products, a * b), (self.weights, b * b)])
        for total, terms in products:
            self.overflow = self.overflow or not total.add(terms)

    def merge(self, other: Moments) -> None:
        self.squares.merge(other.squares)
        self.products.merge(other.products)
        self.weights.merge(other.weights)
        self.rows += other.rows
        self.overflow = self.overflow or other.overflow
        if other.kind is not None:
            self._see(other.kind)

    def _see(self, kind: str) -> None:
        self.kind = kind if self.kind in (None, kind) else MIXED

    def variance(self, numerator: int, denominator: int) -> float:
        """The variance of ``R = numerator / denominator`` (exact sums, as integer multiples
        of ``2**-UNIT``); a ``LossError`` saying why when there is none."""
        n = self.rows
        if n < 2 or denominator == 0:
            raise LossError("no interval from fewer than two rows of non-zero weight")
        if self.overflow:
            raise LossError(
                "no normal interval: the squares of the losses overflow float64 (--ci-method bootstrap has one)"
            )
        if self.kind == MIXED:
            raise LossError("no normal interval of rows with and without weights")
        squares, products, weights = self.squares.total, self.products.total, self.weights.total
        if self.kind == PLAIN:
            products, weights = numerator, n << UNIT
        spread = squares * denominator * denominator - 2 * numerator * denominator * products
        spread += numerator * numerator * weights
        # spread = sum (a_i D - N b_i)^2 >= 0, but the products summed are rounded ones, so a
        # spread within rounding of 0 (every term alike) may come out < 0.
        return float(Fraction(max(spread, 0) * n << UNIT, denominator**4 * (n - 1)))
