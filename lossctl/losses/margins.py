"""Margin losses of class scores beyond Crammer-Singer's: PyTorch's multi-margin loss (Weston
and Watkins' sum over the wrong classes), Keras' categorical hinge, and the perceptron loss."""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError
from lossctl.losses.multiclass import IGNORED, kept_rows, without_ignored
from lossctl.losses.params import IGNORE_INDEX, NON_NEGATIVE, VECTOR, Interval, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import BINARY, MULTICLASS


def _labels(batch: Batch, loss: str, ignore_index: float | None = None) -> np.ndarray:
    labels = batch.class_labels(ignore_index)
    if labels is None:
        raise InputDomainError(f"{loss} needs one integer class label per sample", role="y_true")
    return labels


def multi_margin(
    batch: Batch,
    *,
    p: float,
    margin: float,
    class_weights: tuple[float, ...] | None,
    ignore_index: float | None = None,
) -> np.ndarray:
    """``sum_{c != y} w_y max(0, margin - s_y + s_c)^p / C`` (PyTorch ``MultiMarginLoss``;
    Weston & Watkins 1999)."""
    scores = batch.matrix("y_pred")
    labels = _labels(batch, "multi-margin", ignore_index)
    rows, classes = np.arange(len(labels)), scores.shape[1]
    gaps = np.maximum(0.0, margin - scores[rows, labels][:, None] + scores)
    gaps[rows, labels] = 0.0
    if p != 1.0:
        gaps **= p
    loss = without_ignored(gaps.sum(axis=1) / classes, batch, ignore_index)
    if class_weights is None:
        return loss
    if len(class_weights) != classes:
        raise InputDomainError(f"{len(class_weights)} class weights for {classes} classes", role="y_pred")
    return np.asarray(class_weights)[labels] * loss


def categorical_hinge(batch: Batch) -> np.ndarray:
    """``max(0, 1 + max_c (1 - t_c) s_c - sum_c t_c s_c)`` (Keras ``CategoricalHinge``): the
    largest wrong score counts at least 0, unlike Crammer-Singer's ``max_{c != y} s_c``."""
    scores = batch.matrix("y_pred")
    targets = batch.target_matrix()
    positive = np.einsum("ij,ij->i", targets, scores)
    negative = ((1.0 - targets) * scores).max(axis=1)
    return np.maximum(0.0, negative - positive + 1.0)


def perceptron(batch: Batch) -> np.ndarray:
    """``max(0, -y s)`` for labels y in {-1, +1} ({0, 1} mapped) and scores s (optax
    ``perceptron_loss``)."""
    return np.maximum(0.0, -batch.signed_target() * batch.vector("y_pred"))


POWERS = Interval(1.0, 2.0)

SPECS = (
    LossSpec(
        name="multi-margin",
        aliases=("weston-watkins",),
        family="margin",
        summary="PyTorch's multi-class margin loss: every wrong class within the margin counts.",
        formula="sum_{c != y} w_y max(0, margin - s_y + s_c)^p / C",
        latex=r"\frac{1}{n}\sum_i \frac{1}{C}\sum_{c \ne y_i} w_{y_i}\max(0, m - s_{i,y_i} + s_{ic})^p",
        reference="Weston & Watkins (1999), Support Vector Machines for Multi-Class Pattern Recognition; torch.nn.MultiMarginLoss",
        tasks=(MULTICLASS,),
        per_sample=multi_margin,
        params=(
            Param("p", 1.0, "the power of each gap: 1 (hinge) or 2 (squared hinge), as PyTorch", domain=POWERS),
            Param("margin", 1.0, "the margin the true class's score must lead by", domain=NON_NEGATIVE),
            Param("class_weights", None, "one weight per class (of the true class)", kind=VECTOR, domain=NON_NEGATIVE),
            IGNORE_INDEX,
        ),
        denominator=kept_rows,
        conventions=(
            "Divided by the number of classes C, and the mean over samples unweighted by w, as PyTorch. "
            + IGNORED
            + " PyTorch's MultiMarginLoss has no ignore_index: its value is that of the rows kept."
        ),
        peers="torch.nn.MultiMarginLoss(p, margin, weight)",
        properties="zero once the true class leads every other by the margin",
    ),
    LossSpec(
        name="categorical-hinge",
        family="margin",
        summary="Keras' categorical hinge of class scores against one-hot targets.",
        formula="max(0, 1 + max_c (1 - t_c) s_c - sum_c t_c s_c)",
        latex=r"\frac{1}{n}\sum_i \max\left(0, 1 + \max_c (1 - t_{ic}) s_{ic} - \sum_c t_{ic} s_{ic}\right)",
        reference="keras.losses.CategoricalHinge",
        tasks=(MULTICLASS,),
        per_sample=categorical_hinge,
        conventions=(
            "Keras' form: the wrong classes' largest score is taken of (1 - t) s, so it is at least 0 "
            "where every wrong score is negative; multiclass-hinge (Crammer-Singer) takes it as it is."
        ),
        peers="keras.losses.CategoricalHinge",
        properties="zero once the true score leads the largest wrong one (or 0) by 1",
    ),
    LossSpec(
        name="perceptron",
        family="margin",
        summary="Perceptron loss of decision scores: the hinge without a margin.",
        formula="max(0, -y s)",
        latex=r"\frac{1}{n}\sum_i \max(0, -y_i s_i)",
        reference="Rosenblatt (1958); optax.losses.perceptron_loss",
        tasks=(BINARY,),
        per_sample=perceptron,
        conventions="Labels in {0, 1} are mapped 0 -> -1 and the mapping is reported, as for hinge.",
        peers="optax.losses.perceptron_loss",
        properties="zero for every correctly signed score, however small",
    ),
)
