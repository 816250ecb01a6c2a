"""Overlap losses of a multi-label (or segmentation) matrix: soft Dice, Tversky and Jaccard.

With TP = sum y p (the soft intersection), T = sum y and P = sum p, every one is
``1 - (c TP + smooth) / (c (1 - a - b) TP + c a P + c b T + smooth + epsilon)``:
Dice c = 2, a = b = 1/2 (denominator T + P); Jaccard c = 1, a = b = 1 (T + P - TP); Tversky
c = 1 and its own a (false positives, P - TP) and b (false negatives, T - TP). Salehi, Erdogmus
& Gholipour (2017), Tversky loss function for image segmentation, arXiv:1706.05721.

The sums run over (``over``): every row and label at once (``global``, Keras 3's ``Dice``,
``Tversky`` with ``axis=None``), each row's labels, the ratios then averaged over rows
(``sample``, Keras with ``axis=-1``), or each label's rows, the ratios then averaged over labels
(``label``, optax ``dice_loss`` with the rows as one image's pixels). ``global`` and ``label``
keep exact sums by label (``OverlapState``): a ratio of sums, with no per-sample values, whose
interval resamples groups of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError, LossError, ParameterError
from lossctl.losses.params import FROM_LOGITS, NON_NEGATIVE, VECTOR, Choice, Names, Param
from lossctl.losses.replication import GROUPS
from lossctl.losses.spec import LossSpec, mean_state
from lossctl.losses.state import accumulate, representable
from lossctl.losses.summation import GroupedAccumulator, to_float
from lossctl.losses.tasks import MULTILABEL

GLOBAL, SAMPLE, LABEL = "global", "sample", "label"
KERAS_EPSILON = 1e-7
"""Keras' ``backend.epsilon()``, which its Dice and Tversky add to the denominator."""


@dataclass(frozen=True)
class Shape:
    """The coefficients of an overlap index: ``c`` scales TP, ``a`` weights P, ``b`` weights T."""

    c: float
    a: float
    b: float

    def loss(self, tp, t, p, smooth: float, epsilon: float):
        """``1 - (c TP + smooth) / (c (1 - a - b) TP + c a P + c b T + smooth + epsilon)``."""
        middle = self.c * (1.0 - self.a - self.b)
        denominator = (middle * tp if middle else 0.0) + self.c * self.a * p + self.c * self.b * t
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 - (self.c * tp + smooth) / (denominator + smooth + epsilon)


DICE = Shape(2.0, 0.5, 0.5)
JACCARD = Shape(1.0, 1.0, 1.0)


def shape_of(name: str, params: dict[str, Any]) -> Shape:
    return (
        Shape(1.0, params["alpha"], params["beta"]) if name == "tversky" else {"dice": DICE, "jaccard": JACCARD}[name]
    )


def _inputs(batch: Batch, from_logits: bool) -> tuple[np.ndarray, np.ndarray]:
    return batch.label_matrix(soft=True), batch.label_probabilities(from_logits=from_logits)


def per_row(shape: Shape, batch: Batch, params: dict[str, Any]) -> np.ndarray:
    """Each row's loss over its own labels (``over=sample``)."""
    if params["over"] != SAMPLE:
        raise LossError(
            f"over={params['over']} is a ratio of sums over all rows: no per-sample values (over=sample has them)"
        )
    y, p = _inputs(batch, params["from_logits"])
    loss = shape.loss(np.einsum("ij,ij->i", y, p), y.sum(axis=1), p.sum(axis=1), params["smooth"], params["epsilon"])
    if not np.isfinite(loss).all():
        i = int(np.argmax(~np.isfinite(loss)))
        raise InputDomainError(
            "no label and no predicted mass: the ratio is 0/0", role="y_true", index=i, hint="set smooth or epsilon > 0"
        )
    return loss


class OverlapState:
    """Exact sums of TP = sum w y p, T = sum w y and P = sum w p by label (and, tracked for an
    interval, by replicate group); the result is their ratio over every label (``global``) or
    the mean of each label's ratio (``label``)."""

    def __init__(self, shape: Shape, params: dict[str, Any]):
        self.shape, self.params = shape, params
        self.by_label: list[GroupedAccumulator] | None = None
        self.labels = 0
        self.replicates = 1  # GROUPS once tracked: a sum per label and replicate group
        self.n = 0

    def track(self, moments: bool = True, groups: bool = True) -> None:
        """Keep the sums by replicate group too (a ratio has no delta method here: the
        jackknife or the bootstrap makes its interval). Called before the first update."""
        self.replicates = GROUPS

    def _sums(self, labels: int) -> list[GroupedAccumulator]:
        if self.by_label is None:
            self.labels = labels
            self.by_label = [GroupedAccumulator(labels * self.replicates) for _ in range(3)]
        elif self.labels != labels:
            raise InputDomainError(f"{labels} label columns, where earlier rows had {self.labels}", role="y_pred")
        return self.by_label

    def update(self, batch: Batch) -> None:
        y, p = _inputs(batch, self.params["from_logits"])
        n, labels = y.shape
        sums = self._sums(labels)
        group = np.repeat(np.arange(labels) * self.replicates, n)  # column after column: order="F"
        if self.replicates > 1:
            group += np.tile(batch.replicates, labels)
        w = batch.sample_weight
        weights = None if w is None else np.tile(w, labels)
        for total, values in zip(sums, (y * p, y, p), strict=True):
            accumulate(total, values.ravel(order="F"), weights, "y_pred", group)
        self.n += n

    def merge(self, other: OverlapState) -> OverlapState:
        if other.by_label is not None:
            for mine, theirs in zip(self._sums(other.labels), other.by_label, strict=True):
                mine.merge(theirs)
        self.n += other.n
        return self

    def sums(self) -> list[int]:
        """The exact sums of TP, T and P of each label, in that order."""
        if self.by_label is None:
            return []
        g = self.replicates
        return [sum(a.totals[k * g : (k + 1) * g]) for a in self.by_label for k in range(self.labels)]

    def group_sums(self) -> np.ndarray:
        """``sums()`` of each replicate group, rounded: a row per group."""
        columns = [np.array([to_float(t) for t in a.totals]).reshape(self.labels, GROUPS).T for a in self.by_label]
        return np.hstack(columns)

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        """The loss of every row of ``sums`` (floats in ``sums()`` order), vectorized."""
        k = self.labels
        tp, t, p = sums[..., :k], sums[..., k : 2 * k], sums[..., 2 * k :]
        if self.params["over"] == GLOBAL:
            return self.shape.loss(tp.sum(axis=-1), t.sum(axis=-1), p.sum(axis=-1), *self._smoothing())
        return np.mean(self._weighted(self.shape.loss(tp, t, p, *self._smoothing())), axis=-1)

    def _smoothing(self) -> tuple[float, float]:
        return self.params["smooth"], self.params["epsilon"]

    def _weighted(self, losses: np.ndarray) -> np.ndarray:
        weights = self.params["class_weights"]
        if weights is None:
            return losses
        if len(weights) != losses.shape[-1]:
            raise InputDomainError(f"{len(weights)} class weights for {losses.shape[-1]} labels", role="y_pred")
        return np.asarray(weights) * losses

    def result(self) -> float:
        if self.by_label is None:
            raise LossError("no samples")
        if self.params["over"] == GLOBAL:  # the exact sums over every label, each rounded once
            tp, t, p = (np.float64(to_float(sum(a.totals))) for a in self.by_label)
            value = float(self.shape.loss(tp, t, p, *self._smoothing()))
        else:
            value = float(self.statistic(np.array([to_float(total) for total in self.sums()])))
        if np.isnan(value):
            raise LossError("no label and no predicted mass: the ratio is 0/0; set smooth or epsilon > 0")
        return representable(value)


def make_state(spec: LossSpec, params: dict[str, Any]):
    if params["class_weights"] is not None and params["over"] != LABEL:
        raise ParameterError(f"{spec.name}: class_weights weight the labels' ratios: they need over=label")
    if params["over"] == SAMPLE:
        return mean_state(spec, params)
    return OverlapState(shape_of(spec.name, params), params)


def dice(batch: Batch, **params: Any) -> np.ndarray:
    """Each row's ``1 - (2 TP + smooth) / (T + P + smooth + epsilon)``."""
    return per_row(DICE, batch, params)


def jaccard(batch: Batch, **params: Any) -> np.ndarray:
    """Each row's ``1 - (TP + smooth) / (T + P - TP + smooth + epsilon)``."""
    return per_row(JACCARD, batch, params)


def tversky(batch: Batch, **params: Any) -> np.ndarray:
    """Each row's ``1 - (TP + smooth) / (TP + alpha FP + beta FN + smooth + epsilon)``."""
    return per_row(Shape(1.0, params["alpha"], params["beta"]), batch, params)


PARAMS = (
    Choice(
        "over",
        GLOBAL,
        "global: one ratio of all rows and labels (Keras); sample: each row's, averaged; label: each label's, averaged (optax)",
        domain=Names((GLOBAL, SAMPLE, LABEL)),
    ),
    Param("smooth", 0.0, "added to the numerator and the denominator (optax: 1)", domain=NON_NEGATIVE),
    Param("epsilon", KERAS_EPSILON, "added to the denominator only (Keras: 1e-7)", domain=NON_NEGATIVE),
    FROM_LOGITS,
    Param(
        "class_weights",
        None,
        "over=label: one weight per label's ratio (optax class_weights)",
        kind=VECTOR,
        domain=NON_NEGATIVE,
    ),
)
_OVER = (
    "over=global (the default) sums over every row and label, as Keras 3 with axis=None; over=sample is "
    "Keras with axis=-1 (each row's ratio, then the mean over rows; the only one with per-sample values); "
    "over=label is optax dice_loss with the rows as one image's pixels (each label's ratio over the rows, "
    "then the mean over labels; optax on a rows x labels array itself sums over no axis). Keras adds "
    "epsilon = 1e-7 to the denominator (the default); optax adds smooth (its default 1) to both. "
    "Predictions are probabilities as given (soft, never clipped); from logits, one sigmoid per label "
    "(optax's apply_softmax takes a softmax across the classes instead: give it probabilities). "
    "Sample weights weight each row's terms of the sums."
)

SPECS = (
    LossSpec(
        name="dice",
        aliases=("dice-loss", "soft-dice"),
        family="overlap",
        summary="Soft Dice loss: 1 - twice the overlap of labels and probabilities over their total.",
        formula="1 - (2 sum y p + smooth) / (sum y + sum p + smooth + epsilon)",
        latex=r"1 - \frac{2\sum y p + s}{\sum y + \sum p + s + \epsilon}",
        reference="Milletari, Navab & Ahmadi (2016), V-Net, 3DV; keras.losses.Dice; optax.losses.dice_loss",
        tasks=(MULTILABEL,),
        per_sample=dice,
        params=PARAMS,
        make_state=make_state,
        conventions=_OVER
        + " optax dice_loss(smooth=s) is tversky with smooth=s, epsilon=0 (dice with smooth=2s, alpha = beta = 1/2).",
        peers="keras.losses.Dice, optax.losses.dice_loss (alpha = beta = 0.5)",
        properties="in [0, 1]; 0 iff p = y on every label; tversky with alpha = beta = 1/2 when epsilon = 0",
        highest=1.0,
    ),
    LossSpec(
        name="tversky",
        aliases=("tversky-loss",),
        family="overlap",
        summary="Tversky loss: Dice with false positives weighted by alpha and false negatives by beta.",
        formula="1 - (TP + smooth) / (TP + alpha FP + beta FN + smooth + epsilon), TP = sum y p, FP = sum (1-y) p, FN = sum y (1-p)",
        latex=r"1 - \frac{TP + s}{TP + \alpha FP + \beta FN + s + \epsilon}",
        reference="Salehi, Erdogmus & Gholipour (2017), Tversky loss function for image segmentation, arXiv:1706.05721; keras.losses.Tversky",
        tasks=(MULTILABEL,),
        per_sample=tversky,
        params=(
            Param("alpha", 0.5, "weight of the false positives sum (1 - y) p", domain=NON_NEGATIVE),
            Param("beta", 0.5, "weight of the false negatives sum y (1 - p)", domain=NON_NEGATIVE),
            *PARAMS,
        ),
        make_state=make_state,
        conventions=_OVER + " alpha weighs false positives and beta false negatives, as Keras 3 and optax.",
        peers="keras.losses.Tversky(alpha, beta), optax.losses.dice_loss(alpha, beta)",
        properties="alpha = beta = 1/2 is Dice, alpha = beta = 1 Jaccard (with epsilon = 0 for Dice)",
        highest=1.0,
    ),
    LossSpec(
        name="jaccard",
        aliases=("soft-iou", "iou-loss", "soft-jaccard"),
        family="overlap",
        summary="Soft Jaccard (IoU) loss: 1 - the overlap of labels and probabilities over their union.",
        formula="1 - (sum y p + smooth) / (sum y + sum p - sum y p + smooth + epsilon)",
        latex=r"1 - \frac{\sum y p + s}{\sum y + \sum p - \sum y p + s + \epsilon}",
        reference="Rahman & Wang (2016), Optimizing Intersection-Over-Union in Deep Neural Networks for Image Segmentation, ISVC",
        tasks=(MULTILABEL,),
        per_sample=jaccard,
        params=PARAMS,
        make_state=make_state,
        conventions=_OVER + " The soft union is T + P - TP; 0/1 predictions give 1 - |Y and P| / |Y or P|.",
        peers="tversky with alpha = beta = 1; 1 - sklearn.metrics.jaccard_score(average='micro') for 0/1 predictions",
        properties="in [0, 1]; the Jaccard index J and the Dice coefficient D of the same sums: J = D / (2 - D)",
        highest=1.0,
    ),
)
