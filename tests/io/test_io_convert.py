"""Arrow and NumPy columns to NumPy arrays: types, nulls, offsets, zero copy, non-numbers."""

from __future__ import annotations

import datetime
import decimal
import math

import numpy as np
import pyarrow as pa
import pytest

from lossctl.errors import InputError
from lossctl.io.convert import NotNumeric, convert_batch, to_float64, to_natural

NAN = math.nan


def test_float64_without_nulls_is_a_zero_copy_view():
    array = pa.array([1.5, 2.5, 3.5])
    values = to_float64(array)
    assert values.dtype == np.float64
    assert not values.flags.writeable
    assert values.ctypes.data == array.buffers()[1].address
    np.testing.assert_array_equal(values, [1.5, 2.5, 3.5])


@pytest.mark.parametrize("offset", range(0, 11))
def test_slices_with_nulls_at_any_bit_offset(offset):
    data = [None if i % 3 == 0 else float(i) for i in range(20)]
    values = to_float64(pa.array(data).slice(offset, 9))
    np.testing.assert_array_equal(values, [NAN if v is None else v for v in data[offset : offset + 9]])


@pytest.mark.parametrize(
    ("array", "expected"),
    [
        (pa.array([1, -2, None], pa.int8()), [1.0, -2.0, NAN]),
        (pa.array([2**63 + 1], pa.uint64()), [float(2**63 + 1)]),
        (pa.array([2**53 + 1], pa.int64()), [float(2**53)]),
        (pa.array([0.5, None], pa.float32()), [0.5, NAN]),
        (pa.array([0.5, None], pa.float16()), [0.5, NAN]),
        (pa.array([True, False, None]), [1.0, 0.0, NAN]),
        (pa.array([decimal.Decimal("1.25"), None]), [1.25, NAN]),
        (pa.array([None, None], pa.null()), [NAN, NAN]),
        (pa.array([1.0, 2.0, 1.0]).dictionary_encode(), [1.0, 2.0, 1.0]),
        (pa.array([" 1.5", "-2e3", None, "inf"]), [1.5, -2000.0, NAN, math.inf]),
        (pa.array(["3"], pa.large_string()), [3.0]),
        (pa.array([None], pa.timestamp("s")), [NAN]),
    ],
)
def test_numeric_types(array, expected):
    values = to_float64(array)
    assert values.dtype == np.float64
    np.testing.assert_array_equal(values, expected)


@pytest.mark.parametrize(
    ("array", "index", "text"),
    [
        (pa.array(["1", "2", "x", "y"]), 2, "x"),
        (pa.array(["1", "2", "3", "4", "5", "6", "7", ""]), 7, ""),
        (pa.array(["1"] * 1000 + ["1,5"] + ["2"] * 10), 1000, "1,5"),
        (pa.array([None, datetime.date(2024, 1, 2)]), 1, "2024-01-02"),
        (pa.array([[1, 2]]), 0, "[1, 2]"),
    ],
)
def test_not_numeric_reports_the_first_bad_cell(array, index, text):
    with pytest.raises(NotNumeric) as caught:
        to_float64(array)
    assert (caught.value.index, caught.value.text) == (index, text)


def test_convert_batch_names_file_column_and_row():
    batch = {"p": pa.array(["0.5", "abc"])}
    with pytest.raises(InputError) as caught:
        convert_batch(batch, ["p"], [], file="f.csv", start=40)
    assert (
        str(caught.value) == "f.csv, column 'p', row 42: 'abc' is not a number (hint: quote it or pick another column)"
    )


@pytest.mark.parametrize(
    ("array", "dtype", "expected"),
    [
        (pa.array([3, 1], pa.int16()), np.int64, [3, 1]),
        (pa.array([3, 1], pa.int64()).slice(1), np.int64, [1]),
        (pa.array([2**64 - 1], pa.uint64()), np.uint64, [2**64 - 1]),
        (pa.array([3, None], pa.int64()), np.float64, [3.0, NAN]),
        (pa.array([0.5, None]), np.float64, [0.5, NAN]),
        (pa.array([True, False, True]).slice(1), np.bool_, [False, True]),
        (pa.array(["b", None, "a", "b"]), object, ["b", None, "a", "b"]),
        (pa.array(["b", "a"]).dictionary_encode(), object, ["b", "a"]),
        (pa.array([True, None]), object, [True, None]),
        (pa.array([datetime.date(2024, 1, 2)]), object, [datetime.date(2024, 1, 2)]),
    ],
)
def test_natural_types(array, dtype, expected):
    values = to_natural(array)
    assert values.dtype == dtype
    assert values.tolist() == expected or np.array_equal(values, expected, equal_nan=True)


def test_natural_strings_slice_with_offset():
    array = pa.array(["a", None, "b", "c", None, "d"]).slice(1, 4)
    assert to_natural(array).tolist() == [None, "b", "c", None]


@pytest.mark.parametrize(
    ("array", "expected"),
    [
        (np.array([1, 2], dtype=np.int32), [1.0, 2.0]),
        (np.array([0.5], dtype=np.float32), [0.5]),
        (np.array([True, False]), [1.0, 0.0]),
        (np.array(["1.5", " 2 "]), [1.5, 2.0]),
        (np.arange(6.0).reshape(2, 3)[:, 1], [1.0, 4.0]),
    ],
)
def test_numpy_numeric(array, expected):
    values = to_float64(array)
    assert values.dtype == np.float64
    assert values.flags.c_contiguous
    np.testing.assert_array_equal(values, expected)


@pytest.mark.parametrize(
    ("array", "index", "text"),
    [
        (np.array(["1", "x", "y"]), 1, "x"),
        (np.array(["2024-01-01"], dtype="datetime64[D]"), 0, "2024-01-01"),
        (np.array([1 + 2j]), 0, "(1+2j)"),
    ],
)
def test_numpy_not_numeric(array, index, text):
    with pytest.raises(NotNumeric) as caught:
        to_float64(array)
    assert (caught.value.index, caught.value.text) == (index, text)


def test_numpy_natural():
    assert to_natural(np.array([1, 2], dtype=np.int16)).dtype == np.int64
    assert to_natural(np.array([1], dtype=np.uint64)).dtype == np.uint64
    assert to_natural(np.array([0.5], dtype=np.float32)).dtype == np.float64
    assert to_natural(np.array(["a"])).tolist() == ["a"]
