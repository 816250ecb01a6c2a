"""Row keys (``--on``) as 64-bit integers: what deals a row into its replicate group and gives
it its fingerprint factor when rows are paired by a key rather than by position, so that two
files listing the same keys in different orders pair row for row.

Integers are taken as they are, and so are floats that hold one (``3.0`` is the key ``3``,
whichever file wrote it as which); other floats by their bits (-0.0 as 0.0); anything else
(strings) by pandas' ``hash_array`` (SipHash of the value, the same in every process and on every
machine).
"""

from __future__ import annotations

import numpy as np


def key_ids(keys: np.ndarray) -> np.ndarray:
    """A 64-bit integer per key, equal for equal keys."""
    keys = np.asarray(keys)
    if keys.dtype.kind in "iub":
        return keys.astype(np.int64).view(np.uint64)
    if keys.dtype.kind != "f":  # text: numbers written as text are those numbers
        try:
            keys = keys.astype(np.float64)
        except (TypeError, ValueError):
            from pandas.util import hash_array

            return hash_array(keys.astype(object), categorize=False)
    values = keys.astype(np.float64) + 0.0
    whole = np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 2.0**63)
    as_integers = np.where(whole, values, 0.0).astype(np.int64).view(np.uint64)
    return np.where(whole, as_integers, values.view(np.uint64))
