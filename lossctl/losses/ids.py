"""Query ids, the one input compared only for equality: numbers or text, kept in their own type
(int64, float64, or an object array of ``str``), so that text ids need no coding and large
integer ids are not rounded to float64."""

from __future__ import annotations

from typing import Any

import numpy as np

from lossctl.losses.errors import InputDomainError


def query_ids(values: Any, role: str = "query") -> np.ndarray:
    """``values`` as a 1-D array of ids; ``InputDomainError`` naming the first missing one (NaN,
    None, empty text)."""
    a = np.asarray(values)
    if a.ndim != 1:
        raise InputDomainError(f"expected one id per sample, got shape {a.shape}", role=role)
    if a.dtype.kind in "US":
        a = a.astype(object)
    if a.dtype.kind in "fc":
        missing = ~np.isfinite(a)
    elif a.dtype == object:
        missing = np.fromiter((v is None or v != v or v == "" for v in a.tolist()), bool, len(a))  # None, NaN, ""
    else:
        return a
    if missing.any():
        raise InputDomainError("a missing query id", role=role, index=int(np.argmax(missing)))
    return a
