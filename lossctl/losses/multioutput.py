"""Multi-output regression: a regression loss of several target columns and as many prediction
columns, output by output, then averaged (scikit-learn's ``multioutput``).

Each output ``k`` (target column ``y_k``, prediction column ``p_k``) gets the loss's own state,
so every regression loss, means, medians and skill scores alike, is computed per output exactly
as for one column; the value is then

- ``uniform``: the mean of the outputs' values (scikit-learn's ``'uniform_average'``);
- ``raw``: the same mean, and each output's value beside it (``'raw_values'``; the JSON's
  ``components``);
- ``variance-weighted``: ``sum_k v_k L_k / sum_k v_k``, ``v_k`` the weighted variance of
  ``y_k`` (scikit-learn's ``'variance_weighted'``, which it defines for ``r2_score`` and
  ``explained_variance_score``; here for every loss).

The average is of the outputs' correctly rounded values, summed with ``math.fsum``: the same
float whatever the split. Intervals resample the outputs' replicate groups together (the
outputs of a row share its group), the variance weights held at their values.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lossctl.losses.averaging import MULTIOUTPUT, RAW, VARIANCE_WEIGHTED
from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError, LossError
from lossctl.losses.intervals import resamplable, total_sums
from lossctl.losses.state import representable
from lossctl.losses.summation import Accumulator


def outputs(batch: Batch) -> list[Batch]:
    """One batch per output: its target and prediction columns, the rows' weights and groups."""
    y, p = np.atleast_2d(batch.get("y_true").T).T, np.atleast_2d(batch.get("y_pred").T).T
    if y.shape[1] != p.shape[1]:
        raise InputDomainError(f"{y.shape[1]} target columns but {p.shape[1]} prediction columns", role="y_pred")
    parts = []
    for k in range(y.shape[1]):
        part = Batch({"y_true": y[:, k], "y_pred": p[:, k], "sample_weight": batch.sample_weight})
        part.replicates = batch.replicates
        parts.append(part)
    return parts


class MultiOutputState:
    """A state of ``loss`` per output, and each target's variance sums for the weights."""

    def __init__(self, loss: Any, names: tuple[str, ...], mode: str) -> None:
        self.names, self.mode = names, mode
        self.states = [loss.state() for _ in names]
        self.spreads = [(Accumulator(), Accumulator(), Accumulator()) for _ in names]  # sum w, w y, w y^2

    @property
    def n(self) -> int:
        return self.states[0].n

    def track(self, moments: bool = True, groups: bool = True) -> None:
        for state in self.states:
            state.track(moments, groups)

    def update(self, batch: Batch) -> None:
        parts = outputs(batch)
        if len(parts) != len(self.states):
            raise InputDomainError(f"{len(parts)} outputs, but {len(self.states)} were bound", role="y_true")
        for state, part, spread in zip(self.states, parts, self.spreads, strict=True):
            state.update(part)
            if self.mode == VARIANCE_WEIGHTED:
                y, w = part.get("y_true"), part.sample_weight
                spread[0].add(np.ones_like(y), w)
                spread[1].add(y, w)
                spread[2].add(y * y, w)

    def merge(self, other: MultiOutputState) -> MultiOutputState:
        for mine, theirs in zip(self.states, other.states, strict=True):
            mine.merge(theirs)
        for mine, theirs in zip(self.spreads, other.spreads, strict=True):
            for a, b in zip(mine, theirs, strict=True):
                a.merge(b)
        return self

    def weights(self) -> list[float]:
        """The outputs' weights in the average: 1 each, or each target's weighted variance."""
        if self.mode != VARIANCE_WEIGHTED:
            return [1.0] * len(self.states)
        out = []
        for weight, total, squares in self.spreads:
            w, s, q = weight.value, total.value, squares.value
            out.append(max(q / w - (s / w) ** 2, 0.0) if w else 0.0)
        if not any(out):
            raise LossError("no target varies: no variance to weight the outputs by")
        return out

    def result(self) -> float:
        return _average([state.result() for state in self.states], self.weights())

    def components(self) -> list[dict[str, Any]] | None:
        """Each output's value (``raw``)."""
        if self.mode != RAW:
            return None
        return [{"output": name, "value": state.result()} for name, state in zip(self.names, self.states, strict=True)]


class ResampledMultiOutputState(MultiOutputState):
    """Outputs whose states are functions of sums over rows: the average is too, for intervals."""

    def sums(self) -> list[int]:
        return [total for state in self.states for total in state.sums()]

    def group_sums(self) -> np.ndarray:
        return np.hstack([state.group_sums() for state in self.states])

    def total_sums(self) -> np.ndarray:
        return np.concatenate([total_sums(state) for state in self.states])

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        widths = np.cumsum([len(state.sums()) for state in self.states])[:-1]
        parts = np.split(sums, widths, axis=-1)
        values = [state.statistic(part) for state, part in zip(self.states, parts, strict=True)]
        weights = np.array(self.weights())
        shares = weights / weights.sum()
        # Output after output (a BLAS product would choose its order by the arrays' alignment).
        return sum((share * value for share, value in zip(shares, values, strict=True)), np.zeros_like(values[0]))


def _average(values: list[float], weights: list[float]) -> float:
    """``sum w_k v_k / sum w_k``, each sum correctly rounded (``math.fsum``)."""
    return representable(math.fsum(w * v for w, v in zip(weights, values, strict=True)) / math.fsum(weights))


def multi_output_state(loss: Any, names: tuple[str, ...], mode: str) -> MultiOutputState:
    """The multi-output state of ``loss``: resampled for intervals where its state can be."""
    probe = loss.state()
    kind = ResampledMultiOutputState if resamplable(probe) else MultiOutputState
    return kind(loss, names, mode)


class MultiOutputLoss:
    """``loss`` over several outputs: the same loss (name, label, parameters) but for its
    state and per-sample values, which are the outputs' (the per-sample value of a row is
    its mean over the outputs)."""

    def __init__(self, loss: Any, names: tuple[str, ...], mode: str) -> None:
        if mode not in MULTIOUTPUT:
            raise ValueError(f"multioutput is one of {', '.join(MULTIOUTPUT)}, not {mode!r}")
        self.base, self.names, self.mode = loss, names, mode

    def __getattr__(self, name: str) -> Any:
        if name == "base":  # unpickling: not set yet
            raise AttributeError(name)
        return getattr(self.base, name)

    def state(self) -> MultiOutputState:
        return multi_output_state(self.base, self.names, self.mode)

    def per_sample(self, batch: Batch) -> np.ndarray:
        return np.mean([self.base.per_sample(part) for part in outputs(batch)], axis=0)

    def evaluate(self, batch: Batch) -> float:
        state = self.state()
        state.update(batch)
        return state.result()
