"""Loss curves: each loss evaluated on one sample at a time along a grid of one variable.

A regression loss is drawn against the residual ``r = y_true - y_pred``; a classification
loss that reads probabilities (bce, cross-entropy, focal, brier, ...) against the probability
``p_t`` given to the true class (the sample's label is 1, ``p_t`` runs over (0, 1)); one that
reads decision scores (hinge) against the margin ``y s``. Each point is the value of the loss
on a single sample, computed by the loss core itself: rmse gives ``|r|``, not ``r^2``. The
regularization terms of a combined loss, constant along any of these axes, are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from lossctl.errors import UsageError
from lossctl.losses import AnyLoss, Batch, CombinedLoss, Loss, LossError
from lossctl.losses.tasks import BINARY, MULTICLASS, REGRESSION

# A residual curve is drawn only for a loss that is a function of the residual alone: its
# values at y_true = 0 and at y_true = 1 must agree to this relative tolerance.
LEVEL_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Axis:
    """The variable a curve is drawn against."""

    name: str
    title: str
    bounded: bool  # a fixed interval, (0, 1), rather than a symmetric span around 0


RESIDUAL = Axis("residual", "residual r = y_true - y_pred", bounded=False)
PROBABILITY = Axis("probability", "probability of the true class p_t", bounded=True)
MARGIN = Axis("margin", "margin y*s (label in {-1, +1} times score)", bounded=False)


@dataclass(frozen=True)
class Curve:
    """One loss along the axis: its label and the values at ``x``."""

    label: str
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class CurveSet:
    """Curves that share an axis and its interval ``[low, high]``."""

    axis: Axis
    low: float
    high: float
    curves: tuple[Curve, ...]


def grid(axis: Axis, *, span: float, points: int) -> tuple[np.ndarray, float, float]:
    """The points of ``axis`` and its interval: ``points`` evenly spaced values over
    ``[-span, span]``, or for the probability the midpoints of ``points`` equal cells of (0, 1)."""
    if axis.bounded:
        return (np.arange(points) + 0.5) / points, 0.0, 1.0
    return np.linspace(-span, span, points), -span, span


def _sample_terms(loss: AnyLoss) -> list[Loss]:
    if isinstance(loss, CombinedLoss):
        return [term for _, term in loss.sample_terms()]
    return [loss]


def _term_axis(loss: Loss) -> Axis | None:
    if REGRESSION in loss.tasks:
        return RESIDUAL
    if BINARY in loss.tasks or MULTICLASS in loss.tasks:
        reads_probabilities = any(p.name == "from_logits" for p in loss.spec.params)
        return PROBABILITY if reads_probabilities else MARGIN
    return None


def axis_of(loss: AnyLoss) -> Axis:
    """The axis ``loss`` is drawn against; a ``UsageError`` saying why if it has none."""
    axes = {_term_axis(term) for term in _sample_terms(loss)}
    if len(axes) != 1 or None in axes:
        raise UsageError(
            f"{loss.label} has no curve: curves show losses of a residual, of the probability "
            "of the true class, or of a classification margin"
        )
    return axes.pop()


def _without_regularization(loss: AnyLoss) -> AnyLoss:
    if isinstance(loss, CombinedLoss):
        return replace(loss, terms=tuple(loss.sample_terms()))
    return loss


def _reading_probabilities(loss: AnyLoss) -> AnyLoss:
    """``loss`` reading probabilities, not logits: a curve is a function of ``p_t`` however
    a file gives it."""
    if isinstance(loss, CombinedLoss):
        return replace(loss, terms=tuple((c, _reading_probabilities(term)) for c, term in loss.terms))
    if loss.params.get("from_logits"):
        return loss.spec.configure(**{**loss.params, "from_logits": False})
    return loss


def _one_sample(loss: AnyLoss, axis: Axis, x: float, level: float) -> Batch:
    if axis is RESIDUAL:
        return Batch({"y_true": [level], "y_pred": [level - x]})
    if BINARY not in loss.tasks:  # a multiclass loss: two classes, the true one is class 1
        other = 1.0 - x if axis is PROBABILITY else 0.0
        return Batch({"y_true": [1.0], "y_pred": [[other, x]]})
    return Batch({"y_true": [1.0], "y_pred": [x]})


def _values(loss: AnyLoss, axis: Axis, x: np.ndarray, level: float = 0.0) -> np.ndarray:
    values = np.empty(len(x))
    for i, v in enumerate(x):
        try:
            values[i] = loss.evaluate(_one_sample(loss, axis, float(v), level))
        except LossError as exc:
            raise UsageError(f"{loss.label} has no {axis.name} curve at {axis.name} {v:.6g}: {exc.message}") from None
    return values


def curve_values(loss: AnyLoss, x: np.ndarray) -> np.ndarray:
    """The loss of one sample at each point ``x`` of its axis (see ``axis_of``)."""
    axis = axis_of(loss)
    x = np.asarray(x, dtype=np.float64)
    loss = _without_regularization(loss)
    if axis is PROBABILITY:
        return _values(_reading_probabilities(loss), axis, x)
    if axis is RESIDUAL:
        return _residual_values(loss, x)
    return _values(loss, axis, x)


def _residual_values(loss: AnyLoss, x: np.ndarray) -> np.ndarray:
    """The values at y_true = 0, once checked to be those at y_true = 1: mape, msle and
    poisson depend on y_true itself (and need y_pred >= 0), and have no residual curve. A
    point both levels refuse alike (a loss that overflows at a residual of 1e308) is the
    residual's doing: that refusal is the error."""
    outcomes: list[np.ndarray | UsageError] = []
    for level in (0.0, 1.0):
        try:
            outcomes.append(_values(loss, RESIDUAL, x, level=level))
        except UsageError as exc:
            outcomes.append(exc)
    values, shifted = outcomes
    if isinstance(values, UsageError) and isinstance(shifted, UsageError) and values.message == shifted.message:
        raise UsageError(f"{values.message}; draw a narrower range")
    if (
        isinstance(values, UsageError)
        or isinstance(shifted, UsageError)
        or not np.allclose(shifted, values, rtol=LEVEL_TOLERANCE, atol=0.0)
    ):
        raise UsageError(
            f"{loss.label} has no residual curve: it depends on y_true itself, not only on y_true - y_pred"
        )
    return values


def curves_by_axis(
    losses: list[AnyLoss], *, span: float = 3.0, points: int = 401
) -> tuple[list[CurveSet], dict[str, str]]:
    """The curves of ``losses``, one ``CurveSet`` per axis (in the order the axes are first
    met), and the losses without a curve, by label, with the reason."""
    by_axis: dict[Axis, list[Curve]] = {}
    skipped: dict[str, str] = {}
    for loss in losses:
        try:
            axis = axis_of(loss)
            x, _, _ = grid(axis, span=span, points=points)
            curve = Curve(loss.label, x, curve_values(loss, x))
        except UsageError as exc:
            skipped[loss.label] = exc.message
            continue
        by_axis.setdefault(axis, []).append(curve)
    sets = []
    for axis, curves in by_axis.items():
        _, low, high = grid(axis, span=span, points=points)
        sets.append(CurveSet(axis, low, high, tuple(curves)))
    return sets, skipped
