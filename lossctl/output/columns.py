"""Numbers of one column shown alike: one number of decimals for the column, so that its
values line up on the decimal point and read against each other, digits in groups of three.

The column's largest value gets ``precision`` significant digits and its smallest non-zero
value at least ``LEAST``; but no more decimals than its values need at ``precision``
significant digits (trailing zeros dropped: 1.5 needs one), so ``0.875`` pads ``4`` to
``4.000`` and a lone ``1.5`` stays ``1.5``. Where two different values would still print
alike, decimals are added until they differ. A column whose values span more than ``SPAN``
(or that is beyond what positional notation reads well: from 1e15, below 1e-4) is shown in
scientific notation, every value with the same number of digits. Whole numbers (counts, a
loss that is exactly an integer everywhere) show no decimals. Thousands are grouped with
commas (``12,345.678``), in tables only: JSON, CSV and the per-sample files keep every digit,
ungrouped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from lossctl.output.numbers import format_value

LEAST = 3  # significant digits the smallest non-zero value of a column keeps at least
SPAN = 1e6  # largest / smallest non-zero value beyond which a column is scientific
_MOST = 40  # decimals enough to tell apart any two values a column shows positionally (>= 1e-10)

Formatter = Callable[[float | None], str]


def column_format(values: Iterable[float | None], precision: int = 6) -> Formatter:
    """How to show each value of a column of ``values``: NaN, inf and None (``nan``,
    ``inf``, empty) as such, the others as the column's rule says."""
    values = [float(v) for v in values if v is not None]
    finite = sorted({v for v in values if math.isfinite(v)})
    nonzero = [abs(v) for v in finite if v]
    if not nonzero:
        return _special(lambda v: "0")
    if all(v.is_integer() and abs(v) < 2.0**53 for v in finite):
        return _special(lambda v: f"{int(v):,}")
    top, bottom = max(nonzero), min(nonzero)
    if top >= 1e15 or top < 1e-4 or top / bottom > SPAN:
        digits = max(len(f"{v:.{precision - 1}e}".partition("e")[0].rstrip("0").partition(".")[2]) for v in finite)
        return _special(_distinct(finite, digits, lambda digits: lambda v: f"{v:.{digits}e}"))
    wanted = max(0, precision - 1 - _exponent(top), LEAST - 1 - _exponent(bottom))
    decimals = min(wanted, max(_decimals(v, precision) for v in finite))
    return _special(_distinct(finite, decimals, lambda digits: lambda v: f"{v:,.{digits}f}"))


def _exponent(x: float) -> int:
    """The decimal exponent of the leading digit of ``x`` (> 0): 2 for 123.4, -3 for 0.0012."""
    return math.floor(math.log10(x))


def _decimals(value: float, precision: int) -> int:
    """The decimals that show ``value`` to ``precision`` significant digits, trailing zeros
    dropped: 0 for 95000000, 1 for 1.5, 7 for 0.0581761, 9 for 0.0000512345."""
    import numpy as np  # not at import: the command line's help lists commands without NumPy

    shown = np.format_float_positional(value, precision=precision, unique=True, fractional=False, trim="-")
    return len(shown.partition(".")[2])


def _distinct(finite: list[float], digits: int, rule: Callable[[int], Formatter]) -> Formatter:
    """``rule(digits)``, with digits added until every two of the distinct ``finite`` values
    print differently."""
    shown = rule(digits)
    while len({shown(v) for v in finite}) < len(finite) and digits < _MOST:
        digits += 1
        shown = rule(digits)
    return shown


def _special(shown: Formatter) -> Formatter:
    """``shown`` for finite values; None as nothing, NaN and inf as ``format_value`` writes them."""

    def show(value: float | None) -> str:
        if value is None:
            return ""
        if not math.isfinite(value):
            return format_value(value)
        return shown(value)

    return show


def count(n: int) -> str:
    """A count with its thousands grouped: ``10,000,000``."""
    return f"{n:,}"
