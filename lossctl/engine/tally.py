"""A tally: the states of every loss (and of every group), folded chunk by chunk, and merged.

The local engine folds every chunk of a file into one tally; the Dask engine folds each part
into its own and merges adjacent tallies pairwise. ``merge`` is the one place that knows how
two tallies combine, so the two engines cannot drift apart (a test folds a file whole and in
parts and compares every attribute).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lossctl.engine.groups import split_by_group
from lossctl.engine.keys import key_ids
from lossctl.engine.missing import SampleEnds, apply_policy, missing_rows
from lossctl.engine.request import Ci, PerSampleSink
from lossctl.engine.results import LossResult
from lossctl.engine.rows import RowNumbers
from lossctl.engine.task import reads_samples, reads_two_samples
from lossctl.engine.translate import Translator
from lossctl.engine.weights import ModelWeights
from lossctl.engine.worst import WorstK
from lossctl.errors import InputError
from lossctl.losses import Batch, InputDomainError, LossError
from lossctl.losses.intervals import interval, tracked
from lossctl.losses.replication import groups_of_rows, row_factors
from lossctl.losses.summation import Accumulator


class Tally:
    """The states of ``losses`` over the rows folded so far.

    ``strict``: a loss the user named stops the pass on bad input; a default loss that fails
    is skipped with a warning. ``nan`` is the NaN policy, ``worst`` the number of worst rows
    kept per loss, ``per_sample`` a sink for every per-sample value (local engine only).
    """

    def __init__(
        self,
        losses: list,
        translator: Translator,
        *,
        strict: bool = True,
        nan: str = "error",
        worst: int = 0,
        per_sample: PerSampleSink | None = None,
        ci: Ci | None = None,
        pair_slices: bool = False,
    ) -> None:
        self.losses = losses
        self.translator = translator
        self.strict = strict
        self.nan = nan
        self.per_sample = per_sample
        self.ci = ci
        self.pair_slices = pair_slices
        # Rows compared with another input's row by row carry a fingerprint of their labels;
        # rows of any state that keeps replicate groups carry their group.
        self.paired = ci is not None and (ci.paired or pair_slices)
        self.replicated = ci is not None and any(self._grouped(loss.state()) for loss in losses)
        self.states = [self._state(loss) for loss in losses]
        self.groups: dict[Any, list] = {}
        self.worst = [WorstK(worst) for _ in losses] if worst else None
        self.whole: set[int] = set()  # losses asked for per-sample values that have none (--worst says so)
        self.failed: dict[int, str] = {}
        self.propagated = False
        self.notes: dict[str, int] = {}
        self.rows = 0
        self.dropped = 0
        self.labels = Accumulator()  # with an interval: the labels' fingerprint (``_fingerprint``)
        self.keys: list[np.ndarray] = []  # the key ids of rows paired by key (``--on`` with an interval)
        # Two samples side by side (only distances between distributions): where each ends.
        self.ends = SampleEnds() if reads_two_samples(losses) else None

    def empty(self) -> Tally:
        """A tally of no rows, for the same losses and options."""
        worst = self.worst[0].k if self.worst else 0
        return Tally(
            self.losses,
            self.translator,
            strict=self.strict,
            nan=self.nan,
            worst=worst,
            per_sample=self.per_sample,
            ci=self.ci,
            pair_slices=self.pair_slices,
        )

    def feed_weights(self, weights: ModelWeights) -> None:
        """Fold the model's weights into the losses that read them; a bad weight is named by
        its row (a file of one column) or its position in reading order, from 1."""
        try:
            batch = Batch({"weights": weights.values})
            for loss, state in zip(self.losses, self.states, strict=True):
                if loss.needs_weights():
                    state.update(batch)
        except InputDomainError as exc:
            if exc.index is not None and weights.one_column:
                raise InputError(exc.message, file=weights.file, row=exc.index + 1, hint=exc.hint) from None
            where = "" if exc.index is None else f"value {exc.index + 1}: "
            raise InputError(f"{where}{exc.message}", file=weights.file, hint=exc.hint) from None

    def feed(
        self,
        start: int,
        role_arrays: dict[str, np.ndarray],
        group: np.ndarray | None,
        keys: np.ndarray | None = None,
        context: dict[str, np.ndarray] | None = None,
    ) -> None:
        """Fold a chunk: its arrays by role, its first 0-based row, its group values, its
        rows' keys when rows are paired by a key (``--on``) rather than by position, and the
        columns shown beside its worst rows and per-sample values (``context``, by name)."""
        n = len(next(iter(role_arrays.values())))
        rows = RowNumbers(start, n)
        ids = None
        if self.replicated:  # each row's position (or key), before any row is dropped
            ids = np.arange(start, start + n) if keys is None else self._keyed(key_ids(keys))
            if self.paired:
                self._fingerprint(role_arrays, ids)
        self.rows += n
        samples = self.ends is not None
        missing = missing_rows(role_arrays, nan=not samples)
        if missing is not None:
            kept = apply_policy(self.nan, missing, role_arrays, rows, group, self.translator, nan=not samples)
            role_arrays, rows, group = kept.role_arrays, kept.rows, kept.group
            self.dropped += kept.dropped
            self.propagated = self.propagated or kept.propagated
        if samples:
            self.ends.add(rows, role_arrays)
            if self.nan == "error":
                self.ends.check(self.translator)
        if not len(rows):
            return
        try:
            batch = Batch(role_arrays, samples=samples)
        except InputDomainError as exc:
            raise self.translator.error(exc, rows) from None
        if ids is not None:  # each row's replicate group, from its position (or key)
            batch.replicates = groups_of_rows(ids[rows.array() - start], self.ci.seed)
        # One batch per group value, built once and shared by every loss.
        by_group = [
            (key, batch.subset(rows_of_key)) for key, rows_of_key in ([] if group is None else split_by_group(group))
        ]
        per_sample: dict[str, np.ndarray] = {}
        shown = _rows_of(context, rows)
        for i, (loss, state) in enumerate(zip(self.losses, self.states, strict=True)):
            if i in self.failed or not reads_samples(loss):
                continue
            try:
                state.update(batch)
                if self.worst is not None or self.per_sample is not None:
                    self._per_sample(i, loss, batch, rows, per_sample, shown)
                for key, part in by_group:
                    self._group_state(key, i).update(part)
            except InputDomainError as exc:
                error = self.translator.error(exc, rows)
                if self.strict:
                    raise error from None
                self.failed[i] = str(error)
        if self.per_sample is not None:
            if getattr(self.per_sample, "takes_context", False):
                self.per_sample(rows.array(), per_sample, shown or {})
            else:
                self.per_sample(rows.array(), per_sample)
        for message, count in batch.notes.items():
            self.notes[message] = self.notes.get(message, 0) + count

    def _fingerprint(self, role_arrays: dict[str, np.ndarray], ids: np.ndarray) -> None:
        """Add ``sum(f(id) * label)``, ``f`` a hash in [1, 2) of the row's position or key (a
        class matrix's row read as ``sum_k (k + 1) y_k``; a missing label as 0), exactly: two
        inputs paired row by row are scored on the same labels only if their sums agree
        (``comparison``), whatever rows a missing prediction drops from either. Each term is
        one row's, so the sum does not depend on the chunks."""
        labels = role_arrays.get("y_true")
        if labels is None:
            return
        labels = np.asarray(labels, dtype=np.float64)
        if labels.ndim == 2:
            labels = sum((k + 1.0) * labels[:, k] for k in range(labels.shape[1]))
        with np.errstate(over="ignore", invalid="ignore"):
            terms = labels * row_factors(ids, self.ci.seed)
        self.labels.add(np.where(np.isfinite(terms), terms, 0.0))

    def _keyed(self, ids: np.ndarray) -> np.ndarray:
        """The rows' key ids, kept to tell, at the end, whether a key repeats (``repeated``)."""
        self.keys.append(ids)
        return ids

    def repeated(self) -> int | None:
        """The first key id that repeats among the rows paired by key (None: each once): a key
        that repeats puts its rows in one replicate group, which no interval can resample."""
        if not self.keys:
            return None
        ids = np.sort(np.concatenate(self.keys))
        same = np.flatnonzero(ids[1:] == ids[:-1])
        return int(ids[same[0]]) if len(same) else None

    def merge(self, later: Tally) -> None:
        """Fold in ``later``, the tally of the rows that follow this one's. Row order is kept:
        the earliest failure of a loss is the one kept, and the worst rows' ties keep the
        earlier row."""
        for mine, theirs in zip(self.states, later.states, strict=True):
            mine.merge(theirs)
        for key, states in later.groups.items():
            for i, state in enumerate(states):
                if state is not None:
                    self._group_state(key, i).merge(state)
        if self.worst is not None:
            for mine, theirs in zip(self.worst, later.worst, strict=True):
                mine.merge(theirs)
        for i, message in later.failed.items():
            self.failed.setdefault(i, message)
        self.whole |= later.whole
        for message, count in later.notes.items():
            self.notes[message] = self.notes.get(message, 0) + count
        self.propagated = self.propagated or later.propagated
        if self.ends is not None:
            self.ends.merge(later.ends)
        self.rows += later.rows
        self.dropped += later.dropped
        self.labels.merge(later.labels)
        self.keys += later.keys

    def results(self) -> tuple[list[LossResult], list[str]]:
        """A result per loss, then per group and loss; a warning per skipped loss."""
        if self.ends is not None:
            self._settle_gaps()
        out, warnings = [], []
        for i, (loss, state) in enumerate(zip(self.losses, self.states, strict=True)):
            if i in self.failed:
                warnings.append(f"{loss.label} skipped: {self.failed[i]}")
                continue
            worst = self.worst[i].items() if self.worst is not None else None
            worst_context = self.worst[i].contexts() if self.worst is not None and self.worst[i].context else None
            if i in self.whole and (lacking := self._lacking()):
                warnings.append(f"{loss.label} has no per-sample values (a value of the whole sample): {lacking}")
            ci = self._interval(loss, state, warnings)
            kept = state if self.ci else None
            value = self._value(loss, state)
            out.append(
                LossResult(
                    loss,
                    value,
                    state.n,
                    worst=worst,
                    worst_context=worst_context,
                    ci=ci,
                    state=kept,
                    bins=_bins(state, value),
                    components=_components(state, value),
                )
            )
        for key, states in sorted(self.groups.items(), key=lambda kv: str(kv[0])):
            for i, (loss, state) in enumerate(zip(self.losses, states, strict=True)):
                if state is not None and i not in self.failed:
                    ci = self._interval(loss, state, warnings, key)
                    value = self._value(loss, state)
                    out.append(
                        LossResult(
                            loss,
                            value,
                            state.n,
                            group=key,
                            ci=ci,
                            bins=_bins(state, value),
                            components=_components(state, value),
                        )
                    )
        return out, warnings

    def _settle_gaps(self) -> None:
        """The NaN policy on the gaps of two samples side by side, once every row is in: a
        gap may be found only when a later part's value follows it."""
        if self.nan == "error":
            self.ends.check(self.translator)
        elif self.nan == "propagate":
            self.propagated = self.propagated or self.ends.gaps() > 0
        else:
            self.dropped += self.ends.gaps()
            self.ends = SampleEnds()  # counted once, should results be asked for again

    def _lacking(self) -> str:
        """What a loss of the whole sample leaves out of what was asked: worst rows, a column of
        the --per-sample file (a sink that feeds figures says it on its own)."""
        written = getattr(self.per_sample, "writes_file", False)
        asked = (("no worst rows", self.worst is not None), ("no column in the per-sample file", written))
        return ", ".join(what for what, wanted in asked if wanted)

    def _state(self, loss, slice_of_rows: bool = False):
        """A new state of ``loss``; with an interval asked for, one that tracks its row
        moments (normal method) and, where `_grouped`, its replicate groups."""
        if not self.ci:
            return loss.state()
        state = loss.state()
        return tracked(state, moments=self.ci.method == "normal", groups=self._grouped(state, slice_of_rows))

    def _grouped(self, state, slice_of_rows: bool = False) -> bool:
        """Whether ``state`` keeps its sums by replicate group: for a bootstrap, a loss
        without a delta method, or a comparison with another model row by row (of the whole
        sample; of slices too for ``diff``). The groups cost a scatter into 64 rows of bins
        per state and batch, where the moments of a normal interval cost a sum."""
        compared = self.pair_slices or (self.ci.paired and not slice_of_rows)
        return compared or not (self.ci.method == "normal" and hasattr(state, "delta_interval"))

    def _interval(self, loss, state, warnings: list[str], key: Any = None):
        """The asked-for interval of one result, or None with a warning saying why not."""
        ci = self.ci
        if ci is None or self.propagated:
            return None
        try:
            return interval(state, level=ci.level, method=ci.method, seed=ci.seed, bounds=loss.bounds)
        except LossError as exc:
            where = "" if key is None else f" ({key})"
            warnings.append(f"{loss.label}{where}: {exc}")
            return None

    def _group_state(self, key: Any, i: int):
        states = self.groups.setdefault(key, [None] * len(self.losses))
        if states[i] is None:
            states[i] = self._state(self.losses[i], slice_of_rows=True)
        return states[i]

    def _per_sample(self, i: int, loss, batch: Batch, rows: RowNumbers, out: dict, context: dict | None) -> None:
        try:
            values = loss.per_sample(batch)
        except LossError:  # a value of the whole sample (r2, ece, wasserstein-distance), or of weights
            self.whole.add(i)
            return
        if self.worst is not None:
            self.worst[i].update(values, rows.array(), context)
        out[loss.label] = values

    def _value(self, loss, state) -> float:
        if self.propagated:
            return float("nan")
        try:
            return state.result()
        except LossError as exc:
            raise InputError(f"{loss.label}: {exc}", file=self.translator.file) from None


def _rows_of(context: dict[str, np.ndarray] | None, rows: RowNumbers) -> dict[str, np.ndarray] | None:
    """The ``context`` columns of a chunk at its kept ``rows`` (all of them, or those a NaN
    policy left)."""
    if not context:
        return None
    return context if rows.kept is None else {name: column[rows.kept] for name, column in context.items()}


def _bins(state, value: float) -> list[dict] | None:
    """The bins of a calibration score's state (a reliability diagram), where it has a value."""
    return state.bins() if hasattr(state, "bins") and not math.isnan(value) else None


def _components(state, value: float) -> list[dict] | None:
    """The components of a result that has them (each quantile level of quantile-set, each
    output with ``--multioutput raw``)."""
    return state.components() if hasattr(state, "components") and not math.isnan(value) else None
