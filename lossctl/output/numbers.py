"""How numbers are shown: significant digits, positional where readable, scientific past it."""

from __future__ import annotations

import math


def format_value(value: float, precision: int = 6) -> str:
    """``value`` with ``precision`` significant digits: ``95000000``, ``0.233567``,
    ``1.2e-09``; ``nan`` and ``inf`` as such."""
    import numpy as np  # not at import: the command line's help lists commands without NumPy

    if value is None or math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    magnitude = abs(value)
    if magnitude != 0.0 and (magnitude < 1e-4 or magnitude >= 1e15):
        return np.format_float_scientific(value, precision=precision - 1, unique=True, trim="-")
    return np.format_float_positional(value, precision=precision, unique=True, fractional=False, trim="-")
