"""Replicate groups: the rows dealt into ``GROUPS`` random groups, each with its own sums.

A row's group is a hash of its position in the input and the seed (SplitMix64, Steele, Lea &
Flood 2014), so it does not depend on how the rows were split into chunks, row groups, files
or partitions: every engine deals the same rows into the same groups, and the groups' states
are exact, so every interval taken from them is the same float whatever the split. An
interval then needs no second pass and no memory per row: the bootstrap resamples whole
groups (a random-groups bootstrap, Wolter 2007, Introduction to Variance Estimation, ch. 2),
the jackknife deletes one group at a time.

A state that tracks its groups (``track``) sums each group apart in the same scatter that
sums the whole (``summation.GroupedAccumulator``). One weight per row per replicate (a
Poisson bootstrap) would cost a sum per replicate per chunk, 2000 of them; dealing the rows
into groups costs a hash per row, whatever the number of replicates. 64 groups keep the bootstrap's
variance within (G - 1)/G = 98.4% of the row bootstrap's, and a jackknife with 63 degrees of
freedom.
"""

from __future__ import annotations

import numpy as np

GROUPS = 64
_GOLDEN = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def groups_of_rows(rows: np.ndarray, seed: int) -> np.ndarray:
    """The replicate group of each 0-based row position: SplitMix64 of ``row`` and ``seed``,
    modulo ``GROUPS``."""
    z = _mixed(rows, seed)
    z &= np.uint64(GROUPS - 1)  # GROUPS is a power of two
    return z.astype(np.intp)


def row_factors(rows: np.ndarray, seed: int) -> np.ndarray:
    """A factor in [1, 2) for each 0-based row position, from the same hash's 52 high bits:
    ``sum(factor * label)`` tells two files' labels apart when they differ in any row, in
    value or in order (what pairing rows by position needs)."""
    z = _mixed(rows, seed) >> np.uint64(12)
    return 1.0 + z.astype(np.float64) * 2.0**-52


def _mixed(rows: np.ndarray, seed: int) -> np.ndarray:
    """SplitMix64's finalizer of ``row + (seed + 1) * golden``, as unsigned 64-bit ints."""
    z = np.asarray(rows, dtype=np.uint64) + np.uint64(((seed + 1) * _GOLDEN) & _MASK)  # wraps modulo 2**64
    for shift, multiplier in ((30, _MIX1), (27, _MIX2)):
        z ^= z >> np.uint64(shift)
        z *= multiplier
    z ^= z >> np.uint64(31)
    return z
