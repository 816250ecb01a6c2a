"""Input validation: ``InputDomainError`` names the role and the 0-based index of the first bad
sample, with a hint where one helps."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import lossctl
from lossctl.losses import InputDomainError, ParameterError

ROWS3 = [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]]


@pytest.mark.parametrize(
    ("loss", "y_true", "y_pred", "role", "index", "message"),
    [
        ("bce", [1.0, 0.0, 1.0, 1.0], [0.2, 0.4, 1.3, 1.5], "y_pred", 2, "1.3"),
        ("bce", [1.0, 2.0, 0.0, 2.0], [0.2, 0.4, 0.3, 0.5], "y_true", 1, "label 2"),
        ("bce", [1.0, 0.0, -0.5], [0.2, 0.4, 0.3], "y_true", 2, "-0.5"),
        ("brier", [1.0, 0.0], [0.2, -0.1], "y_pred", 1, "-0.1"),
        ("cross-entropy", [0.0, 2.0, 3.0], ROWS3, "y_true", 2, "3"),
        ("cross-entropy", [0.0, 1.5, 1.0], ROWS3, "y_true", 1, "1.5"),
        ("cross-entropy", [0.0, 1.0, 1.0], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.2, 0.3]], "y_pred", 2, "1.1"),
        ("cross-entropy", [0.0, 1.0, 1.0], [[2.0, -1.0, 0.0], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]], "y_pred", 0, "2"),
        ("kl-divergence", [[0.5, 0.5, 0.0], [0.9, 0.2, 0.0]], ROWS3[:2], "y_true", 1, "1.1"),
        ("msle", [1.0, 2.0, -1.0, -3.0], [1.0, 2.0, 3.0, 4.0], "y_true", 2, "-1"),
        ("msle", [1.0, 2.0, 3.0], [1.0, -2.0, 3.0], "y_pred", 1, "-2"),
        ("poisson", [1.0, 2.0, 3.0], [1.0, 2.0, 0.0], "y_pred", 2, "0"),
        ("hinge", [1.0, -1.0, 0.0], [0.5, 0.5, 0.5], "y_true", 2, "label 0"),
        ("contrastive", [1.0, 0.0], [0.5, -0.5], "y_pred", 1, "-0.5"),
    ],
)
def test_bad_value_names_role_and_first_index(loss, y_true, y_pred, role, index, message):
    with pytest.raises(InputDomainError) as caught:
        lossctl.compute(loss, y_true, y_pred)
    assert (caught.value.role, caught.value.index) == (role, index)
    assert message in caught.value.message


def test_probability_above_1_hints_at_from_logits():
    with pytest.raises(InputDomainError) as caught:
        lossctl.compute("bce", [1.0, 0.0], [0.5, 1.3])
    assert "from_logits=True" in caught.value.hint
    assert "from_logits=True" in str(caught.value)


def test_probability_rows_not_summing_to_1_hint_at_from_logits():
    with pytest.raises(InputDomainError) as caught:
        lossctl.compute("cross-entropy", [0.0, 1.0], [[0.5, 0.5], [0.5, 0.4]])
    assert (caught.value.role, caught.value.index) == ("y_pred", 1)
    assert "from_logits=True" in caught.value.hint


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize(("role", "index"), [("y_true", 3), ("y_pred", 1), ("sample_weight", 2)])
def test_nan_and_inf_inputs_are_refused(bad, role, index):
    arrays = {"y_true": [1.0, 2.0, 3.0, 4.0], "y_pred": [1.0, 2.0, 3.0, 4.0], "sample_weight": [1.0] * 4}
    arrays[role] = list(arrays[role])
    arrays[role][index] = bad
    with pytest.raises(InputDomainError) as caught:
        lossctl.compute("mse", arrays["y_true"], arrays["y_pred"], sample_weight=arrays["sample_weight"])
    assert (caught.value.role, caught.value.index) == (role, index)


def test_nan_in_a_probability_matrix_names_its_row():
    rows = [[0.5, 0.5], [0.5, 0.5], [math.nan, 1.0]]
    with pytest.raises(InputDomainError) as caught:
        lossctl.compute("cross-entropy", [0.0, 1.0, 1.0], rows)
    assert (caught.value.role, caught.value.index) == ("y_pred", 2)


def test_negative_sample_weight_is_refused():
    with pytest.raises(InputDomainError) as caught:
        lossctl.compute("mse", [1.0, 2.0], [1.0, 2.0], sample_weight=[1.0, -1.0])
    assert (caught.value.role, caught.value.index) == ("sample_weight", 1)


@pytest.mark.parametrize(
    ("arrays", "names"),
    [
        ({"y_true": [1.0, 2.0, 3.0], "y_pred": [1.0, 2.0]}, ["y_true has 3", "y_pred has 2"]),
        (
            {"y_true": [1.0, 2.0], "y_pred": [1.0, 2.0], "sample_weight": [1.0, 1.0, 1.0]},
            ["y_true has 2", "sample_weight has 3"],
        ),
    ],
)
def test_inputs_of_different_lengths_are_refused(arrays, names):
    with pytest.raises(InputDomainError) as caught:
        lossctl.compute("mse", **arrays)
    assert caught.value.index is None  # no single sample is at fault
    assert caught.value.role in arrays
    for name in names:
        assert name in caught.value.message


@pytest.mark.parametrize(
    "values",
    [
        np.array([1 + 2j, 2.0]),  # NumPy would drop the imaginary part
        np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]"),  # days since 1970
        np.array([1, 2], dtype="timedelta64[s]"),  # seconds
    ],
    ids=["complex", "datetime64", "timedelta64"],
)
def test_complex_dates_and_durations_are_not_numbers(values):
    with pytest.raises(InputDomainError, match=re.escape(f"values must be real numbers, not {values.dtype}")) as caught:
        lossctl.compute("mse", values, np.zeros(2))
    assert caught.value.role == "y_true"


def test_numbers_beyond_float64_are_refused_with_the_apis_error_types():
    with pytest.raises(InputDomainError, match="within the float64 range"):
        lossctl.compute("mse", [10**400, 1], [0.0, 0.0])
    with pytest.raises(ParameterError, match="delta is beyond the float64 range"):
        lossctl.compute("huber", [1.0], [2.0], delta=10**400)
