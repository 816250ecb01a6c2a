"""Variants of softmax cross-entropy: on log-probabilities (PyTorch's NLLLoss), with a
polynomial correction (PolyLoss), and noise-robust (generalized cross-entropy)."""

from __future__ import annotations

import math

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError
from lossctl.losses.multiclass import IGNORED, class_weight_of_target, without_ignored
from lossctl.losses.params import EPS, FROM_LOGITS, IGNORE_INDEX, NON_NEGATIVE, VECTOR, Interval, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import MULTICLASS


def negative_log_likelihood(
    batch: Batch, *, class_weights: tuple[float, ...] | None, ignore_index: float | None = None
) -> np.ndarray:
    """``-w_y x_y`` of a matrix x of log-probabilities (PyTorch ``NLLLoss``): no softmax and no
    log is taken, the input is the model's log-softmax."""
    log_p = batch.matrix("y_pred")
    if (log_p > 0).any():
        i = int(np.argmax((log_p > 0).any(axis=1)))
        raise InputDomainError(
            "a log-probability is above 0",
            role="y_pred",
            index=i,
            hint="nll reads log-probabilities; cross-entropy reads probabilities or logits",
        )
    labels = batch.class_labels(ignore_index)
    if labels is None:
        raise InputDomainError("nll needs one integer class label per sample", role="y_true")
    loss = without_ignored(-log_p[np.arange(len(labels)), labels], batch, ignore_index)
    if class_weights is None:
        return loss
    if len(class_weights) != log_p.shape[1]:
        raise InputDomainError(f"{len(class_weights)} class weights for {log_p.shape[1]} classes", role="y_pred")
    return np.asarray(class_weights)[labels] * loss


def poly_1(batch: Batch, *, epsilon: float, from_logits: bool, eps: float) -> np.ndarray:
    """``CE + epsilon (1 - p_t)``, ``p_t = sum_c t_c p_c`` (Leng et al. 2022, PolyLoss; optax
    ``poly_loss_cross_entropy``); ``1 - p_t`` from ``-expm1(log p_t)`` for a hard label."""
    targets, log_p = batch.target_matrix(), batch.class_log_probs(from_logits=from_logits, eps=eps)
    ce = -np.einsum("ij,ij->i", targets, log_p)
    one_minus_pt = 1.0 - np.einsum("ij,ij->i", targets, np.exp(log_p))
    labels = batch.class_labels()
    if labels is not None:
        one_minus_pt = -np.expm1(log_p[np.arange(len(labels)), labels])
    return ce + epsilon * one_minus_pt


def generalized_cross_entropy(batch: Batch, *, q: float, from_logits: bool, eps: float) -> np.ndarray:
    """``(1 - p_y^q) / q`` = ``-expm1(q log p_y) / q`` (Zhang & Sabuncu 2018): q -> 0 is
    cross-entropy, q = 1 the mean absolute error of the probabilities."""
    labels = batch.class_labels()
    if labels is None:
        raise InputDomainError("generalized-cross-entropy needs one integer class label per sample", role="y_true")
    log_p = batch.class_log_probs(from_logits=from_logits, eps=eps)
    return -np.expm1(q * log_p[np.arange(len(labels)), labels]) / q


SPECS = (
    LossSpec(
        name="nll",
        aliases=("nll-loss", "negative-log-likelihood"),
        family="cross-entropy",
        summary="Negative log-likelihood of a matrix of log-probabilities (PyTorch NLLLoss).",
        formula="-w_y x_y, x the log-probabilities",
        latex=r"-\frac{\sum_i w_{y_i} x_{i,y_i}}{\sum_i w_{y_i}}",
        reference="torch.nn.NLLLoss",
        tasks=(MULTICLASS,),
        per_sample=negative_log_likelihood,
        denominator=class_weight_of_target,
        params=(Param("class_weights", None, "one weight per class", kind=VECTOR, domain=NON_NEGATIVE), IGNORE_INDEX),
        conventions=(
            "The input is log-probabilities (a log-softmax), as PyTorch; cross-entropy of the same "
            "model's logits is the same number. With class weights, divided by the true classes' weights. " + IGNORED
        ),
        peers="torch.nn.NLLLoss(weight, ignore_index)",
        properties="strictly proper; unbounded",
        lowest=-math.inf,  # of whatever log-probabilities it is given
    ),
    LossSpec(
        name="poly-1",
        aliases=("poly-loss",),
        family="cross-entropy",
        summary="PolyLoss: cross-entropy plus epsilon times (1 - p_t).",
        formula="-sum_c t_c log p_c + epsilon (1 - sum_c t_c p_c)",
        latex=r"\frac{1}{n}\sum_i \left(-\log p_{i,t} + \epsilon (1 - p_{i,t})\right)",
        reference="Leng et al. (2022), PolyLoss: A Polynomial Expansion Perspective of Classification Loss Functions, ICLR; optax.losses.poly_loss_cross_entropy",
        tasks=(MULTICLASS,),
        per_sample=poly_1,
        params=(Param("epsilon", 2.0, "the weight of the first polynomial term (optax's default 2)"), FROM_LOGITS, EPS),
        conventions="optax's default epsilon = 2; epsilon = 0 is cross-entropy; epsilon = -1 drops the first-order term.",
        peers="optax.losses.poly_loss_cross_entropy",
        properties="cross-entropy reweighted toward the hard examples for epsilon > 0",
        lowest=-math.inf,  # with epsilon < -1, and of no sign in general
    ),
    LossSpec(
        name="generalized-cross-entropy",
        aliases=("gce",),
        family="cross-entropy",
        summary="Noise-robust generalized cross-entropy (1 - p_y^q) / q.",
        formula="(1 - p_y^q) / q",
        latex=r"\frac{1}{n}\sum_i \frac{1 - p_{i,y_i}^q}{q}",
        reference="Zhang & Sabuncu (2018), Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels, NeurIPS",
        tasks=(MULTICLASS,),
        per_sample=generalized_cross_entropy,
        params=(
            Param(
                "q",
                0.7,
                "between cross-entropy (q -> 0) and the MAE of the probabilities (q = 1)",
                domain=Interval(0.0, 1.0, low_open=True),
            ),
            FROM_LOGITS,
            EPS,
        ),
        conventions="q = 0.7 as in the paper; bounded by 1/q, so a mislabelled sample weighs at most that.",
        peers="the paper's definition (no library loss of this name)",
        properties="bounded; robust to label noise",
    ),
)
