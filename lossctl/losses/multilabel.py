"""Multi-label losses: several binary labels per sample, a samples x labels matrix of 0/1 (soft
labels in [0, 1] where the loss allows them), and one score per label: a probability or, with
``from_logits``, a logit. Each label is its own binary problem: one sigmoid per label, never a
softmax across them (``Batch.label_log_probs``).
"""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.error_rate import OPEN_UNIT, zero_one
from lossctl.losses.errors import InputDomainError
from lossctl.losses.params import (
    EPS,
    FLOAT_OR_VECTOR,
    FROM_LOGITS,
    LOG_FLOOR,
    NON_NEGATIVE,
    POSITIVE,
    VECTOR,
    Choice,
    Names,
    Param,
)
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import BINARY, MULTICLASS, MULTILABEL


def per_label(values: float | tuple[float, ...] | None, labels: int, name: str) -> np.ndarray | float | None:
    """A parameter given once for every label or once per label, as an array of the labels'."""
    if values is None or not isinstance(values, tuple):
        return values
    if len(values) != labels:
        raise InputDomainError(f"{len(values)} {name} values for {labels} labels", role="y_pred")
    return np.asarray(values)


def multilabel_bce(
    batch: Batch,
    *,
    from_logits: bool,
    eps: float,
    log_floor: float | None = None,
    pos_weight: float | tuple[float, ...] = 1.0,
    class_weights: tuple[float, ...] | None = None,
) -> np.ndarray:
    """``(1/C) sum_c -w_c (pw_c y_c log p_c + (1 - y_c) log(1 - p_c))``: the mean over its C
    labels of each label's binary cross-entropy (PyTorch ``BCEWithLogitsLoss(weight,
    pos_weight)`` on a samples x labels matrix, whose mean over all N C elements is the mean
    of these rows)."""
    y = batch.label_matrix(soft=True)
    labels = y.shape[1]
    log_p, log_q = batch.label_log_probs(from_logits=from_logits, eps=eps, log_floor=log_floor)
    positive = y * log_p
    pw = per_label(pos_weight, labels, "pos_weight")
    if not (np.isscalar(pw) and pw == 1.0):
        positive = pw * positive
    terms = -(positive + (1.0 - y) * log_q)
    weights = per_label(class_weights, labels, "class_weights")
    if weights is not None:
        terms = weights * terms
    return terms.mean(axis=1)


def multilabel_soft_margin(batch: Batch, *, class_weights: tuple[float, ...] | None) -> np.ndarray:
    """``-(1/C) sum_c w_c (y_c log sigmoid(x_c) + (1 - y_c) log sigmoid(-x_c))`` (PyTorch
    ``MultiLabelSoftMarginLoss(weight)``): multilabel-bce of logits, by another name."""
    return multilabel_bce(batch, from_logits=True, eps=0.0, class_weights=class_weights)


INDICATORS = "indicators"
INDICES = "indices"


def target_counts(batch: Batch, targets: str) -> np.ndarray:
    """How many times each label is a target of each sample, a samples x labels matrix.

    ``indicators``: the 0/1 label matrix itself. ``indices``: PyTorch's layout, each row a list
    of target class indices ended by the first negative value (``-1``), the rest ignored;
    any number of columns.
    """
    if targets == INDICATORS:
        return batch.label_matrix(soft=False)
    scores = batch.matrix("y_pred")
    listed = batch.get("y_true").reshape(len(scores), -1)
    n, labels = scores.shape
    valid = np.cumsum(listed < 0, axis=1) == 0
    bad = valid & ((listed != np.floor(listed)) | (listed >= labels))
    if bad.any():
        i = int(np.argmax(bad.any(axis=1)))
        value = listed[i][bad[i]][0]
        raise InputDomainError(f"target index {value:g} is not an integer in [0, {labels - 1}]", role="y_true", index=i)
    counts = np.zeros((n, labels))
    rows, columns = np.nonzero(valid)
    np.add.at(counts, (rows, listed[rows, columns].astype(np.intp)), 1.0)
    return counts


def multilabel_margin(batch: Batch, *, targets: str) -> np.ndarray:
    """``sum_{j in targets} sum_{i not a target} max(0, 1 - (x_j - x_i)) / C`` (PyTorch
    ``MultiLabelMarginLoss``): every target score must lead every other score by 1."""
    scores = batch.matrix("y_pred")
    counts = target_counts(batch, targets)
    others = counts == 0
    loss = np.zeros(len(scores))
    for j in np.flatnonzero(counts.any(axis=0)).tolist():
        gaps = np.maximum(0.0, 1.0 - scores[:, j : j + 1] + scores)
        loss += counts[:, j] * np.where(others, gaps, 0.0).sum(axis=1)
    return loss / scores.shape[1]


def hamming(batch: Batch, *, threshold: float, from_logits: bool) -> np.ndarray:
    """The share of each sample's labels predicted wrong, a label predicted present when its
    probability exceeds ``threshold``; one label per sample (binary, multiclass): ``zero-one``."""
    if batch.get("y_true").ndim == 1:
        return zero_one(batch, threshold=threshold, from_logits=from_logits)
    present = batch.label_matrix(soft=False) == 1.0
    predicted = batch.label_probabilities(from_logits=from_logits) > threshold
    return (predicted != present).mean(axis=1)


_SIGMOID = (
    "Probabilities are clipped to [eps, 1-eps] (or, with log_floor, their logs floored, as PyTorch's "
    "BCELoss at -100); logits go through one log-sigmoid per label, never clipped."
)

SPECS = (
    LossSpec(
        name="hamming",
        aliases=("hamming-loss",),
        family="counting",
        summary="Share of labels predicted wrong (multi-label); the error rate for one label per sample.",
        formula="mean_c 1[(p_c > threshold) != y_c]; one label per sample: 1[predicted class != y]",
        latex=r"\frac{1}{n C}\sum_i \sum_c \mathbb{1}[\hat y_{ic} \ne y_{ic}]",
        reference="Schapire & Singer (2000), BoosTexter, Machine Learning 39; scikit-learn hamming_loss",
        tasks=(MULTILABEL, BINARY, MULTICLASS),
        per_sample=hamming,
        params=(
            Param("threshold", 0.5, "a label is predicted present when p > threshold", domain=OPEN_UNIT),
            FROM_LOGITS,
        ),
        conventions=(
            "scikit-learn hamming_loss of the predicted labels: a label is present when p > threshold, strictly "
            "(from logits p = sigmoid(z)); 0/1 predictions are read as they are. A label matrix is read as "
            "multi-label, as scikit-learn reads an indicator matrix; one label per sample is zero-one's "
            "error rate (argmax for a class matrix), as scikit-learn says. Weighted: sum(w * share) / sum(w)."
        ),
        peers="sklearn.metrics.hamming_loss, torchmetrics MultilabelHammingDistance",
        properties="bounded in [0, 1]; a step function of the predictions: no gradient to train on",
    ),
    LossSpec(
        name="multilabel-bce",
        aliases=("bce-with-logits", "multilabel-cross-entropy"),
        family="cross-entropy",
        summary="Binary cross-entropy of every label of a multi-label matrix, averaged over labels and samples.",
        formula="(1/C) sum_c -w_c (pw_c y_c log p_c + (1 - y_c) log(1 - p_c))",
        latex=r"-\frac{1}{nC}\sum_i\sum_c w_c\left[pw_c\,y_{ic}\log p_{ic} + (1 - y_{ic})\log(1 - p_{ic})\right]",
        reference="torch.nn.BCEWithLogitsLoss (on a matrix); Zhang & Zhou (2014), A Review on Multi-Label Learning Algorithms",
        tasks=(MULTILABEL,),
        per_sample=multilabel_bce,
        params=(
            FROM_LOGITS,
            EPS,
            LOG_FLOOR,
            Param(
                "pos_weight",
                1.0,
                "weight of each label's positive term: one for all, or one per label (PyTorch pos_weight)",
                kind=FLOAT_OR_VECTOR,
                domain=POSITIVE,
            ),
            Param("class_weights", None, "one weight per label (PyTorch weight)", kind=VECTOR, domain=NON_NEGATIVE),
        ),
        conventions=(
            "The mean over all n x C elements, as PyTorch's reduction='mean' (not the sum over labels: multiply "
            "by C for that); sample weights weight rows. Labels may be soft, in [0, 1]. " + _SIGMOID
        ),
        peers="torch.nn.BCEWithLogitsLoss(weight, pos_weight), torch.nn.BCELoss, keras BinaryCrossentropy on a matrix",
        properties="strictly proper for each label; unbounded",
    ),
    LossSpec(
        name="multilabel-soft-margin",
        family="cross-entropy",
        summary="PyTorch's multi-label soft margin loss: multilabel-bce of logits.",
        formula="-(1/C) sum_c w_c (y_c log sigmoid(x_c) + (1 - y_c) log sigmoid(-x_c))",
        latex=r"-\frac{1}{nC}\sum_i\sum_c w_c\left[y_{ic}\log\sigma(x_{ic}) + (1 - y_{ic})\log\sigma(-x_{ic})\right]",
        reference="torch.nn.MultiLabelSoftMarginLoss",
        tasks=(MULTILABEL,),
        per_sample=multilabel_soft_margin,
        params=(
            Param("class_weights", None, "one weight per label (PyTorch weight)", kind=VECTOR, domain=NON_NEGATIVE),
        ),
        conventions=(
            "Reads scores (logits) always, labels in {0, 1} (or soft); the same number as multilabel-bce with "
            "from_logits=true and the same class_weights."
        ),
        peers="torch.nn.MultiLabelSoftMarginLoss(weight)",
        properties="smooth; unbounded",
    ),
    LossSpec(
        name="multilabel-margin",
        family="margin",
        summary="PyTorch's multi-label hinge: each target label's score must lead every other label's by 1.",
        formula="sum_{j in targets} sum_{i not a target} max(0, 1 - (x_j - x_i)) / C",
        latex=r"\frac{1}{nC}\sum_i \sum_{j \in Y_i}\sum_{k \notin Y_i} \max(0, 1 - x_{ij} + x_{ik})",
        reference="torch.nn.MultiLabelMarginLoss; Crammer & Singer (2003), A Family of Additive Online Algorithms for Category Ranking, JMLR",
        tasks=(MULTILABEL,),
        per_sample=multilabel_margin,
        params=(
            Choice(
                "targets",
                INDICATORS,
                "how y_true gives the targets: a 0/1 label matrix, or PyTorch's index lists ended by -1",
                domain=Names((INDICATORS, INDICES)),
            ),
        ),
        conventions=(
            "The targets are the labels marked 1 in the label matrix (targets=indicators); targets=indices reads "
            "PyTorch's own layout, each row's class indices up to its first -1 (e.g. 3,0,-1,1 is {3, 0}), in "
            "any number of columns. A sample with no target costs 0, as in PyTorch; divided by C, the number "
            "of labels."
        ),
        peers="torch.nn.MultiLabelMarginLoss",
        properties="zero once every target label's score leads every other label's by 1",
    ),
)
