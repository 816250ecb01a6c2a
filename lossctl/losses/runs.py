"""Sorted runs: every sample of a loss that needs them in order, in bounded memory.

The 1-D Wasserstein distance integrates |F_u - F_v| over the merged order of two samples, so
it needs every value and its weight, sorted. ``Runs`` buffers a sample batch after batch; when
the buffer holds ``BUFFER_VALUES`` values it is sorted and written to a temporary ``.npy``
file: a run, as in an external sort (Knuth, The Art of Computer Programming, vol. 3, 5.4).
``aligned_ranges`` then reads the runs of several samples back one range of values at a time,
between splitters sampled from the runs, each run read in order from where the last range
ended (a file is read, not mapped: mapped pages would count as the process's memory), every
range sorted in memory. Memory is bounded by the buffer and the range, whatever the number of
samples (a single value repeated more often than a range holds is read at once). A ``Runs``
sent to another process (a Dask worker's) carries its values with it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lossctl.losses.summation import UNIT, Accumulator, exact_sum

if TYPE_CHECKING:
    import tempfile

BUFFER_VALUES = 1 << 20  # values held before a run is written (8 MiB, and as much of weights)
RANGE_VALUES = 1 << 20  # values of all runs read back at a time, about
SAMPLE_EVERY = 1024  # a run keeps every SAMPLE_EVERY-th value in memory, to place the splitters
READ_VALUES = 1 << 16  # values read from a run file at a time
SEARCH_BLOCK = 4096  # weights summed at a time while looking for a quantile

Run = tuple[np.ndarray, np.ndarray | None]  # values sorted, then weights: a sample in order


class Runs:
    """A sample of values (and their weights, for every value or none), in sorted runs."""

    def __init__(self, buffer_values: int | None = None) -> None:
        self.buffer_values = buffer_values  # None: BUFFER_VALUES, read when a batch comes
        self._buffer: list[Run] = []
        self._buffered = 0
        self._runs: list[_SortedRun] = []
        self._directory: tempfile.TemporaryDirectory | None = None  # this sample's run files
        self._kept: list[tempfile.TemporaryDirectory] = []  # merged samples' run files
        self.count = 0
        self.weighted: bool | None = None

    def add(self, values: np.ndarray, weights: np.ndarray | None) -> None:
        """Append a batch of values and their weights (None: every weight 1)."""
        self._check(weights is not None)
        values = np.array(values, dtype=np.float64)
        values += 0.0  # -0.0 becomes 0.0: a sort leaves equal values in no fixed order, so one sign
        self._buffer.append((values, None if weights is None else np.array(weights)))
        self._buffered += len(values)
        self.count += len(values)
        if self._buffered >= (self.buffer_values or BUFFER_VALUES):
            self._runs.append(_SortedRun(*self._take_buffer(), self._files()))

    def merge(self, other: Runs) -> None:
        """Take in ``other``'s values."""
        if other.weighted is None:
            return
        self._check(other.weighted)
        self._runs.extend(other.sorted_runs())
        self._kept += [d for d in (other._directory, *other._kept) if d is not None]  # live while used here
        self.count += other.count

    def _check(self, weighted: bool) -> None:
        if self.weighted is None:
            self.weighted = weighted
        elif self.weighted != weighted:
            raise ValueError("sample weights were given for some batches only")

    def sorted_runs(self) -> list[_SortedRun]:
        """Every run, the buffer sorted into one (kept in memory)."""
        if self._buffer:
            self._runs.append(_SortedRun(*self._take_buffer()))
        return self._runs

    def _take_buffer(self) -> Run:
        run = _sorted(self._buffer)
        self._buffer, self._buffered = [], 0
        return run

    def _files(self) -> Path:
        """The stem of the next run's files, in a temporary directory that is removed when no
        sample uses it any more."""
        if self._directory is None:
            import tempfile  # on the first spill only: most samples never leave memory

            self._directory = tempfile.TemporaryDirectory(prefix="lossctl-runs-", ignore_cleanup_errors=True)
        return Path(self._directory.name) / f"run{len(self._runs)}"

    def __getstate__(self) -> dict:
        """What pickling sends: the runs' values in memory (the files are this process's)."""
        return {"runs": [run.in_memory() for run in self.sorted_runs()], "count": self.count, "weighted": self.weighted}

    def __setstate__(self, state: dict) -> None:
        self.__init__()
        self._runs, self.count, self.weighted = state["runs"], state["count"], state["weighted"]


class _SortedRun:
    """A sorted run, in memory or (given a file ``stem``) in raw files of values and weights,
    with every SAMPLE_EVERY-th value kept to place the splitters."""

    def __init__(self, values: np.ndarray, weights: np.ndarray | None, stem: Path | None = None) -> None:
        self.sample = values[SAMPLE_EVERY - 1 :: SAMPLE_EVERY].copy()
        self.length = len(values)
        self.arrays: Run | None = (values, weights)
        self.paths: tuple[Path, Path | None] | None = None
        if stem is not None:
            self.paths = (stem.with_suffix(".values"), None if weights is None else stem.with_suffix(".weights"))
            values.tofile(self.paths[0])
            if weights is not None:
                weights.tofile(self.paths[1])
            self.arrays = None

    def in_memory(self) -> _SortedRun:
        if self.arrays is not None:
            return self
        values_path, weights_path = self.paths
        return _SortedRun(np.fromfile(values_path), None if weights_path is None else np.fromfile(weights_path))


class _Cursor:
    """A run read in order: ``below(high)`` gives its next values below ``high``."""

    def __init__(self, run: _SortedRun) -> None:
        self.run = run
        self.position = 0  # in the run, of the first value not yet given
        self.pending: Run | None = None  # values read from the files and not yet given

    def below(self, high: float) -> Run:
        if self.run.arrays is not None:
            values, weights = self.run.arrays
            end = self.position + int(np.searchsorted(values[self.position :], high, side="left"))
            start, self.position = self.position, end
            return values[start:end], None if weights is None else weights[start:end]
        while self.position < self.run.length and (self.pending is None or self.pending[0][-1] < high):
            self._read()
        if self.pending is None:
            return np.empty(0), (None if self.run.paths[1] is None else np.empty(0))
        values, weights = self.pending
        cut = int(np.searchsorted(values, high, side="left"))
        self.pending = (values[cut:], None if weights is None else weights[cut:]) if cut < len(values) else None
        return values[:cut], None if weights is None else weights[:cut]

    def _read(self) -> None:
        """The next READ_VALUES of the run's files, each opened for the read only: a sample of
        many runs holds no file open between ranges."""
        count = min(READ_VALUES, self.run.length - self.position)
        offset = self.position * np.dtype(np.float64).itemsize
        read = [
            None if p is None else np.fromfile(p, dtype=np.float64, count=count, offset=offset) for p in self.run.paths
        ]
        self.position += count
        if self.pending is not None:
            read = [None if r is None else np.concatenate((p, r)) for p, r in zip(self.pending, read, strict=True)]
        self.pending = (read[0], read[1])


def _sorted(parts: list[Run]) -> Run:
    """The parts as one run: by value, and equal values by weight (a total order, so that a
    run is the same whatever order its parts came in). Parts that are sorted runs already
    are sorted again all the same: NumPy's quicksort (vectorized by x86-simd-sort on AVX2
    and AVX-512) takes 8 ns a value where merging them with the stable sort (timsort)
    takes 21 (2**20 values in 20 runs)."""
    values = np.concatenate([v for v, _ in parts])
    if parts[0][1] is None:
        values.sort()
        return values, None
    weights = np.concatenate([w for _, w in parts])
    order = np.lexsort((weights, values))
    return values[order], weights[order]


def aligned_ranges(*samples: Runs) -> Iterator[list[Run]]:
    """The samples' values and weights, one range of values at a time, in ascending order:
    for each range, every sample's values in it, sorted as in a run. The ranges are the same
    for every sample, so that their merged order is the order of the ranges."""
    runs = [sample.sorted_runs() for sample in samples]
    every = [run for sample in runs for run in sample]
    bounds = [*_splitters(every), np.inf]
    cursors = [[_Cursor(run) for run in sample] for sample in runs]
    for high in bounds:
        yield [
            _next_range(sample_cursors, sample, high) for sample_cursors, sample in zip(cursors, samples, strict=True)
        ]


def _splitters(runs: list[_SortedRun]) -> np.ndarray:
    """Values that cut the runs into ranges of about RANGE_VALUES values: each sampled value
    stands for the SAMPLE_EVERY values up to it, and every ``per_range``-th of all of them (in
    order) is a splitter. A range holds at most RANGE_VALUES / 2 values plus, from each run,
    fewer than SAMPLE_EVERY before its first sampled value in the range."""
    if sum(run.length for run in runs) <= RANGE_VALUES:
        return np.empty(0)
    candidates = np.sort(np.concatenate([run.sample for run in runs]))
    per_range = max(1, RANGE_VALUES // (2 * SAMPLE_EVERY))
    return np.unique(candidates[per_range - 1 :: per_range])


def _next_range(cursors: list[_Cursor], sample: Runs, high: float) -> Run:
    """The sample's values below ``high`` not given yet, as one sorted run."""
    parts = [part for part in (cursor.below(high) for cursor in cursors) if len(part[0])]
    return _sorted(parts) if parts else (np.empty(0), np.empty(0) if sample.weighted else None)


def totals(sample: Runs) -> tuple[int, int]:
    """``(sum w, sum w x)`` over the sample, exact (multiples of ``2**-UNIT``)."""
    weight = total = 0
    for [(values, weights)] in aligned_ranges(sample):
        if len(values):
            weight += exact_sum(np.ones(len(values)) if weights is None else weights)
            total += exact_sum(values, weights)
    return weight, total


def inverted_cdf(sample: Runs, targets: list[Fraction], *, beyond: bool = False) -> list[float]:
    """For each of the ascending ``targets`` (cumulative weights, exact multiples of
    ``2**-UNIT``), the smallest value whose cumulative weight in ascending order reaches it and
    is positive: the weighted inverted CDF (Hyndman & Fan 1996, definition 1; numpy's
    ``quantile(method="inverted_cdf")``); with ``beyond``, whose cumulative weight exceeds it
    (the next value where a cumulative weight equals the target). Cumulative weights are exact
    sums compared with the exact targets, so the values do not depend on how the rows were
    split; one pass over the runs. Without weights a target's value is found by counting;
    with them, blocks of weights are summed at once and only a block that reaches a target is
    walked."""
    found: list[float] = []
    total = 0
    for [(values, weights)] in aligned_ranges(sample):
        if weights is None:  # every weight 1: the value that reaches a target is counted to
            for target in targets[len(found) :]:
                i = _count_reaching(target - total, beyond) - 1
                if i >= len(values):
                    break
                found.append(float(values[i]))
            total += len(values) << UNIT
            continue
        for start in range(0, len(weights), SEARCH_BLOCK):
            block = weights[start : start + SEARCH_BLOCK]
            step = exact_sum(block)
            if len(found) < len(targets) and _reaches(total + step, targets[len(found)], beyond):
                running = Accumulator()
                running.total = total
                for i, weight in enumerate(block.tolist()):
                    running.add_scalar(weight)
                    while len(found) < len(targets) and _reaches(running.total, targets[len(found)], beyond):
                        found.append(float(values[start + i]))
            total += step
    return found


def _count_reaching(target: Fraction, beyond: bool) -> int:
    """The fewest values of weight 1 (at least one) whose cumulative weight reaches
    ``target`` (a multiple of ``2**-UNIT``), or exceeds it with ``beyond``."""
    units = target / (1 << UNIT)
    return max(1, math.floor(units) + 1 if beyond else math.ceil(units))


def _reaches(cumulative: int, target: Fraction, beyond: bool) -> bool:
    return (cumulative > target if beyond else cumulative >= target) and cumulative > 0
