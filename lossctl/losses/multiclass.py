"""Multiclass losses of a samples x classes prediction matrix (probabilities, or logits with
``from_logits``) against integer class labels or a target matrix (one-hot or soft)."""

from __future__ import annotations

import math

import numpy as np

from lossctl.losses.batch import ROW_SUM_TOLERANCE, Batch
from lossctl.losses.errors import InputDomainError
from lossctl.losses.logits import log_softmax
from lossctl.losses.params import BOOL, EPS, FROM_LOGITS, IGNORE_INDEX, NON_NEGATIVE, POSITIVE, UNIT, VECTOR, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import MULTICLASS


def _class_weights(class_weights: tuple[float, ...] | None, classes: int) -> np.ndarray | None:
    if class_weights is None:
        return None
    if len(class_weights) != classes:
        raise InputDomainError(f"{len(class_weights)} class weights for {classes} classes", role="y_pred")
    return np.asarray(class_weights)


def ignored(batch: Batch, ignore_index: float | None) -> np.ndarray | None:
    """The rows whose label is ``ignore_index``, which do not count (PyTorch's ignore_index),
    as a mask; None when no row is ignored (none named, or a target matrix, as PyTorch)."""
    y = batch.get("y_true")
    if ignore_index is None or y.ndim != 1:
        return None
    mask = y == ignore_index
    return mask if mask.any() else None


def without_ignored(loss: np.ndarray, batch: Batch, ignore_index: float | None) -> np.ndarray:
    """``loss`` with the ignored rows' terms set to 0."""
    mask = ignored(batch, ignore_index)
    return loss if mask is None else np.where(mask, 0.0, loss)


def cross_entropy(
    batch: Batch,
    *,
    from_logits: bool,
    eps: float,
    class_weights: tuple[float, ...] | None,
    label_smoothing: float,
    ignore_index: float | None = None,
) -> np.ndarray:
    """``-sum_c w_c t_c log p_c``, t the (smoothed) target distribution.

    Label smoothing s gives ``t = (1 - s) onehot + s / C`` (Szegedy et al. 2016, PyTorch).
    For integer labels without smoothing, only the true class is read: ``-w_y log p_y``.
    """
    if not label_smoothing and (labels := batch.class_labels(ignore_index)) is not None:
        loss, classes = _true_class_terms(batch, labels, from_logits=from_logits, eps=eps)
        weights = _class_weights(class_weights, classes)
        return without_ignored(loss if weights is None else weights[labels] * loss, batch, ignore_index)
    log_p = batch.class_log_probs(from_logits=from_logits, eps=eps)
    classes = log_p.shape[1]
    weights = _class_weights(class_weights, classes)
    targets = batch.target_matrix(ignore_index=ignore_index)
    if label_smoothing:
        targets = targets * (1.0 - label_smoothing) + label_smoothing / classes
    if weights is not None:
        targets = targets * weights
    return without_ignored(-np.einsum("ij,ij->i", targets, log_p), batch, ignore_index)


def _true_class_terms(batch: Batch, labels: np.ndarray, *, from_logits: bool, eps: float) -> tuple[np.ndarray, int]:
    """``-log p_y`` of each row's class y, and the number of classes. From logits it is
    ``(m - z_y) + log sum_c e^(z_c - m)`` (``softmax_normalizers``): the log-probability's
    negative, the same float but for the sign of a zero, without the matrix of
    log-probabilities."""
    rows = np.arange(len(labels))
    if not from_logits:
        log_p = batch.class_log_probs(from_logits=False, eps=eps)
        return -log_p[rows, labels], log_p.shape[1]
    top, log_total = batch.softmax_normalizers()
    z = batch.matrix("y_pred")
    loss = top[:, 0] - z[rows, labels]
    loss += log_total[:, 0]
    return loss, z.shape[1]


def kept_rows(batch: Batch, *, ignore_index: float | None = None, **_: object) -> np.ndarray:
    """1 for each row that counts, 0 for an ignored one: a mean's denominators."""
    return without_ignored(np.ones(len(batch)), batch, ignore_index)


def class_weight_of_target(
    batch: Batch, *, class_weights: tuple[float, ...] | None, ignore_index: float | None = None, **_: object
) -> np.ndarray:
    """The weight of each sample's true class: what PyTorch's class-weighted mean divides by;
    0 for an ignored row.

    For a target matrix (soft or one-hot targets), PyTorch divides by the number of samples.
    """
    labels = batch.class_labels(ignore_index)
    if class_weights is None or labels is None:
        return kept_rows(batch, ignore_index=ignore_index)
    weights = _class_weights(class_weights, batch.num_classes())[labels]
    return without_ignored(weights, batch, ignore_index)


def crammer_singer_hinge(batch: Batch) -> np.ndarray:
    """``max(0, 1 - (s_y - max_{c != y} s_c))`` (Crammer & Singer 2001; scikit-learn
    ``hinge_loss`` for more than two classes)."""
    scores = batch.matrix("y_pred")
    labels = batch.class_labels()
    if labels is None:
        raise InputDomainError("multiclass-hinge needs one integer class label per sample", role="y_true")
    rows = np.arange(len(labels))
    others = scores.copy()
    others[rows, labels] = -np.inf
    margin = scores[rows, labels] - others.max(axis=1)
    return np.maximum(0.0, 1.0 - margin)


def _targets(batch: Batch, log_target: bool) -> tuple[np.ndarray, np.ndarray]:
    """The target distributions and their logs (0 where a target is 0); with ``log_target``,
    ``y_true`` holds the logs (PyTorch's ``log_target``), read as they are."""
    if not log_target:
        targets = batch.target_matrix(distribution=True)
        with np.errstate(divide="ignore"):
            return targets, np.where(targets > 0, np.log(targets), 0.0)
    log_t = batch.matrix("y_true")
    if log_t.shape[1] != batch.num_classes():
        raise InputDomainError(
            f"{log_t.shape[1]} target columns but {batch.num_classes()} predicted classes", role="y_true"
        )
    targets = np.exp(log_t)
    off = np.abs(targets.sum(axis=1) - 1.0) > ROW_SUM_TOLERANCE
    if off.any():
        i = int(np.argmax(off))
        raise InputDomainError(
            f"the exp of the log-targets sums to {targets[i].sum():.6g}, not 1",
            role="y_true",
            index=i,
            hint="log_target=true reads log-probabilities",
        )
    return targets, np.where(targets > 0, log_t, 0.0)


def kl_divergence(batch: Batch, *, from_logits: bool, eps: float, log_target: bool = False) -> np.ndarray:
    """``KL(t || p) = sum_c t_c log(t_c / p_c)`` with ``0 log 0 = 0``; with ``log_target``,
    ``sum_c exp(l_c) (l_c - log p_c)`` of log-targets l (PyTorch, optax).

    Where ``p_c`` is near ``t_c`` (``u_c = p_c / t_c - 1`` within 1/2), the term is split as
    ``t_c (u_c - log1p(u_c)) + (t_c - p_c)``: a non-negative second-order part and a
    first-order part, summed separately. Nearly equal distributions then keep their tiny
    divergence instead of cancelling to 0: for probabilities ``t - p`` is exact there (by
    Sterbenz's lemma); from logits the near ``p_c`` sum to 1 minus the others, a softmax
    summing to 1. Elsewhere the term is computed directly.
    """
    targets, log_t = _targets(batch, log_target)
    log_p = batch.class_log_probs(from_logits=from_logits, eps=eps)
    present = targets > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if from_logits:
            log1p_u = log_p - log_t
            u = np.expm1(log1p_u)
        else:
            p = np.clip(batch.class_probabilities(), eps, 1.0 - eps)  # as class_log_probs clips
            t_minus_p = targets - p
            u = np.where(present, -t_minus_p / np.where(present, targets, 1.0), 0.0)
            log1p_u = np.log1p(u)
        near = present & (np.abs(u) < 0.5)
        second = np.where(near, targets * _minus_log1p_plus(u, log1p_u), 0.0)
        direct = np.where(present & ~near, targets * (log_t - log_p), 0.0)
    if from_logits:  # a softmax sums to 1: the near p_c are 1 minus the others
        first = (np.where(near, targets, 0.0).sum(axis=1) - 1.0) + np.where(near, 0.0, np.exp(log_p)).sum(axis=1)
    else:
        first = np.where(near, t_minus_p, 0.0).sum(axis=1)
    return second.sum(axis=1) + first + direct.sum(axis=1)


def distillation(batch: Batch, *, temperature: float) -> np.ndarray:
    """``T^2 KL(softmax(t / T) || softmax(s / T))``, t the teacher's and s the student's logits
    (Hinton, Vinyals & Dean 2015): the T^2 keeps the soft targets' gradients on the scale of a
    hard-label loss as T changes.

    With q = softmax(t / T) and ``d = (s - t) / T``, ``KL = log E_q[exp(d - m)]`` for
    ``m = E_q[d]`` (the two log-sum-exps cancel), and with ``x = d - m``,
    ``E_q[exp(x)] = 1 + E_q[x] + E_q[expm1(x) - x]`` where ``E_q[x] = 0``: so
    ``KL = log1p(E_q[expm1(x) - x])``, a sum of non-negative terms. Nearly equal logits keep
    their tiny divergence (the direct ``sum q (log q - log p)`` cancels it to rounding), and an
    error in m changes the result only to second order. A class whose q underflows to 0 adds
    ``exp(log q + x)``; where the sum overflows, the log-sum-exp of ``log q + x`` is taken.
    """
    teacher, student = batch.matrix("y_true"), batch.matrix("y_pred")
    if teacher.shape[1] != student.shape[1]:
        raise InputDomainError(
            f"{teacher.shape[1]} teacher logits but {student.shape[1]} student logits per sample", role="y_true"
        )
    log_q = log_softmax(teacher / temperature)
    q = np.exp(log_q)
    total = q.sum(axis=1)
    d = (student - teacher) / temperature
    x = d - ((q * d).sum(axis=1) / total)[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * _expm1_minus(x), np.exp(log_q + x))
        kl = np.log1p(terms.sum(axis=1) / total)
    far = ~np.isfinite(kl)
    if far.any():  # E_q[exp(x)] beyond the float64 range: its log by log-sum-exp
        a = log_q[far] + x[far]
        top = a.max(axis=1)
        kl[far] = top + np.log(np.exp(a - top[:, None]).sum(axis=1)) - np.log(total[far])
    return temperature * temperature * kl


def _expm1_minus(x: np.ndarray) -> np.ndarray:
    """``expm1(x) - x`` (>= 0): by its series ``x^2/2! + x^3/3! + ...`` up to ``x^17/17!``
    where ``|x| < 1/2`` (truncation below 2e-19 relative), directly elsewhere (where the
    subtraction loses at most 2 bits)."""
    small = np.abs(x) < 0.5
    v = np.where(small, x, 0.0)
    series = np.zeros_like(v)
    for k in range(17, 1, -1):
        series = (series + 1.0 / math.factorial(k)) * v
    series *= v
    with np.errstate(over="ignore"):
        return np.where(small, series, np.expm1(x) - x)


def _minus_log1p_plus(u: np.ndarray, log1p_u: np.ndarray) -> np.ndarray:
    """``u - log1p(u)`` (>= 0): by its series ``u^2/2 - u^3/3 + ...`` where ``|u| < 0.01``
    (truncated after ``u^9``: relative error below 1e-16), directly elsewhere."""
    small = np.abs(u) < 0.01
    v = np.where(small, u, 0.0)
    series = v * v * (1 / 2 - v * (1 / 3 - v * (1 / 4 - v * (1 / 5 - v * (1 / 6 - v * (1 / 7 - v * (1 / 8 - v / 9)))))))
    return np.where(small, series, u - log1p_u)


IGNORED = (
    "No row is ignored by default (PyTorch ignores label -100 unless told: give ignore_index=-100 for that); "
    "an ignored row counts in neither the sum nor the mean's denominator, and n still counts it. A target "
    "matrix ignores no row, as PyTorch."
)

SPECS = (
    LossSpec(
        name="cross-entropy",
        aliases=("ce", "categorical-cross-entropy"),
        family="cross-entropy",
        summary="Categorical cross-entropy of a class-probability (or logit) matrix.",
        formula="-sum_c w_c t_c log p_c, t = (1 - s) onehot(y) + s / C",
        latex=r"-\frac{\sum_i \sum_c w_c t_{ic} \log p_{ic}}{\sum_i w_{y_i}}",
        reference="Shannon (1948); PyTorch CrossEntropyLoss; Szegedy et al. (2016) for label smoothing",
        tasks=(MULTICLASS,),
        per_sample=cross_entropy,
        denominator=class_weight_of_target,
        params=(
            FROM_LOGITS,
            EPS,
            Param("class_weights", None, "one weight per class", kind=VECTOR, domain=NON_NEGATIVE),
            Param("label_smoothing", 0.0, "mass s spread uniformly over the classes", domain=UNIT),
            IGNORE_INDEX,
        ),
        conventions=(
            "With class weights, the mean divides by the summed weights of the true classes, as PyTorch "
            "(reduction='mean'); with a target matrix it divides by the number of samples. Probability "
            "rows must sum to 1 (within 1e-3) and are clipped to [eps, 1-eps], not renormalized, as "
            "scikit-learn log_loss; logits go through log-softmax. " + IGNORED
        ),
        peers="torch.nn.CrossEntropyLoss(weight, label_smoothing, ignore_index), sklearn.metrics.log_loss",
        properties="strictly proper; unbounded as the true class's probability -> 0",
    ),
    LossSpec(
        name="multiclass-hinge",
        aliases=("crammer-singer",),
        family="margin",
        summary="Crammer-Singer multiclass hinge loss of class scores.",
        formula="max(0, 1 - (s_y - max_{c != y} s_c))",
        latex=r"\frac{1}{n}\sum_i \max\left(0, 1 - s_{i,y_i} + \max_{c \ne y_i} s_{ic}\right)",
        reference="Crammer & Singer (2001), On the Algorithmic Implementation of Multiclass Kernel-based Vector Machines, JMLR",
        tasks=(MULTICLASS,),
        per_sample=crammer_singer_hinge,
        conventions="Crammer-Singer, as scikit-learn hinge_loss with more than two classes.",
        peers="sklearn.metrics.hinge_loss (multiclass)",
        properties="zero once the true class leads by the margin",
    ),
    LossSpec(
        name="kl-divergence",
        aliases=("kl", "kld"),
        family="divergence",
        summary="Kullback-Leibler divergence KL(target || predicted) per sample.",
        formula="sum_c t_c log(t_c / p_c), 0 log 0 = 0",
        latex=r"\frac{1}{n}\sum_i \sum_c t_{ic} \log\frac{t_{ic}}{p_{ic}}",
        reference="Kullback & Leibler (1951), On Information and Sufficiency; scipy.stats.entropy",
        tasks=(MULTICLASS,),
        per_sample=kl_divergence,
        params=(
            FROM_LOGITS,
            EPS,
            Param("log_target", False, "y_true holds the targets' log-probabilities (PyTorch log_target)", kind=BOOL),
        ),
        conventions=(
            "Target distribution first, as scipy.stats.entropy(t, p) and torch kl_div(log p, t, "
            "reduction='batchmean'). Integer labels are one-hot targets (KL then equals cross-entropy). "
            "log_target=true reads y_true as log-probabilities, as torch kl_div(..., log_target=True) and "
            "optax kl_divergence_with_log_targets(log_p, log_t); their first argument, log-probabilities, "
            "is read with from_logits=true (a log-softmax is its own log-softmax)."
        ),
        peers=(
            "scipy.stats.entropy(t, p), torch.nn.KLDivLoss(reduction='batchmean', log_target), "
            "optax.losses.kl_divergence, optax.losses.kl_divergence_with_log_targets"
        ),
        properties="0 iff p = t; asymmetric",
        lowest=-math.inf,  # targets sum to 1 within 1e-3 and are not renormalized: a row can be below 0
    ),
    LossSpec(
        name="distillation",
        aliases=("distillation-kl", "knowledge-distillation"),
        family="divergence",
        summary="Knowledge distillation: T^2 KL between the teacher's and the student's softened softmax.",
        formula="T^2 sum_c q_c log(q_c / p_c), q = softmax(t / T), p = softmax(s / T)",
        latex=r"\frac{T^2}{n}\sum_i \sum_c q_{ic} \log\frac{q_{ic}}{p_{ic}},\ q = \mathrm{softmax}(t/T),\ p = \mathrm{softmax}(s/T)",
        reference="Hinton, Vinyals & Dean (2015), Distilling the Knowledge in a Neural Network, arXiv:1503.02531",
        tasks=(MULTICLASS,),
        per_sample=distillation,
        params=(Param("temperature", 1.0, "softens both softmaxes; Hinton et al. use 2 to 20", domain=POSITIVE),),
        conventions=(
            "y_true holds the teacher's logits and y_pred the student's, one column per class (e.g. "
            "--y-true 'teacher_*' --y-pred 'student_*'). Mean over samples, as torch kl_div(log_softmax(s/T), "
            "softmax(t/T), reduction='batchmean') * T^2. The hard-label cross-entropy that distillation "
            "adds in training is a separate score: cross-entropy on the labels."
        ),
        peers="torch.nn.functional.kl_div(log_softmax(s / T), softmax(t / T), reduction='batchmean') * T**2",
        properties="0 iff the softened distributions agree; T = 1 is kl-divergence of the two softmaxes",
    ),
)
