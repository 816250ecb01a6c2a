"""Binned sums of calibration problems: exact, streamed, mergeable.

A calibration problem is a confidence ``c`` and an outcome ``o`` in {0, 1} per sample, with
its weight ``w``: a binary forecast and its label, a top-label confidence and whether its class
was right, or one class's probability and whether it was that class. A calibration score is a
function of the per-bin sums ``W_b = sum w``, ``C_b = sum w c`` and ``A_b = sum w o``, kept
as exact integers (multiples of ``2**-UNIT``, see ``summation``), so that a score is the same
float whatever the split of the rows.

Two binnings:

- ``EqualWidth``: bin ``k`` of ``B`` is ``[k/B, (k+1)/B)``, the last one closed, its edges
  the floats nearest ``k/B`` (so a probability written 0.3 is in ``[0.3, 0.4)``, where a
  linspace's 0.30000000000000004 would put it in the bin below). The sums are streamed: a
  batch adds to its bins', states merge by adding them.
- ``EqualMass``: the edges are the weighted quantiles of the confidences at ``k/B``, known only
  once every sample has been seen. The confidences (and those of the samples whose outcome is
  1) are kept in sorted runs (``runs``: bounded memory, spilled to disk past a million); the
  edges are one pass over them, the bin sums a second.

``problems`` reads the calibration problems of a batch; ``CalibrationState``, the state of
every calibration score (``calibration``), keeps their binned sums, and its ``table`` gives
the bins of positive weight of each problem (a ``Table`` of ``Bin`` sums), which
``CalibrationState.bins`` shows as rows, for a reliability diagram.

Intervals (``--ci``): an equal-width bin's sums are sums over rows, so with ``track`` each
replicate group's bin sums are kept too (``EqualWidth.by_group``), and the jackknife and the
bootstrap recompute the score from them (``CalibrationState.statistic``). Equal-mass edges
depend on every row; their scores have no interval here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import partial

import numpy as np

from lossctl.losses import runs
from lossctl.losses.batch import Batch
from lossctl.losses.bin_edges import EQUAL_WIDTH
from lossctl.losses.errors import InputDomainError, LossError
from lossctl.losses.replication import GROUPS
from lossctl.losses.runs import Runs, aligned_ranges, inverted_cdf
from lossctl.losses.state import accumulate, representable
from lossctl.losses.summation import Accumulator, GroupedAccumulator, to_float

SHARED_FLOOR = 1 << 15  # values buffered per sample at the least, however many classes
TOP_LABEL, CLASSWISE = "top-label", "classwise"
WEIGHT, OUTCOME = 0, 2  # a cell's sums: sum w, sum w c, sum w o, in this order
_AT_ONCE = 256  # cells summed by one grouped accumulator: its bins stay a few MiB
MAX_RESAMPLED_CELLS = 1024  # problems x bins an interval resamples at most (2000 resamples of 3 sums each)


@dataclass(frozen=True)
class Bin:
    """One bin of positive weight: its edges and its exact sums (multiples of ``2**-UNIT``):
    ``weight = sum w``, ``confidence = sum w c``, ``outcome = sum w o``."""

    low: float
    high: float
    weight: int
    confidence: int
    outcome: int


@dataclass(frozen=True)
class Table:
    """The bins of every problem (one for binary and top-label, one per class for classwise),
    and the total weight ``W``, the same for every problem: each sample is in each."""

    weight: int
    problems: list[list[Bin]]


def equal_width_index(confidence: np.ndarray, bins: int) -> np.ndarray:
    """The bin of each confidence in [0, 1]: how many of the edges ``k/B`` (correctly rounded,
    ``0 < k < B``) it reaches; 1 is in the last bin, ``B - 1``."""
    edges = np.arange(1, bins, dtype=np.float64) / bins  # each quotient rounded once: fl(k/B)
    return np.searchsorted(edges, confidence, side="right").astype(np.intp)


def cell_sums(cell: np.ndarray, terms: list[tuple[np.ndarray | None, np.ndarray | None]]) -> dict[int, list[int]]:
    """For each distinct ``cell``, the exact sum of every term over the rows of that cell. A
    term ``(values, weights)`` sums ``weights * values``; values None sums the weights, and
    both None counts the rows."""
    present, inverse = np.unique(cell, return_inverse=True)
    out: dict[int, list[int]] = {}
    for first in range(0, len(present), _AT_ONCE):
        rows = slice(None) if len(present) <= _AT_ONCE else (inverse >= first) & (inverse < first + _AT_ONCE)
        group = inverse[rows] - first
        columns = []
        for values, weights in terms:
            total = GroupedAccumulator(min(_AT_ONCE, len(present) - first))
            w = None if weights is None else weights[rows]
            if values is not None:
                accumulate(total, values[rows], w, "y_pred", group)
            elif w is not None:
                accumulate(total, w, None, "sample_weight", group)
            else:
                total.add_counts(group)
            columns.append(total.totals)
        for i, key in enumerate(present[first : first + _AT_ONCE].tolist()):
            out[key] = [column[i] for column in columns]
    return out


def _add_into(cells: dict[int, list[int]], sums: dict[int, list[int]], first: int = 0) -> None:
    """Add ``sums`` to ``cells``, a cell's sums from the ``first``-th of its three on."""
    for key, values in sums.items():
        mine = cells.setdefault(key, [0, 0, 0])
        for i, value in enumerate(values, start=first):
            mine[i] += value


class EqualWidth:
    """The exact sums of every (problem, bin) cell met so far: cell ``j B + k`` is bin ``k`` of
    problem ``j``. Only the cells met are kept, however many bins."""

    def __init__(self, bins: int) -> None:
        self.bins = bins
        self.cells: dict[int, list[int]] = {}
        self.by_group: dict[int, list[int]] | None = None  # with track: cell ``g P B + c`` of group g

    def add(
        self, confidence: np.ndarray, outcome: np.ndarray, weights: np.ndarray | None, group: np.ndarray | None = None
    ) -> None:
        """Fold in a batch: ``confidence`` and ``outcome`` are samples x problems; with
        ``track``, ``group`` is each sample's replicate group."""
        problems = confidence.shape[1]
        cell = (np.arange(problems) * self.bins + equal_width_index(confidence, self.bins)).ravel()
        w = None if weights is None else np.repeat(weights, problems)
        terms = [(None, w), (confidence.ravel(), w), (outcome.ravel(), w)]
        _add_into(self.cells, cell_sums(cell, terms))
        if self.by_group is not None and group is not None:
            _add_into(self.by_group, cell_sums(np.repeat(group, problems) * (problems * self.bins) + cell, terms))

    def merge(self, other: EqualWidth) -> None:
        _add_into(self.cells, other.cells)
        if self.by_group is not None and other.by_group is not None:
            _add_into(self.by_group, other.by_group)

    def dense(self, problems: int) -> tuple[list[int], np.ndarray]:
        """The sums of every cell, ``3 P B`` of them in cell order (zeros for the cells not
        met), exact; and each replicate group's, rounded: a row per group."""
        width = problems * self.bins
        totals = [0] * (3 * width)
        for key, sums in self.cells.items():
            totals[3 * key : 3 * key + 3] = sums
        groups = np.zeros((GROUPS, 3 * width))
        for key, sums in self.by_group.items():
            g, c = divmod(key, width)
            groups[g, 3 * c : 3 * c + 3] = [to_float(t) for t in sums]
        return totals, groups

    def table(self, weight: int, problems: int) -> Table:
        out: list[list[Bin]] = [[] for _ in range(problems)]
        for key in sorted(self.cells):
            j, k = divmod(key, self.bins)
            sums = self.cells[key]
            if sums[WEIGHT] > 0:
                out[j].append(Bin(k / self.bins, (k + 1) / self.bins, *sums))
        return Table(weight, out)


class EqualMass:
    """Every confidence of each problem in sorted runs, with its weight, and apart those whose
    outcome is 1: the bins are made when every sample has been seen."""

    def __init__(self, bins: int) -> None:
        self.bins = bins
        self.samples: list[tuple[Runs, Runs]] = []  # per problem: (every sample, the hits)

    def add(self, confidence: np.ndarray, outcome: np.ndarray, weights: np.ndarray | None) -> None:
        if not self.samples:
            self.samples = _samples(confidence.shape[1])
        for j, (every, hits) in enumerate(self.samples):
            hit = outcome[:, j] == 1.0
            try:
                every.add(confidence[:, j], weights)
                hits.add(confidence[hit, j], None if weights is None else weights[hit])
            except ValueError as exc:  # weights for some batches only
                raise LossError(str(exc)) from None

    def merge(self, other: EqualMass) -> None:
        if not other.samples:
            return
        if not self.samples:
            self.samples = _samples(len(other.samples))
        for (every, hits), (their_every, their_hits) in zip(self.samples, other.samples, strict=True):
            try:
                every.merge(their_every)
                hits.merge(their_hits)
            except ValueError as exc:
                raise LossError(str(exc)) from None

    def table(self, weight: int, problems: int) -> Table:
        return Table(weight, [self._bins(every, hits, weight) for every, hits in self.samples])

    def _bins(self, every: Runs, hits: Runs, weight: int) -> list[Bin]:
        """A problem's bins: ``quantile_edges``, then a second pass that sums each bin, a
        confidence equal to an edge in the bin below it (``searchsorted``, side left)."""
        inner = np.array(quantile_edges(every, self.bins, weight))
        cells: dict[int, list[int]] = {}
        lowest, highest = math.inf, -math.inf
        for (values, weights), (hit_values, hit_weights) in aligned_ranges(every, hits):
            if len(values):
                lowest, highest = min(lowest, values[0]), max(highest, values[-1])
                _add_into(cells, cell_sums(np.searchsorted(inner, values), [(None, weights), (values, weights)]))
            if len(hit_values):
                _add_into(cells, cell_sums(np.searchsorted(inner, hit_values), [(None, hit_weights)]), OUTCOME)
        edges = [float(lowest), *inner.tolist(), float(highest)]
        return [Bin(edges[k], edges[k + 1], *cells[k]) for k in sorted(cells) if cells[k][WEIGHT] > 0]


def _samples(problems: int) -> list[tuple[Runs, Runs]]:
    """Two sorted samples per problem, sharing one buffer's worth of memory between them (down
    to ``SHARED_FLOOR`` values each): classwise bins of a hundred classes hold no more than one
    sample's buffer would, in more (and smaller) run files."""
    share = max(runs.BUFFER_VALUES // (2 * problems), SHARED_FLOOR)
    return [(Runs(share), Runs(share)) for _ in range(problems)]


def quantile_edges(runs: Runs, bins: int, weight: int) -> list[float]:
    """The inner edges ``e_k``, k = 1 .. B-1: the smallest confidence whose cumulative weight,
    in ascending order, reaches ``k W / B`` (``runs.inverted_cdf``)."""
    return inverted_cdf(runs, [Fraction(k * weight, bins) for k in range(1, bins)])


def problems(batch: Batch, *, from_logits: bool, multiclass: str) -> tuple[np.ndarray, np.ndarray]:
    """``(confidence, outcome)``, samples x problems: a binary probability and its label; a
    top-label confidence and whether its class (the lowest of a tie) is the label; or, for
    ``classwise``, every class's probability and whether the label is that class."""
    if batch.get("y_pred").ndim != 2:
        return batch.probabilities(from_logits=from_logits)[:, None], batch.binary_target(soft=False)[:, None]
    p = np.exp(batch.class_log_probs(from_logits=True, eps=0.0)) if from_logits else batch.class_probabilities()
    labels = batch.class_labels()
    if labels is None:
        raise InputDomainError("calibration needs one class label per sample, not a target matrix", role="y_true")
    if multiclass == CLASSWISE:
        return p, (labels[:, None] == np.arange(p.shape[1])).astype(np.float64)
    predicted = p.argmax(axis=1)
    confidence = p[np.arange(len(p)), predicted]
    return confidence[:, None], (predicted == labels).astype(np.float64)[:, None]


class CalibrationState:
    """The binned sums of the calibration problems (``binning``), the total weight and the
    number of rows; ``measure`` makes the score of the ``Table``."""

    def __init__(
        self,
        measure: Callable[[Table], float],
        *,
        bins: int,
        binning: str,
        multiclass: str,
        from_logits: bool,
        resampled: Callable[..., np.ndarray] | None = None,
    ) -> None:
        self.measure = measure
        self.resampled = resampled  # the score of cell sums (W_b, C_b, A_b, W), vectorized; None: no interval
        self.read = partial(problems, from_logits=from_logits, multiclass=multiclass)
        self.binned = EqualWidth(bins) if binning == EQUAL_WIDTH else EqualMass(bins)
        self.weight = Accumulator()
        self.n = 0
        self.problems = 0  # 1, or the classes of a classwise score; 0 before any sample

    def update(self, batch: Batch) -> None:
        confidence, outcome = self.read(batch)
        if not len(confidence):
            return
        self._see(confidence.shape[1])
        w = batch.sample_weight
        if w is None:
            self.weight.add_scalar(len(confidence))
        else:
            accumulate(self.weight, w, None, "sample_weight")
        if isinstance(self.binned, EqualWidth):
            self.binned.add(confidence, outcome, w, batch.replicates)
        else:
            self.binned.add(confidence, outcome, w)
        self.n += len(confidence)

    def _see(self, problems: int) -> None:
        if self.problems and problems and problems != self.problems:
            raise LossError(f"inputs of {self.problems} and of {problems} classes")
        self.problems = self.problems or problems

    def merge(self, other: CalibrationState) -> CalibrationState:
        self._see(other.problems)
        self.weight.merge(other.weight)
        self.binned.merge(other.binned)
        self.n += other.n
        return self

    def table(self) -> Table:
        """The bins of positive weight of every problem; a ``LossError`` when there are none."""
        if self.n == 0:
            raise LossError("no samples to bin")
        if self.weight.total == 0:
            raise LossError("the sample weights sum to zero")
        return self.binned.table(self.weight.total, self.problems)

    def result(self) -> float:
        return representable(self.measure(self.table()))

    @property
    def why_no_interval(self) -> str:
        if self.resampled is None:
            return "a maximum over bins: one worst bin of few rows decides it, and no sum over rows"
        if not isinstance(self.binned, EqualWidth):
            return "equal-mass bins: their edges are quantiles of every row, no sum over rows (use equal-width bins)"
        return f"more than {MAX_RESAMPLED_CELLS} bins x classes: the resamples would not fit in bounded memory"

    @property
    def interval_note(self) -> str:
        """What ``explain`` adds to the intervals' methods: when not to trust them."""
        if self.resampled is None:
            return ""
        return (
            "Equal-width bins only (each bin's sums are sums over rows; equal-mass bins have none). "
            "The binned score is biased upward when the model is nearly calibrated (each bin adds the "
            "mean |noise| of its accuracy, about sqrt(bins / n)): there the interval lies above the truth; "
            "trust it where every bin's gap is well above that noise."
        )

    def _resamplable(self) -> bool:
        return (
            self.resampled is not None
            and isinstance(self.binned, EqualWidth)
            and max(self.problems, 1) * self.binned.bins <= MAX_RESAMPLED_CELLS
        )

    def track(self, moments: bool = True, groups: bool = True) -> None:
        """Each replicate group's bin sums (equal-width bins only): the intervals are the
        jackknife's and the bootstrap's, conditional on nothing (the edges are fixed)."""
        if self._resamplable():
            self.binned.by_group = {}

    def sums(self) -> list[int]:
        """Every cell's exact sums, ``W_b, C_b, A_b`` for each bin of each problem; none (no
        interval) for a score that is no function of them."""
        if not self._resamplable() or (self.n and self.binned.by_group is None):
            return []
        if self.n == 0:
            return [0]  # no rows yet: the method is known
        return self.binned.dense(self.problems)[0]

    def group_sums(self) -> np.ndarray:
        return self.binned.dense(self.problems)[1]

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        """The score of every row of ``sums`` (floats, in ``sums()`` order), vectorized."""
        cells = sums.reshape(*sums.shape[:-1], self.problems, self.binned.bins, 3)
        weight, confidence, outcome = cells[..., 0], cells[..., 1], cells[..., 2]
        total = weight[..., 0, :].sum(axis=-1)
        return self.resampled(weight, confidence, outcome, total)

    def bins(self) -> list[dict[str, float | int]]:
        """The bins, for a reliability diagram: for each bin of positive
        weight, in order of confidence (by class first, for classwise), its edges ``low`` and
        ``high``, ``count`` (the sum of its sample weights: its row count without weights), and its
        weighted mean ``confidence`` and ``accuracy`` (mean outcome); ``class`` too, for classwise.
        Equal-width bins are ``[low, high)``, the last closed; equal-mass bins ``(low, high]``, the
        first closed, ``low`` of the first the smallest confidence and ``high`` of the last the
        largest."""
        table = self.table()
        rows = []
        for k, bins in enumerate(table.problems):
            for b in bins:
                row = {
                    "low": b.low,
                    "high": b.high,
                    "count": to_float(b.weight),
                    "confidence": b.confidence / b.weight,
                    "accuracy": b.outcome / b.weight,
                }
                rows.append(row | {"class": k} if len(table.problems) > 1 else row)
        return rows
