"""The cells of a chunk's calibration sums, told apart by counting where their numbers are
small and by sorting elsewhere: both give ``np.unique``'s values and inverse."""

from __future__ import annotations

import numpy as np
import pytest

from lossctl.losses.bin_sums import _distinct

from ._support import rng_for


@pytest.mark.parametrize(
    ("rows", "largest"),
    [(0, 1), (1, 1), (65_536, 15), (65_536, 960), (100_000, 96_000), (3, 65_536), (1_000, 1 << 21)],
    ids=["empty", "one", "15 bins", "15 bins x 64 groups", "classwise, 100 classes", "few rows", "beyond 2**20"],
)
def test_cells_are_numbered_as_np_unique_numbers_them(rows, largest):
    cell = rng_for("cells", rows, largest).integers(0, largest, rows)
    present, inverse = _distinct(cell)
    expected_present, expected_inverse = np.unique(cell, return_inverse=True)
    assert np.array_equal(present, expected_present) and present.dtype == expected_present.dtype
    assert np.array_equal(inverse, expected_inverse) and inverse.dtype == expected_inverse.dtype
