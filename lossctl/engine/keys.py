"""Row keys (``--on``) as 64-bit integers: what deals a row into its replicate group and gives
it its fingerprint factor when rows are paired by a key rather than by position, so that two
files listing the same keys in different orders pair row for row.

Integers are taken as they are, floats by their bits (-0.0 as 0.0), anything else (strings)
by pandas' ``hash_array`` (SipHash of the value, the same in every process and on every
machine).
"""

from __future__ import annotations

import numpy as np


def key_ids(keys: np.ndarray) -> np.ndarray:
    """A 64-bit integer per key, equal for equal keys."""
    keys = np.asarray(keys)
    if keys.dtype.kind in "iub":
        return keys.astype(np.int64).view(np.uint64)
    if keys.dtype.kind == "f":
        return (keys.astype(np.float64) + 0.0).view(np.uint64)
    from pandas.util import hash_array

    return hash_array(keys.astype(object), categorize=False)
