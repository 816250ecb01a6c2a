"""Mergeable loss states: ``update(batch)`` folds a batch in, ``merge(other)`` folds another
state in, ``result()`` gives the value.

The same state serves a whole array, a stream of batches and a cluster: the law is
``merge(state(D1), ..., state(Dn)) == state(D1 + ... + Dn)`` bit for bit, whatever the split,
because every sum is an exact ``Accumulator``. ``merge`` is associative and commutative; it
folds ``other`` into ``self`` and returns ``self``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError, LossError
from lossctl.losses.moments import Moments
from lossctl.losses.replication import GROUPS
from lossctl.losses.summation import Accumulator, GroupedAccumulator, ratio, to_float

Term = Callable[[Batch], np.ndarray]


class State(Protocol):
    n: int

    def update(self, batch: Batch) -> None: ...

    def merge(self, other: State) -> State: ...

    def result(self) -> float: ...


def finite_terms(term: Term, batch: Batch, role: str = "y_pred") -> np.ndarray:
    """The per-sample terms of ``batch`` if every one is finite; else an error naming the
    first sample whose loss overflows float64 (a squared error of 1e400, say). NumPy's
    overflow warnings are silenced: the overflow is reported, as this error. A finite sum
    proves every term finite in one pass; only an infinite or NaN sum looks for the culprit."""
    values = _terms(term, batch)
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(np.sum(values))
    if not math.isfinite(total):
        _check_finite(values, role)
    return values


def _terms(term: Term, batch: Batch) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        return term(batch)


def accumulate(
    total: Accumulator | GroupedAccumulator,
    values: np.ndarray,
    weights: np.ndarray | None,
    role: str,
    group: np.ndarray | None = None,
) -> None:
    """Add ``sum(weights * values)`` to ``total`` (by ``group`` for a grouped one); an error
    at the first non-finite term."""
    added = total.add(values, weights) if group is None else total.add(values, weights, group)
    if not added:
        _check_finite(values, role)
        raise InputDomainError("a sample weight is not finite", role="sample_weight")


def _check_finite(values: np.ndarray, role: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputDomainError("the loss of this sample overflows float64", role=role, index=i)


def representable(value: float) -> float:
    """``value`` if it is a finite float64; else an error, never a silent inf or NaN."""
    if not math.isfinite(value):
        raise LossError("the loss is beyond the float64 range (|value| > 1.8e308)")
    return value


class MeanState:
    """A weighted mean of per-sample terms: ``sum(w * l) / sum(w * d)``.

    ``d`` is 1 unless a ``denominator`` is given (PyTorch's class-weighted cross-entropy divides
    by the weights of the true classes). ``finish`` maps the mean to the result (``sqrt`` for
    RMSE).
    """

    def __init__(
        self,
        term: Term,
        denominator: Term | None = None,
        finish: Callable[[float], float] | None = None,
        *,
        total: bool = False,
        summed: Callable[[Batch], int | None] | None = None,
    ):
        self.term = term
        self.summed = summed  # the exact sum of the terms without them, when it can (LossSpec.summed)
        self.denominator = denominator
        self.finish = finish
        self.total = total  # the sum sum(w * l) (reduction='sum'), not the mean
        self.numerator: Accumulator | GroupedAccumulator = Accumulator()
        self.weight: Accumulator | GroupedAccumulator = Accumulator()
        self.n = 0
        self.moments: Moments | None = None

    def track(self, moments: bool = True, groups: bool = True) -> None:
        """Keep the sums by replicate group (``Batch.replicates``), and the row moments of
        the delta method: what an interval needs (the delta method alone needs no groups).
        Called before the first update."""
        if groups:
            self.numerator, self.weight = GroupedAccumulator(GROUPS), GroupedAccumulator(GROUPS)
        self.moments = Moments() if moments else None

    def update(self, batch: Batch) -> None:
        denominators = self.denominator(batch) if self.denominator is not None else None
        group = batch.replicates if isinstance(self.numerator, GroupedAccumulator) else None
        plain = group is None and denominators is None and self.moments is None
        total = self.summed(batch) if plain and self.summed is not None else None
        if total is None:
            self.add(_terms(self.term, batch), batch.sample_weight, denominators, group)
        else:
            self.numerator.add_exact(total)
            self._weigh(batch.sample_weight, None, None, len(batch))

    def add(
        self,
        values: np.ndarray,
        w: np.ndarray | None,
        denominators: np.ndarray | None = None,
        group: np.ndarray | None = None,
    ) -> None:
        """Fold in per-sample terms, their sample weights and denominators (default 1), and
        with ``track``, each row's replicate group."""
        accumulate(self.numerator, values, w, "y_pred", group)
        self._weigh(w, denominators, group, len(values))
        if self.moments is not None:
            self.moments.add(values, w, denominators)

    def _weigh(self, w: np.ndarray | None, denominators: np.ndarray | None, group: np.ndarray | None, n: int) -> None:
        """Fold in the denominators of ``n`` rows: ``sum(w * d)``, ``sum(w)`` or the count."""
        if denominators is not None:
            accumulate(self.weight, denominators, w, "y_pred", group)
        elif w is not None:
            accumulate(self.weight, w, None, "sample_weight", group)
        elif group is not None:
            self.weight.add_counts(group)
        else:
            self.weight.add_scalar(n)
        self.n += n

    def merge(self, other: MeanState) -> MeanState:
        self.numerator.merge(other.numerator)
        self.weight.merge(other.weight)
        self.n += other.n
        if self.moments is not None and other.moments is not None:
            self.moments.merge(other.moments)
        return self

    def variance(self) -> float:
        """The delta method's variance of the mean (see ``moments``); a ``LossError`` saying
        why when there is none."""
        if self.moments is None:
            raise LossError("no row moments were kept for a normal interval")
        if self.total:
            raise LossError("no normal interval for a sum (reduction=sum): use the bootstrap")
        return self.moments.variance(self.numerator.total, self.weight.total)

    def delta_interval(self, z: float) -> tuple[float, float, float]:
        """``mean -/+ z sqrt(variance)``, then ``finish`` (monotone) applied to both ends, the
        lower end first kept at 0 or above (``finish`` is a square root); and the standard
        error of the result (for a square root, the delta method's ``se / (2 sqrt(mean))``)."""
        mean, se = self.mean(), math.sqrt(self.variance())
        half = z * se
        if self.finish is None:
            return mean - half, mean + half, se
        root = self.finish(mean)
        return self.finish(max(mean - half, 0.0)), self.finish(mean + half), se / (2.0 * root) if root else math.inf

    def sums(self) -> list[int]:
        """The exact sums the result is a function of: numerator and denominator."""
        return [self.numerator.total, self.weight.total]

    def group_sums(self) -> np.ndarray:
        """``sums()`` of each replicate group, rounded to floats: a row per group."""
        return group_columns(self.numerator, self.weight)

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        """The result of every row of ``sums`` (floats, in ``sums()`` order), vectorized."""
        if self.total:
            return sums[..., 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            means = sums[..., 0] / sums[..., 1]
        return _finished(means, self.finish)

    def mean(self) -> float:
        if self.n == 0:
            raise LossError("no samples to average")
        if self.weight.total == 0:
            raise LossError("the denominators sum to zero" if self.denominator else "the sample weights sum to zero")
        return ratio(self.numerator, self.weight)

    def result(self) -> float:
        if self.total:
            if self.n == 0:
                raise LossError("no samples to sum")
            return representable(self.numerator.value)
        m = self.mean()
        return representable(self.finish(m) if self.finish else m)


def group_columns(*accumulators: GroupedAccumulator) -> np.ndarray:
    """The groups' exact sums of ``accumulators``, rounded: a row per group, a column each."""
    return np.array([[to_float(t) for t in a.totals] for a in accumulators], dtype=np.float64).T.reshape(GROUPS, -1)


def _finished(means: np.ndarray, finish: Callable[[float], float] | None) -> np.ndarray:
    if finish is None:
        return means
    flat = [finish(m) if m >= 0 else math.nan for m in means.ravel().tolist()]
    return np.array(flat).reshape(means.shape)


class PenalizedMeanState:
    """A mean of per-sample terms plus a sum of per-sample penalties (not averaged)."""

    def __init__(self, term: Term, penalty: Term):
        self.mean = MeanState(term)
        self.penalty_term = penalty
        self.penalty: Accumulator | GroupedAccumulator = Accumulator()

    @property
    def n(self) -> int:
        return self.mean.n

    def track(self, moments: bool = True, groups: bool = True) -> None:
        """Sums by replicate group; the interval of a mean plus a sum is the jackknife's."""
        self.mean.track(moments=False)
        self.penalty = GroupedAccumulator(GROUPS)

    def update(self, batch: Batch) -> None:
        self.mean.update(batch)
        penalties = _terms(self.penalty_term, batch)
        accumulate(self.penalty, penalties, batch.sample_weight, "y_pred", batch.replicates)

    def merge(self, other: PenalizedMeanState) -> PenalizedMeanState:
        self.mean.merge(other.mean)
        self.penalty.merge(other.penalty)
        return self

    def result(self) -> float:
        return representable(self.mean.result() + self.penalty.value)

    def sums(self) -> list[int]:
        return [*self.mean.sums(), self.penalty.total]

    def group_sums(self) -> np.ndarray:
        return np.hstack((self.mean.group_sums(), group_columns(self.penalty)))

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        return self.mean.statistic(sums[..., :2]) + sums[..., 2]


class SumState:
    """A plain sum of terms (regularization penalties over a weight array)."""

    def __init__(self, term: Term):
        self.term = term
        self.total = Accumulator()
        self.n = 0

    def update(self, batch: Batch) -> None:
        values = _terms(self.term, batch)
        accumulate(self.total, values, None, "weights")
        self.n += len(values)

    def merge(self, other: SumState) -> SumState:
        self.total.merge(other.total)
        self.n += other.n
        return self

    def result(self) -> float:
        if self.n == 0:
            raise LossError("no weights given")
        return representable(self.total.value)

    def track(self, moments: bool = True, groups: bool = True) -> None:
        """Nothing to track: the model's weights are not sampled rows."""

    def sums(self) -> list[int]:
        return []  # the model's weights are not sampled rows: nothing to resample

    def group_sums(self) -> np.ndarray:
        return np.zeros((GROUPS, 0))

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        return np.full(sums.shape[:-1], self.total.value)


class CombinedState:
    """``sum(c_k * result_k)`` over the states of a combined loss's terms.

    A batch is fed to the terms whose inputs (one of their role sets) it carries (sample batches to sample losses, a
    weight array to regularization terms); every term must have seen data by ``result``.
    """

    def __init__(self, terms: list[tuple[float, State, tuple[tuple[str, ...], ...], str]]):
        self.terms = terms

    @property
    def n(self) -> int:
        return max((state.n for _, state, _, _ in self.terms), default=0)

    def update(self, batch: Batch) -> None:
        for _, state, role_sets, _ in self.terms:
            if any(batch.has(*roles) for roles in role_sets):
                state.update(batch)

    def merge(self, other: CombinedState) -> CombinedState:
        for (_, mine, _, _), (_, theirs, _, _) in zip(self.terms, other.terms, strict=True):
            mine.merge(theirs)
        return self

    def result(self) -> float:
        total = 0.0
        for coefficient, state, _, label in self.terms:
            if state.n == 0:
                raise LossError(f"the term {label} received no input")
            total += coefficient * state.result()
        return representable(total)

    def track(self, moments: bool = True, groups: bool = True) -> None:
        """Sums by replicate group in every term (all of which can keep them: see
        ``intervals.resamplable``); the interval of a sum of terms of the same rows is the
        jackknife's (their covariances are not kept), so no moments."""
        for _, state, _, _ in self.terms:
            state.track(moments=False)

    def sums(self) -> list[int]:
        return [total for _, state, _, _ in self.terms for total in state.sums()]

    def group_sums(self) -> np.ndarray:
        return np.hstack([state.group_sums() for _, state, _, _ in self.terms])

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        out, start = np.zeros(sums.shape[:-1]), 0
        for coefficient, state, _, _ in self.terms:
            width = len(state.sums())
            out = out + coefficient * state.statistic(sums[..., start : start + width])
            start += width
        return out
