"""Two samples side by side, as a distance between distributions reads them: ``y_true`` (u) and
``y_pred`` (v), each with its own weights (``u_weights``, ``v_weights``; without them
``sample_weight`` weighs both). Two samples of different sizes are two columns, the shorter one
ending in missing cells (NaN): no values of it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

SAMPLES = {"y_true": "u_weights", "y_pred": "v_weights"}
"""Each sample's role, and the role of its own weights."""


def weight_role(arrays: Mapping[str, Any], role: str) -> str | None:
    """The role of the weights of the sample ``role`` (``y_true`` or ``y_pred``), if any."""
    own = SAMPLES[role]
    return own if own in arrays else "sample_weight" if "sample_weight" in arrays else None


def present(arrays: Mapping[str, np.ndarray], role: str) -> np.ndarray:
    """Where the sample ``role`` has a value: neither its value nor its weight is NaN."""
    weights = weight_role(arrays, role)
    absent = np.isnan(arrays[role])
    return ~(absent if weights is None else absent | np.isnan(arrays[weights]))


def sample(batch: Any, role: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The sample ``role`` of a ``Batch`` and its weights (None: every weight 1), without
    the rows where it has no value (a batch of two samples, ``Batch(samples=True)``)."""
    values = batch.vector(role)
    weights = weight_role(batch.arrays, role)
    w = None if weights is None else batch.vector(weights)
    if not batch.samples:
        return values, w
    keep = present(batch.arrays, role)
    if keep.all():
        return values, w
    return values[keep], None if w is None else w[keep]
