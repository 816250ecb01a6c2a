"""The zero-one loss: the share of samples whose predicted class is not the true one.

A step function of the predictions (zero gradient almost everywhere): a score to report beside
a loss, not one to train on. Binary: the predicted class is 1 where the probability of the
positive class exceeds ``threshold`` (a logit goes through the sigmoid first), strictly, as
torchmetrics ``BinaryAccuracy`` and Keras ``binary_accuracy``. Multiclass: the class with the
largest score (probability or logit alike), ties to the lowest index, as ``numpy.argmax``.
"""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError
from lossctl.losses.params import FROM_LOGITS, Interval, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import BINARY, MULTICLASS

OPEN_UNIT = Interval(0.0, 1.0, low_open=True, high_open=True)


def zero_one(batch: Batch, *, threshold: float, from_logits: bool) -> np.ndarray:
    """``1[predicted class != y]``."""
    if batch.get("y_pred").ndim == 1:
        positive = batch.binary_target(soft=False) == 1
        predicted = batch.probabilities(from_logits=from_logits) > threshold
        return (predicted != positive).astype(np.float64)
    labels = batch.class_labels()
    if labels is None:
        raise InputDomainError("zero-one needs one integer class label per sample", role="y_true")
    return (batch.matrix("y_pred").argmax(axis=1) != labels).astype(np.float64)


SPECS = (
    LossSpec(
        name="zero-one",
        aliases=("zero-one-loss", "error-rate", "misclassification-rate"),
        family="counting",
        summary="Share of misclassified samples (1 - accuracy).",
        formula="mean(1[predicted class != y]), predicted = 1[p > threshold] or argmax_c p_c",
        latex=r"\frac{1}{n}\sum_i \mathbb{1}[\hat y_i \ne y_i]",
        reference="scikit-learn zero_one_loss; Hastie, Tibshirani & Friedman (2009), ESL §2.4",
        tasks=(BINARY, MULTICLASS),
        per_sample=zero_one,
        params=(
            Param("threshold", 0.5, "binary: a sample is predicted positive when p > threshold", domain=OPEN_UNIT),
            FROM_LOGITS,
        ),
        conventions=(
            "Binary: positive when p > threshold, strictly (p = 0.5 is negative), as torchmetrics and "
            "Keras; from logits, p = sigmoid(z). Multiclass: argmax, ties to the lowest class index. "
            "Weighted: sum(w * error) / sum(w), as scikit-learn zero_one_loss(sample_weight)."
        ),
        peers="sklearn.metrics.zero_one_loss, 1 - torchmetrics Accuracy",
        properties="bounded in [0, 1]; a step function of the predictions: no gradient to train on",
    ),
)
