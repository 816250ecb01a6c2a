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


def shown_input(value: object, precision: int = 6) -> str:
    """A value of an input column as a table shows it: a whole number as an integer (a label
    read as ``1.0`` is ``1``), another number with ``precision`` significant digits, text as
    it is, a missing value as nothing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2.0**53:
        return str(int(value))
    if isinstance(value, int | float):
        return format_value(float(value), precision) if isinstance(value, float) else str(value)
    return str(value)
