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
- ``EqualMass`` (``equal_mass``): the edges are the weighted quantiles of the confidences at
  ``k/B``, known only once every sample has been seen: sorted runs, two passes.

``problems`` reads the calibration problems of a batch; ``CalibrationState``, the state of
every calibration score (``calibration``), keeps their binned sums, and its ``table`` gives
the bins of positive weight of each problem (a ``Table`` of ``Bin`` sums), which
``CalibrationState.bins`` shows as rows, for a reliability diagram.

Intervals (``--ci``): an equal-width bin's sums are sums over rows, so with ``track`` each
replicate group's bin sums are kept too (``EqualWidth.by_group``; equal-mass bins keep their
runs by group, ``equal_mass``, the interval then conditional on the edges of every row), and
the jackknife and the bootstrap recompute the score from them (``CalibrationState.statistic``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.bin_edges import EQUAL_WIDTH
from lossctl.losses.bin_sums import WEIGHT, Bin, Table, add_into, cell_sums, dense
from lossctl.losses.errors import InputDomainError, LossError
from lossctl.losses.state import accumulate, representable
from lossctl.losses.summation import Accumulator, to_float

TOP_LABEL, CLASSWISE = "top-label", "classwise"
MAX_RESAMPLED_CELLS = 1024  # problems x bins an interval resamples at most (2000 resamples of 3 sums each)


def equal_width_index(confidence: np.ndarray, bins: int) -> np.ndarray:
    """The bin of each confidence in [0, 1]: how many of the edges ``k/B`` (correctly rounded,
    ``0 < k < B``) it reaches; 1 is in the last bin, ``B - 1``.

    ``floor(c B)`` is that bin or a neighbour (``c B`` and each edge are within an ulp of
    their exact values), so one comparison with the bin's lower edge and one with its upper
    edge settle it: 3.7 ns a value, where a binary search over the edges (``searchsorted``)
    takes 22, its branches mispredicted."""
    edges = np.arange(1, bins, dtype=np.float64) / bins  # each quotient rounded once: fl(k/B)
    lower, upper = np.concatenate(([-np.inf], edges)), np.concatenate((edges, [np.inf]))
    index = np.floor(np.multiply(confidence, bins)).astype(np.intp)
    np.clip(index, 0, bins - 1, out=index)
    index -= confidence < lower[index]
    index += confidence >= upper[index]
    return index


class EqualWidth:
    """The exact sums of every (problem, bin) cell met so far: cell ``j B + k`` is bin ``k`` of
    problem ``j``. Only the cells met are kept, however many bins."""

    def __init__(self, bins: int) -> None:
        self.bins = bins
        self.cells: dict[int, list[int]] = {}
        self.grouped = False  # with track: the cells of each replicate group too
        self.by_group: dict[int, list[int]] = {}  # cell ``g P B + c`` of group g

    def add(
        self, confidence: np.ndarray, outcome: np.ndarray, weights: np.ndarray | None, group: np.ndarray | None = None
    ) -> None:
        """Fold in a batch: ``confidence`` and ``outcome`` are samples x problems; with
        ``track``, ``group`` is each sample's replicate group."""
        problems = confidence.shape[1]
        cell = (np.arange(problems) * self.bins + equal_width_index(confidence, self.bins)).ravel()
        w = None if weights is None else np.repeat(weights, problems)
        terms = [(None, w), (confidence.ravel(), w), (outcome.ravel(), w)]
        if self.grouped:  # the cells of every row are the groups' summed (``totals``)
            add_into(self.by_group, cell_sums(np.repeat(group, problems) * (problems * self.bins) + cell, terms))
        else:
            add_into(self.cells, cell_sums(cell, terms))

    def merge(self, other: EqualWidth) -> None:
        add_into(self.cells, other.cells)
        add_into(self.by_group, other.by_group)

    def dense(self, weight: int, problems: int) -> tuple[list[int], np.ndarray]:
        """Every cell's exact sums, and each replicate group's, rounded (``bin_sums.dense``)."""
        return dense(self.by_group, problems * self.bins)

    def totals(self, problems: int) -> dict[int, list[int]]:
        """The sums of every cell met, over every row (with ``track``, the groups' summed)."""
        cells = {key: list(sums) for key, sums in self.cells.items()}
        width = problems * self.bins
        for key, sums in self.by_group.items():
            add_into(cells, {key % width: sums})
        return cells

    def table(self, weight: int, problems: int) -> Table:
        out: list[list[Bin]] = [[] for _ in range(problems)]
        cells = self.totals(problems)
        for key in sorted(cells):
            j, k = divmod(key, self.bins)
            sums = cells[key]
            if sums[WEIGHT] > 0:
                out[j].append(Bin(k / self.bins, (k + 1) / self.bins, *sums))
        return Table(weight, out)


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
        binned: bool = True,
    ) -> None:
        self.measure = measure
        self.binned_score = binned  # a score of the bins (False: of the base rate alone)
        self.resampled = resampled  # the score of cell sums (W_b, C_b, A_b, W), vectorized; None: no interval
        self.read = partial(problems, from_logits=from_logits, multiclass=multiclass)
        if binning == EQUAL_WIDTH:
            self.binned = EqualWidth(bins)
        else:  # equal-mass bins sort the confidences: their module is loaded when asked for
            from lossctl.losses.equal_mass import EqualMass

            self.binned = EqualMass(bins)
        self.weight = Accumulator()
        self.n = 0
        self._cells: tuple[list[int], np.ndarray] | None = None  # the dense sums, once computed
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
        self.binned.add(confidence, outcome, w, batch.replicates)
        self.n += len(confidence)
        self._cells = None

    def _see(self, problems: int) -> None:
        if self.problems and problems and problems != self.problems:
            raise LossError(f"inputs of {self.problems} and of {problems} classes")
        self.problems = self.problems or problems

    def merge(self, other: CalibrationState) -> CalibrationState:
        self._see(other.problems)
        self.weight.merge(other.weight)
        self.binned.merge(other.binned)
        self.n += other.n
        self._cells = None
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
        return f"more than {MAX_RESAMPLED_CELLS} bins x classes: the resamples would not fit in bounded memory"

    @property
    def interval_note(self) -> str:
        """What ``explain`` adds to the intervals' methods: when not to trust them."""
        if self.resampled is None:
            return ""
        if not self.binned_score:
            return "A function of the base rate alone: no bins, and no bias from binning."
        return (
            "Each bin's sums are sums over rows; equal-mass bins are those of the whole sample (the "
            "interval is conditional on their edges). "
            "The binned score is biased upward when the model is nearly calibrated (each bin adds the "
            "mean |noise| of its accuracy, about sqrt(bins / n)): there the interval lies above the truth; "
            "trust it where every bin's gap is well above that noise."
        )

    def _resamplable(self) -> bool:
        return self.resampled is not None and max(self.problems, 1) * self.binned.bins <= MAX_RESAMPLED_CELLS

    def track(self, moments: bool = True, groups: bool = True) -> None:
        """Each replicate group's bin sums (of equal-mass bins: their runs, summed in the
        second pass): the intervals are the jackknife's and the bootstrap's."""
        if self._resamplable():
            self.binned.grouped = True

    def sums(self) -> list[int]:
        """Every cell's exact sums, ``W_b, C_b, A_b`` for each bin of each problem; none (no
        interval) for a score that is no function of them."""
        if not self._resamplable() or (self.n and not self.binned.grouped):
            return []
        if self.n == 0:
            return [0]  # no rows yet: the method is known
        return self._dense()[0]

    def group_sums(self) -> np.ndarray:
        return self._dense()[1]

    def _dense(self) -> tuple[list[int], np.ndarray]:
        """The cells' sums and their groups', once (an equal-mass second pass is not cheap)."""
        if self._cells is None:
            self._cells = self.binned.dense(self.table().weight, self.problems)
        return self._cells

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
