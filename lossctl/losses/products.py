"""Error-free products: ``a * b`` as the rounded product and its exact rounding error
(Dekker 1971, "A floating-point technique for extending the available precision"), which the
exact sums use to sum a weighted term ``w * v`` exactly."""

from __future__ import annotations

import numpy as np


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp's split: ``a == high + low`` exactly, each with at most 26 significant bits."""
    c = a * 134217729.0  # 2**27 + 1
    high = c - (c - a)
    return high, a - high


def two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(a * b rounded, its rounding error)``: two floats whose sum is ``a * b`` exactly, by
    Dekker's product (exact unless a factor is beyond 1e300, the product overflows, or the
    error falls below the smallest subnormal, where it loses its last bits)."""
    with np.errstate(over="ignore", invalid="ignore"):
        product = a * b
        a_high, a_low = _split(a)
        b_high, b_low = _split(b)
        error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    return product, error
