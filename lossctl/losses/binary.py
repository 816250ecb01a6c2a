"""Binary classification losses: labels in {0, 1} (soft labels in [0, 1] where the loss allows
them), predictions as probabilities of the positive class or, with ``from_logits``, as logits.

Logit paths use log-sigmoid (``lossctl.losses.logits.log_sigmoids``) and never clip;
probability paths clip to [eps, 1-eps] and count the clipped values (see
``Batch.binary_log_probs``).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.params import EPS, FROM_LOGITS, LOG_FLOOR, NON_NEGATIVE, POSITIVE, UNIT, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.state import PenalizedMeanState
from lossctl.losses.tasks import BINARY, MULTICLASS


def binary_cross_entropy(
    batch: Batch,
    *,
    from_logits: bool,
    eps: float,
    log_floor: float | None = None,
    pos_weight: float = 1.0,
    label_smoothing: float = 0.0,
) -> np.ndarray:
    """``-(pos_weight * y log p + (1 - y) log(1 - p))``.

    ``label_smoothing`` s replaces y by ``y (1 - s) + s/2`` (Keras, optax); ``pos_weight``
    multiplies the positive term (PyTorch ``BCEWithLogitsLoss(pos_weight)``).
    """
    y = batch.binary_target(soft=True)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
    log_p, log_q = batch.binary_log_probs(from_logits=from_logits, eps=eps, log_floor=log_floor)
    positive = y * log_p if pos_weight == 1.0 else pos_weight * y * log_p
    return -(positive + (1.0 - y) * log_q)


def hinge(batch: Batch) -> np.ndarray:
    """``max(0, 1 - y s)`` for labels y in {-1, +1} and decision scores s."""
    margin = batch.signed_target() * batch.vector("y_pred")
    return np.maximum(0.0, 1.0 - margin)


def squared_hinge(batch: Batch) -> np.ndarray:
    """``max(0, 1 - y s)^2``."""
    h = hinge(batch)
    return h * h


def brier(batch: Batch, *, from_logits: bool) -> np.ndarray:
    """``(y - p)^2`` with p the predicted probability of the positive class. From logits z,
    ``y - p = y (1 - p) - (1 - y) p`` with ``1 - p = sigmoid(-z)`` and ``p = sigmoid(z)``, each
    the exp of a log-sigmoid: a confident prediction's error (``e^-40`` for z = 40) is not
    lost in ``1 - 0.99999...``."""
    if batch.get("y_pred").ndim == 2:
        return _multiclass_brier(batch, from_logits=from_logits)
    y = batch.binary_target(soft=True)
    if from_logits:
        log_p, log_q = batch.binary_log_probs(from_logits=True, eps=0.0)
        d = y * np.exp(log_q) - (1.0 - y) * np.exp(log_p)
    else:
        d = y - batch.probabilities(from_logits=False)
    return d * d


def _multiclass_brier(batch: Batch, *, from_logits: bool) -> np.ndarray:
    """``sum_c (t_c - p_c)^2`` over the classes, t one-hot (or the target matrix), p the class
    probabilities (a softmax of logits): scikit-learn's multiclass Brier score, not halved."""
    p = np.exp(batch.class_log_probs(from_logits=True, eps=0.0)) if from_logits else batch.class_probabilities()
    d = batch.target_matrix() - p
    return np.einsum("ij,ij->i", d, d)


def missed_positives(batch: Batch, *, penalty_ratio: float, threshold: float, from_logits: bool) -> np.ndarray:
    """``penalty_ratio`` for each positive predicted below ``threshold`` (a false negative)."""
    y = batch.binary_target(soft=True)
    missed = (y == 1.0) & (batch.probabilities(from_logits=from_logits) < threshold)
    return penalty_ratio * missed


def cost_sensitive_bce(
    batch: Batch, *, penalty_ratio: float, threshold: float, from_logits: bool, eps: float, log_floor: float | None
) -> np.ndarray:
    """Per sample: its cross-entropy plus its false-negative penalty."""
    bce = binary_cross_entropy(batch, from_logits=from_logits, eps=eps, log_floor=log_floor)
    return bce + missed_positives(batch, penalty_ratio=penalty_ratio, threshold=threshold, from_logits=from_logits)


def _cost_sensitive_state(spec: LossSpec, params: dict) -> PenalizedMeanState:
    bce_term = partial(
        binary_cross_entropy, from_logits=params["from_logits"], eps=params["eps"], log_floor=params["log_floor"]
    )
    penalty = partial(
        missed_positives,
        penalty_ratio=params["penalty_ratio"],
        threshold=params["threshold"],
        from_logits=params["from_logits"],
    )
    return PenalizedMeanState(bce_term, penalty)


_PROBABILITY_CONVENTION = (
    "By default probabilities are clipped to [eps, 1-eps] (eps = float64 machine epsilon, as scikit-learn) "
    "and the clipped values are counted; log_floor=-100 instead floors log p and log(1-p) at -100 and "
    "clips nothing, as PyTorch's BCELoss (a p of exactly 0 for a positive then costs 100, not 36.04). "
    "With from_logits, log-sigmoid is used and nothing is clipped or floored."
)

SPECS = (
    LossSpec(
        name="bce",
        aliases=("binary-cross-entropy", "log-loss", "logloss"),
        family="cross-entropy",
        summary="Binary cross-entropy (log loss) of the positive-class probability.",
        formula="-(pos_weight y log p + (1 - y) log(1 - p))",
        latex=r"-\frac{1}{n}\sum_i \left[w_+ y_i \log p_i + (1-y_i)\log(1-p_i)\right]",
        reference="Cox (1958), The Regression Analysis of Binary Sequences; scikit-learn log_loss",
        tasks=(BINARY,),
        per_sample=binary_cross_entropy,
        params=(
            FROM_LOGITS,
            EPS,
            LOG_FLOOR,
            Param("pos_weight", 1.0, "weight of the positive term (PyTorch pos_weight)", domain=POSITIVE),
            Param("label_smoothing", 0.0, "y becomes y (1 - s) + s/2", domain=UNIT),
        ),
        conventions=_PROBABILITY_CONVENTION,
        peers="sklearn.metrics.log_loss, torch.nn.BCELoss / BCEWithLogitsLoss(pos_weight), keras BinaryCrossentropy",
        properties="strictly proper scoring rule; unbounded as p -> 0 for a positive",
    ),
    LossSpec(
        name="hinge",
        family="margin",
        summary="Hinge loss of decision scores; labels {-1, +1} ({0, 1} mapped 0 -> -1).",
        formula="max(0, 1 - y s)",
        latex=r"\frac{1}{n}\sum_i \max(0, 1 - y_i s_i)",
        reference="Cortes & Vapnik (1995), Support-Vector Networks; scikit-learn hinge_loss",
        tasks=(BINARY,),
        per_sample=hinge,
        conventions="Labels in {0, 1} are mapped 0 -> -1 and the mapping is reported.",
        peers="sklearn.metrics.hinge_loss, keras Hinge",
        properties="zero beyond the margin; not differentiable at y s = 1",
    ),
    LossSpec(
        name="squared-hinge",
        family="margin",
        summary="Squared hinge loss of decision scores.",
        formula="max(0, 1 - y s)^2",
        latex=r"\frac{1}{n}\sum_i \max(0, 1 - y_i s_i)^2",
        reference="Keras SquaredHinge; Lee & Mangasarian (2001), SSVM",
        tasks=(BINARY,),
        per_sample=squared_hinge,
        conventions="Labels in {0, 1} are mapped 0 -> -1 and the mapping is reported.",
        peers="keras.losses.SquaredHinge",
        properties="differentiable; quadratic inside the margin",
    ),
    LossSpec(
        name="brier",
        aliases=("brier-score",),
        family="proper-scoring",
        summary="Brier score: squared error of the predicted probabilities.",
        formula="(y - p)^2; multiclass sum_c (onehot(y)_c - p_c)^2",
        latex=r"\frac{1}{n}\sum_i (y_i - p_i)^2",
        reference="Brier (1950), Verification of Forecasts Expressed in Terms of Probability; scikit-learn brier_score_loss",
        tasks=(BINARY, MULTICLASS),
        per_sample=brier,
        params=(FROM_LOGITS,),
        conventions=(
            "Binary: the positive class's squared error, in [0, 1]. Multiclass: the sum over the classes, "
            "in [0, 2], as scikit-learn >= 1.7 (scale_by_half='auto'); the binary score is half the "
            "two-class sum."
        ),
        peers="sklearn.metrics.brier_score_loss",
        properties="strictly proper and bounded",
    ),
    LossSpec(
        name="cost-sensitive-bce",
        aliases=("medical-loss",),
        family="cost-sensitive",
        summary=(
            "Mean BCE plus penalty_ratio times the COUNT of positives predicted below threshold "
            "(the penalty is a count, not a mean: it grows with the data)."
        ),
        formula="mean(bce) + penalty_ratio * #{i : y_i = 1 and p_i < threshold}",
        latex=r"\frac{1}{n}\sum_i \mathrm{bce}_i + \rho\,\left|\{i : y_i = 1,\ p_i < t\}\right|",
        reference="The MedicalLoss of the reference documents (004, section 3.3.4); Elkan (2001), The Foundations of Cost-Sensitive Learning",
        tasks=(BINARY,),
        per_sample=cost_sensitive_bce,
        params=(
            Param("penalty_ratio", 5.0, "penalty per missed positive (false negative)", domain=NON_NEGATIVE),
            Param("threshold", 0.5, "a positive with p below it counts as missed", domain=UNIT),
            FROM_LOGITS,
            EPS,
            LOG_FLOOR,
        ),
        make_state=_cost_sensitive_state,
        conventions=(
            "The document's MedicalLoss: F.binary_cross_entropy (mean) + ratio * mask.sum(); exactly its "
            "number with log_floor=-100 (PyTorch's floor of the logs); the default (eps clipping, as bce) gives "
            "the same number whenever every p lies in [eps, 1-eps]. "
            "With sample weights the count is weighted. Per-sample values are bce_i + ratio * missed_i; "
            "the total is their BCE mean plus the penalty sum. " + _PROBABILITY_CONVENTION
        ),
        peers="none (the document's PyTorch code, reproduced with log_floor=-100)",
        properties="not a mean: compare only between files of equal size",
    ),
)
