"""Focal loss, binary and multiclass: cross-entropy scaled by ``(1 - p_t)^gamma``.

Lin et al. (2017), Focal Loss for Dense Object Detection, ICCV, eq. (5):
``FL(p_t) = -alpha_t (1 - p_t)^gamma log(p_t)``, p_t the probability given to the true class.
gamma = 0 is cross-entropy. Binary focal follows torchvision's ``sigmoid_focal_loss``:
``alpha_t = alpha y + (1 - alpha)(1 - y)``, no alpha by default, soft labels allowed through
``1 - p_t = y (1 - p) + (1 - y) p``.
"""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError, ParameterError
from lossctl.losses.params import EPS, FLOAT_OR_VECTOR, FROM_LOGITS, NON_NEGATIVE, UNIT, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import BINARY, MULTICLASS


def focal(
    batch: Batch,
    *,
    gamma: float,
    alpha: float | tuple[float, ...] | None,
    from_logits: bool,
    eps: float,
    label_smoothing: float = 0.0,
) -> np.ndarray:
    """Per-sample focal loss; binary for a vector of predictions, multiclass for a matrix."""
    common = {"gamma": gamma, "from_logits": from_logits, "eps": eps, "label_smoothing": label_smoothing}
    if batch.get("y_pred").ndim == 1:
        if isinstance(alpha, tuple):
            raise ParameterError("focal: binary focal takes one alpha (the weight of positives), not a list")
        return binary_focal(batch, alpha=alpha, **common)
    return multiclass_focal(batch, alpha=alpha, **common)


def binary_focal(
    batch: Batch, *, gamma: float, alpha: float | None, from_logits: bool, eps: float, label_smoothing: float = 0.0
) -> np.ndarray:
    """``-alpha_t (1 - p_t)^gamma log p_t`` for a positive-class probability (or logit); label
    smoothing s makes y ``y (1 - s) + s/2`` first, as Keras ``BinaryFocalCrossentropy``."""
    y = batch.binary_target(soft=True)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
    log_p, log_q = batch.binary_log_probs(from_logits=from_logits, eps=eps)
    ce = -(y * log_p + (1.0 - y) * log_q)
    # 1 - p_t from exp(log q) and exp(log p), never by subtracting a probability from 1.
    one_minus_pt = y * np.exp(log_q) + (1.0 - y) * np.exp(log_p)
    loss = ce * one_minus_pt**gamma
    if alpha is not None:
        loss = (alpha * y + (1.0 - alpha) * (1.0 - y)) * loss
    return loss


def multiclass_focal(
    batch: Batch,
    *,
    gamma: float,
    alpha: float | tuple[float, ...] | None,
    from_logits: bool,
    eps: float,
    label_smoothing: float = 0.0,
) -> np.ndarray:
    """``-sum_c alpha_c t_c (1 - p_c)^gamma log p_c``; for integer labels, the true class only.
    Label smoothing s makes t ``t (1 - s) + s / C`` first, as Keras ``CategoricalFocalCrossentropy``."""
    log_p = batch.class_log_probs(from_logits=from_logits, eps=eps)
    classes = log_p.shape[1]
    weights = _class_alpha(alpha, classes)
    labels = batch.class_labels()
    if labels is not None and not label_smoothing:
        lp = log_p[np.arange(len(labels)), labels]
        loss = -((-np.expm1(lp)) ** gamma) * lp
        return loss if weights is None else weights[labels] * loss
    targets = batch.target_matrix()
    if label_smoothing:
        targets = targets * (1.0 - label_smoothing) + label_smoothing / classes
    if weights is not None:
        targets = targets * weights
    return -np.sum(targets * (-np.expm1(log_p)) ** gamma * log_p, axis=1)


def _class_alpha(alpha: float | tuple[float, ...] | None, classes: int) -> np.ndarray | None:
    if alpha is None:
        return None
    if not isinstance(alpha, tuple):
        raise ParameterError(
            f"focal: multiclass focal takes one alpha per class ({classes} values), e.g. alpha=[0.25,...]"
        )
    if len(alpha) != classes:
        raise InputDomainError(f"focal: {len(alpha)} alpha values for {classes} classes", role="y_pred")
    return np.asarray(alpha)


SPECS = (
    LossSpec(
        name="focal",
        aliases=("focal-loss",),
        family="cross-entropy",
        summary="Cross-entropy down-weighting easy examples by (1 - p_t)^gamma.",
        formula="-alpha_t (1 - p_t)^gamma log(p_t)",
        latex=r"-\frac{1}{n}\sum_i \alpha_{t}\,(1 - p_{t,i})^{\gamma} \log p_{t,i}",
        reference="Lin, Goyal, Girshick, He & Dollar (2017), Focal Loss for Dense Object Detection, ICCV",
        tasks=(BINARY, MULTICLASS),
        per_sample=focal,
        params=(
            Param("gamma", 2.0, "focusing parameter; 0 gives cross-entropy", domain=NON_NEGATIVE),
            Param(
                "alpha",
                None,
                "binary: weight of positives (negatives get 1 - alpha); multiclass: one weight per class",
                kind=FLOAT_OR_VECTOR,
                domain=UNIT,
            ),
            FROM_LOGITS,
            EPS,
            Param(
                "label_smoothing", 0.0, "binary: y becomes y (1 - s) + s/2; multiclass: t (1 - s) + s / C", domain=UNIT
            ),
        ),
        conventions=(
            "gamma = 2 and no alpha by default (the documents' form). alpha = a weights positives by a "
            "and negatives by 1 - a (torchvision sigmoid_focal_loss). Multiclass focal uses p of the "
            "true class and optional per-class alpha. Probabilities are clipped to [eps, 1-eps]. "
            "label_smoothing s smooths the labels first, alpha_t and 1 - p_t included, as Keras' "
            "BinaryFocalCrossentropy (y (1 - s) + s/2) and CategoricalFocalCrossentropy (t (1 - s) + s / C). "
            "Keras' own defaults differ: its binary alpha (apply_class_balancing) and categorical alpha are "
            "0.25 (alpha=[0.25,...] per class here), probabilities clipped at eps = 1e-7 and, categorical, "
            "each row divided by its sum first (here rows must sum to 1 within 1e-3)."
        ),
        peers=(
            "torchvision.ops.sigmoid_focal_loss (binary, from logits), keras BinaryFocalCrossentropy, "
            "keras CategoricalFocalCrossentropy"
        ),
        properties="gamma = 0 is cross-entropy; easy examples (p_t near 1) contribute almost nothing",
    ),
)
