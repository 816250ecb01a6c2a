"""The exact accumulator, checked against rational arithmetic (``fractions.Fraction``, which
is exact, and whose conversion to float rounds correctly): every sum is exact, at every
magnitude from the smallest subnormal to products beyond 1.8e308, whatever the split and the
order of the merges; the value and a ratio are correctly rounded."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossctl
from lossctl.losses.summation import UNIT, Accumulator, exact_sum, ratio, segment_sums

from ._support import rng_for

FINITE = st.floats(allow_nan=False, allow_infinity=False)
# Lengths on both sides of the term-by-term path for a handful of terms.
LENGTHS = st.integers(0, 90)


def exact(values, weights=None) -> Fraction:
    if weights is None:
        return sum((Fraction(v) for v in values), Fraction(0))
    return sum((Fraction(w) * Fraction(v) for v, w in zip(values, weights, strict=True)), Fraction(0))


def as_fraction(total: int) -> Fraction:
    return Fraction(total, 2**UNIT)


def correctly_rounded(x: Fraction) -> float:
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def extreme(rng: np.random.Generator, n: int) -> np.ndarray:
    """Signed values with exponents anywhere from the subnormals to 1e308."""
    return rng.standard_normal(n) * 10.0 ** rng.integers(-320, 300, n)


@given(values=st.lists(FINITE, max_size=90))
@settings(max_examples=200, deadline=None)
def test_a_sum_is_exact(values):
    assert as_fraction(exact_sum(np.array(values, dtype=np.float64))) == exact(values)


@given(pairs=st.lists(st.tuples(FINITE, FINITE), max_size=90))
@settings(max_examples=200, deadline=None)
def test_a_weighted_sum_is_the_exact_sum_of_the_exact_products(pairs):
    values = np.array([v for v, _ in pairs], dtype=np.float64)
    weights = np.array([w for _, w in pairs], dtype=np.float64)
    assert as_fraction(exact_sum(values, weights)) == exact(values, weights)


@pytest.mark.parametrize("weighted", [False, True])
def test_many_terms_of_every_magnitude(weighted):
    rng = rng_for("many terms", weighted)
    values = extreme(rng, 70_000)  # more than one block of the bins
    weights = np.abs(extreme(rng, len(values))) if weighted else None
    assert as_fraction(exact_sum(values, weights)) == exact(values, weights)


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("n", [3, 500])
def test_a_term_that_is_not_finite_is_reported_and_nothing_is_added(bad, n):
    values = np.ones(n)
    values[n // 2] = bad
    total = Accumulator()
    total.add_scalar(2.5)
    assert total.add(values) is False
    assert total.value == 2.5
    # 0 * inf is not a finite term either.
    assert exact_sum(np.full(n, bad), np.zeros(n)) is None


@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_splits_and_merge_orders_give_the_same_integer(data):
    values = np.array(data.draw(st.lists(FINITE, min_size=1, max_size=120)), dtype=np.float64)
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(values) - 1)), max_size=6)))
    parts = []
    for lo, hi in zip([0, *cuts], [*cuts, len(values)], strict=True):
        part = Accumulator()
        part.add(values[lo:hi])
        parts.append(part)
    order = data.draw(st.permutations(range(len(parts))))
    merged = Accumulator()
    for i in order:
        merged.merge(parts[i])
    whole = Accumulator()
    whole.add(values)
    assert merged.total == whole.total
    assert as_fraction(merged.total) == exact(values)


@given(values=st.lists(FINITE, min_size=1, max_size=60), scalar=FINITE)
@settings(max_examples=100, deadline=None)
def test_the_value_is_the_correctly_rounded_sum(values, scalar):
    total = Accumulator()
    total.add(np.array(values, dtype=np.float64))
    total.add_scalar(scalar)
    assert total.value == correctly_rounded(exact(values) + Fraction(scalar))


@given(numerator=st.lists(FINITE, min_size=1, max_size=40), denominator=st.lists(FINITE, min_size=1, max_size=40))
@settings(max_examples=100, deadline=None)
def test_a_ratio_is_correctly_rounded(numerator, denominator):
    a, b = Accumulator(), Accumulator()
    a.add(np.array(numerator, dtype=np.float64))
    b.add(np.array(denominator, dtype=np.float64))
    expected_denominator = exact(denominator)
    if expected_denominator == 0:
        assert math.isnan(ratio(a, b))
    else:
        assert ratio(a, b) == correctly_rounded(exact(numerator) / expected_denominator)


def test_a_sum_beyond_the_float64_range_is_infinite_and_its_ratio_is_not():
    a, b = Accumulator(), Accumulator()
    a.add(np.full(4, 1.5e308))
    b.add_scalar(4.0)
    assert a.value == math.inf
    assert ratio(a, b) == 1.5e308


# -- the reproducers: a constant mean is the constant, a weighted mean is exactly rounded ------


def test_the_mean_of_three_million_equal_rows_is_the_row():
    # Three million rows are enough: np.mean, math.fsum / n and a running sum of this row's
    # value all miss it there (at ten million, as reported, np.mean happens to hit it).
    n = 3 * 10**6
    one_row = lossctl.compute("huber", np.full(1, 2.3), np.zeros(1))
    # Hand value: huber(2.3, delta=1) = 1 * (2.3 - 0.5) = 1.8, 1.7999999999999998 in float64.
    assert one_row == 2.3 - 0.5 == 1.7999999999999998
    assert lossctl.compute("huber", np.full(n, 2.3), np.zeros(n)) == one_row


def test_a_weighted_mean_of_three_million_rows_is_exactly_rounded():
    # np.sum(w * t) / np.sum(w), np.average and running sums miss the term at three million
    # rows as at ten million.
    n = 3 * 10**6
    term = (0.1 - 0.3) ** 2  # every row's squared error, in float64
    value = lossctl.compute("mse", np.full(n, 0.1), np.full(n, 0.3), sample_weight=np.full(n, 0.1))
    # sum(w * term) / sum(w) with every weight equal is the term itself, exactly.
    assert value == term


def test_a_failed_sum_leaves_nothing_behind_for_the_next():
    """The bins are reused from one sum to the next: a sum that stops at a NaN in its second
    block of terms, after the first block was scattered, must not leak into the next sum."""
    rng = rng_for("failed sum")
    values = extreme(rng, 70_000)
    spoiled = values.copy()
    spoiled[50_000] = math.nan
    assert exact_sum(spoiled) is None
    assert as_fraction(exact_sum(values)) == exact(values)


@pytest.mark.parametrize("weighted", [False, True])
def test_sorted_terms_with_long_runs_of_one_exponent(weighted):
    """Sorted terms fall into each exponent's bin in long runs, which are dealt over several
    sets of bins and added back: the sum stays exact (the bins of one exponent together hold
    fewer terms than keep their sum below 2**53)."""
    rng = rng_for("sorted runs", weighted)
    values = np.sort(np.abs(rng.standard_normal(70_000)))
    weights = rng.random(len(values)) if weighted else None
    assert as_fraction(exact_sum(values, weights)) == exact(values, weights)


@pytest.mark.parametrize(
    "case",
    [
        "usual range",  # every bit taken by the two extraction levels
        "tiny beside large",  # rests left after two levels, summed in the bins
        "near the largest float",  # beyond the range of a normal sigma: the bins
        "subnormal",  # below it: the bins
        "just below a power of two",  # each term rounds up to the bound: 2**53 units a run
        "large, of one sign",  # a run's sum near 2**53 units, its last bits all different
        "rests of one sign",  # the first level's rests all near +half its unit, of 45 bits
        "zeros",
    ],
)
def test_every_regime_of_the_extraction_is_exact(case):
    """Unweighted sums take two extraction levels a block, summed by runs of 2**10 terms, and
    send what they leave (or a block they cannot take) to the bins: each regime against
    rational sums."""
    rng = rng_for("extraction", case)
    n = 70_000
    values = {
        "usual range": rng.standard_normal(n) ** 2,
        "tiny beside large": rng.standard_normal(n) * 10.0 ** rng.integers(-12, 3, n),
        "near the largest float": rng.standard_normal(n) * 1e306,
        "subnormal": rng.standard_normal(n) * 1e-310,
        "just below a power of two": np.full(n, -np.nextafter(1.0, 0.0)),
        "large, of one sign": 1.0 - rng.random(n) / 8,
        "rests of one sign": np.where(
            np.arange(n) % 2**15 == 0,
            0.99,
            # beside a largest term of 0.99 the first level's unit is 2**-43 (2**-52 at 2**0, 9
            # bits of headroom); terms in [2**-36, 2**-35) have bits down to 2**-88
            2.0**-36 + (rng.integers(0, 2**6, n) + rng.uniform(0.3, 0.49, n)) * 2.0**-43,
        ),
        "zeros": np.where(rng.random(n) < 0.5, 0.0, -0.0),
    }[case]
    assert as_fraction(exact_sum(values)) == exact(values)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("size", [1, 2048, 2**15])
def test_sums_by_segment_are_each_segments_exact_sum(weighted, size):
    """Consecutive segments of ``size`` terms, across blocks and with a short last one; terms
    of every magnitude, so that some segments leave rests to the bins and some blocks are
    beyond the extraction's range."""
    rng = rng_for("segments", weighted, size)
    n = 70_001 if size > 1 else 300
    values = extreme(rng, n)
    values[: n // 3] = rng.standard_normal(n // 3) ** 2  # a usual range: extraction alone
    weights = rng.random(n) if weighted else None
    sums = segment_sums(values, size, weights)
    assert len(sums) == -(-n // size)
    for i, total in enumerate(sums):
        part = slice(i * size, (i + 1) * size)
        assert as_fraction(total) == exact(values[part], None if weights is None else weights[part])


def test_a_segment_with_a_term_that_is_not_finite_fails_the_sums():
    values = np.ones(5000)
    values[4097] = math.nan
    assert segment_sums(values, 2048) is None


def _weighted_case(case: str, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    r = rng.random(n)
    return {
        "usual range": (rng.standard_normal(n) ** 2, r),
        "subnormal values, large weights": (rng.standard_normal(n) * 1e-310, 10.0 ** rng.uniform(290, 300, n)),
        # |w v| in [2**-964, 2**-962): exponents summing to -964, within Dekker's bound of -970
        "products just above the least exact": ((1.0 + r) * 2.0**-484, (1.0 + rng.random(n)) * 2.0**-480),
        # exponents summing to -971, just below the bound: some errors have a bit at 2**-1075
        "products below it": ((1.0 + r) * 2.0**-485, (1.0 + rng.random(n)) * 2.0**-486),
        "products that round to zero": (np.full(n, 1e-200), np.full(n, 1e-200) * (1.0 + r)),
        "zero weights": (rng.standard_normal(n), np.where(r < 0.5, 0.0, r)),
        "values beyond the split": (rng.standard_normal(n) * 1e301, 10.0 ** rng.uniform(-20, -10, n)),
        "products beyond 1.8e308": (rng.standard_normal(n) * 1e200, 1e200 * (1.0 + r)),
        # the second block's first 100 products are below the bound: the bins from there on
        "a block of tiny products among usual ones": (
            rng.standard_normal(n) ** 2,
            np.where((np.arange(n) >= 2**15) & (np.arange(n) < 2**15 + 100), 1e-300, r),
        ),
    }[case]


@pytest.mark.parametrize(
    "case",
    [
        "usual range",  # Dekker's products, summed by extraction
        "subnormal values, large weights",  # products of a usual range: Dekker's still
        "products just above the least exact",
        "products below it",  # the bins
        "products that round to zero",  # the bins
        "zero weights",  # products of zero beside a usual range: Dekker's
        "values beyond the split",  # the split overflows: the bins
        "products beyond 1.8e308",  # the bins
        "a block of tiny products among usual ones",  # Dekker's, then the bins
    ],
)
def test_every_regime_of_a_weighted_sum_is_exact(case):
    """A weighted term is Dekker's product, rounded value and error summed by extraction,
    where that is exact, and the bins' elsewhere: each regime against rational sums, over
    more than one block."""
    values, weights = _weighted_case(case, rng_for("weighted", case), 40_000)
    assert as_fraction(exact_sum(values, weights)) == exact(values, weights)


def test_weighted_terms_of_a_usual_range_need_no_bins(monkeypatch):
    def no_bins(values, weights):
        raise AssertionError("the bins were used")

    monkeypatch.setattr("lossctl.losses.summation.binned_sum", no_bins)
    values, weights = _weighted_case("usual range", rng_for("weighted", "no bins"), 40_000)
    assert as_fraction(exact_sum(values, weights)) == exact(values, weights)
