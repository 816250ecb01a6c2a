"""Row numbers: which rows of the input a chunk's samples are, once rows may have been dropped."""

from __future__ import annotations

import numpy as np


class RowNumbers:
    """The 0-based file rows of a chunk's samples: ``start + i``, or, once rows were dropped,
    ``start + kept[i]``. The array is built only when asked for (worst rows, per-sample
    output): most chunks never need it."""

    def __init__(self, start: int, n: int, kept: np.ndarray | None = None) -> None:
        self.start, self.n, self.kept = start, n, kept
        self._array: np.ndarray | None = None

    def __len__(self) -> int:
        return self.n if self.kept is None else len(self.kept)

    def __getitem__(self, i: int) -> int:
        return self.start + (i if self.kept is None else int(self.kept[i]))

    def subset(self, keep: np.ndarray) -> RowNumbers:
        return RowNumbers(self.start, self.n, np.flatnonzero(keep) if self.kept is None else self.kept[keep])

    def array(self) -> np.ndarray:
        if self._array is None:
            self._array = self.start + (np.arange(self.n) if self.kept is None else self.kept)
        return self._array
