"""No value of any loss outside its declared bounds (``LossSpec.lowest`` and ``highest``,
where confidence intervals end): every loss of the catalog and its configured variants, on the
property tests' inputs, and sums of terms that can be negative or reach the greatest value."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lossctl.losses import Batch, LossError

from .test_properties import SETTINGS, VARIANTS, drawn, one_shot, variant_id

pytestmark = pytest.mark.fuzzed
# cosine-similarity's terms are in [-1, 1]: their sum is not.
SUMS = [("cosine-similarity", {"reduction": "sum"}, "vectors")]

ROUNDING = 1e-12


@pytest.mark.parametrize("variant", VARIANTS + SUMS, ids=variant_id)
@SETTINGS
@given(data=st.data())
def test_values_are_within_the_declared_bounds(variant, data):
    # The bounds are where intervals end: a non-negative loss declares 0 (the default), a skill
    # score 1 at most. A value may be a rounding error outside: a KL term of nearly equal
    # distributions whose clipped probabilities no longer sum to 1 exactly was -6.5e-298. A
    # loss that really goes past a bound (a log-density: -0.35 and less) is off by far more.
    loss, arrays, _ = drawn(variant, data)
    low, high = loss.bounds
    assert low - ROUNDING <= one_shot(loss, arrays) <= high + ROUNDING
    try:
        terms = loss.per_sample(Batch(arrays))
    except LossError:  # defined on the whole sample only (a ratio of sums, a distance)
        return
    assert np.all((low - ROUNDING <= terms) & (terms <= high + ROUNDING))
