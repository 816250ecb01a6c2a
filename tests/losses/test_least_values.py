"""No value of any loss below its declared least value (``LossSpec.lowest``, where confidence
intervals end): every loss of the catalog and its configured variants, on the property tests'
inputs, and the sums of terms that can be negative."""

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
def test_values_are_never_below_the_declared_lowest(variant, data):
    # LossSpec.lowest is where intervals end: a non-negative loss declares 0 (the default). A
    # value may be a rounding error below it: a KL term of nearly equal distributions whose
    # clipped probabilities no longer sum to 1 exactly was -6.5e-298. A loss that can really
    # go below it (a log-density: -0.35 and less) is caught by far more than ROUNDING.
    loss, arrays, _ = drawn(variant, data)
    assert one_shot(loss, arrays) >= loss.lowest - ROUNDING
    try:
        terms = loss.per_sample(Batch(arrays))
    except LossError:  # defined on the whole sample only (a ratio of sums, a distance)
        return
    assert np.all(terms >= loss.lowest - ROUNDING)
