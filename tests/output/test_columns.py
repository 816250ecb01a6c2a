"""A column's numbers shown alike (``output.columns``): hand-written cases of the rule, and
its two promises checked on random columns: two different values never print alike, and each
printed number is the value rounded to the column's last place."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossctl.output.columns import column_format, count

CASES = [
    # the largest value to six significant digits, no more decimals than the values need
    ([93.4191234, 17.4558123], ["93.4191", "17.4558"]),
    ([0.0581761, 0.0743177], ["0.0581761", "0.0743177"]),
    # 0.875 needs three decimals: the whole numbers beside it are padded to them
    ([4.0, 1.0, 0.875], ["4.000", "1.000", "0.875"]),
    ([1.5], ["1.5"]),
    # below 1e-4 in a positional column: the largest to six digits sets nine decimals, which
    # leave the smaller five (the float 5.12345e-5 lies just below 0.0000512345)
    ([1.2e-4, 5.12345e-5], ["0.000120000", "0.000051234"]),
    # the largest to six digits (four decimals for 46.7), the smallest to three at least: a
    # column over four decades does not show 0.0248070 against 46.7095255
    ([0.024807, 46.7095255], ["0.0248", "46.7095"]),
    ([-2.5, 0.125], ["-2.500", "0.125"]),
    # thousands grouped
    ([12345.678], ["12,345.7"]),
    ([1234567.0, 2.5], ["1,234,567.0", "2.5"]),
    # whole numbers only: no decimals
    ([10_000_000.0, 200.0], ["10,000,000", "200"]),
    # a gate failing by one unit in the last place: the digits that tell them apart
    ([1.3333333333333335, 1.3333333333333333], ["1.3333333333333335", "1.3333333333333333"]),
    # 1e6 apart, or below 1e-4: scientific, the same mantissa digits for each
    ([95e6, 12.5], ["9.50e+07", "1.25e+01"]),
    ([1e-9, 2.5e-9, 0.0], ["1.0e-09", "2.5e-09", "0.0e+00"]),
    ([float("nan"), 1.25, float("inf"), None], ["nan", "1.25", "inf", ""]),
    ([0.0, 0.0], ["0", "0"]),
]


@pytest.mark.parametrize(("values", "expected"), CASES)
def test_hand_cases(values, expected):
    show = column_format(values)
    assert [show(v) for v in values] == expected


def test_precision_is_the_significant_digits_each_value_gets():
    show = column_format([2 / 3, 0.25], precision=1)
    assert [show(2 / 3), show(0.25)] == ["0.7", "0.2"]  # 0.25 to one digit: round half even


def test_a_count_groups_its_thousands():
    assert count(10_000_000) == "10,000,000"


COLUMN = st.lists(
    st.floats(min_value=-1e14, max_value=1e14, allow_nan=False, allow_infinity=False).filter(
        lambda x: x == 0.0 or abs(x) > 1e-4
    ),
    min_size=1,
    max_size=8,
)


@given(values=COLUMN)
@settings(deadline=None)  # the profile's examples: 20 in make test, 1200 in make fuzz
def test_different_values_never_print_alike_and_each_is_rounded_to_the_last_place(values):
    show = column_format(values)
    printed = {v: show(v) for v in values}
    assert len(set(printed.values())) == len(printed)
    for value, text in printed.items():
        number = Decimal(text.replace(",", ""))
        mantissa = text.partition("e")[0]
        last = len(mantissa.partition(".")[2])  # decimals of the mantissa
        exponent = int(text.partition("e")[2] or 0)
        unit = Decimal(10) ** (exponent - last)
        assert abs(Decimal(value) - number) <= unit / 2


@given(values=COLUMN.filter(lambda vs: max(map(abs, vs)) < 1e14 and len(set(vs)) == len(vs)))
@settings(deadline=None)
def test_a_positional_column_has_one_number_of_decimals(values):
    show = column_format(values)
    texts = [show(v) for v in values]
    if not any("e" in t for t in texts):
        assert len({len(t.partition(".")[2]) for t in texts}) == 1
    assert all(math.isfinite(float(t.replace(",", ""))) for t in texts)
