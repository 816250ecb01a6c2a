"""The Jensen-Shannon distance between each row's target and predicted class distributions.

``JS(p, q) = sqrt((KL(p || m) + KL(q || m)) / 2)`` with ``m = (p + q) / 2``, the natural log by
default (``base`` divides the divergence by ``log base``), as scipy.spatial.distance.jensenshannon
(Endres & Schindelin 2003: the square root of the divergence is a metric).

Per class, with ``x = (p - q) / (p + q)``, ``p log(p / m) + q log(q / m) = m ((1 + x) log1p(x) +
(1 - x) log1p(-x))``. For nearly equal distributions (``|x| < 1/2``) that sum cancels: it is
``m x^2 (1 + x^2 / 6 + ...)`` from terms of order x. There it is taken as ``m (2 x atanh(x) +
log1p(-x^2))``, two terms of order x^2 each accurate to the last place, whose difference loses
at most a bit (the split kl-divergence makes for the same reason). Elsewhere, and where p or q
is 0 (``0 log 0 = 0``), the terms are computed directly.
"""

from __future__ import annotations

import math

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.params import FROM_LOGITS, Interval, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import MULTICLASS

_NEAR = 0.5  # |x| below this: the cancellation-free form


def jensen_shannon(batch: Batch, *, from_logits: bool, base: float) -> np.ndarray:
    """Each row's Jensen-Shannon distance between the target distribution ``t`` (labels are
    one-hot rows) and the predicted ``p``, both normalized to sum to 1 as SciPy does."""
    t = batch.target_matrix(distribution=True)
    p = np.exp(batch.class_log_probs(from_logits=True, eps=0.0)) if from_logits else batch.class_probabilities()
    t = t / t.sum(axis=1, keepdims=True)
    p = p / p.sum(axis=1, keepdims=True)
    total = t + p
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(total > 0, (t - p) / total, 0.0)
        near = np.abs(x) < _NEAR
        close = 0.5 * total * (2.0 * x * np.arctanh(x) + np.log1p(-x * x))
        far = _x_log_2x_over(t, total) + _x_log_2x_over(p, total)
    divergence = 0.5 * np.where(near, close, far).sum(axis=1)
    if base != math.e:
        divergence = divergence / math.log(base)
    return np.sqrt(np.maximum(divergence, 0.0))


def _x_log_2x_over(a: np.ndarray, total: np.ndarray) -> np.ndarray:
    """``a log(a / m)``, ``m = total / 2``, with ``0 log 0 = 0``."""
    return np.where(a > 0, a * np.log(2.0 * a / np.where(total > 0, total, 1.0)), 0.0)


SPECS = (
    LossSpec(
        name="jensen-shannon",
        aliases=("js", "jensen-shannon-distance", "jensenshannon"),
        family="divergence",
        summary="Jensen-Shannon distance between each row's target and predicted class distributions.",
        formula="sqrt((KL(t || m) + KL(p || m)) / 2 / log(base)), m = (t + p) / 2",
        latex=r"\frac{1}{n}\sum_i \sqrt{\tfrac{1}{2}\left(KL(t_i \| m_i) + KL(p_i \| m_i)\right)},\ m_i = \tfrac{t_i + p_i}{2}",
        reference=(
            "Lin (1991), Divergence measures based on the Shannon entropy, IEEE Trans. Inf. Theory; "
            "Endres & Schindelin (2003); scipy.spatial.distance.jensenshannon"
        ),
        tasks=(MULTICLASS,),
        per_sample=jensen_shannon,
        params=(
            FROM_LOGITS,
            Param(
                "base",
                math.e,
                "logarithm base of the divergence (e; 2 bounds the distance by 1)",
                domain=Interval(1.0, math.inf, low_open=True, high_open=True),
            ),
        ),
        conventions=(
            "The distance (the square root of the divergence), per row, as "
            "scipy.spatial.distance.jensenshannon(t, p, base, axis=1), and its mean over the rows; "
            "square it for the JS divergence. Rows are normalized to sum to 1, as SciPy does. "
            "Integer labels are one-hot targets. Natural log by default: base=2 gives values in [0, 1]. "
            "Symmetric, finite even where a class has probability 0 (unlike kl-divergence). Nearly equal "
            "rows keep their tiny distance (SciPy's direct sum cancels it): see the module's formula."
        ),
        peers="scipy.spatial.distance.jensenshannon(t, p, base, axis=1).mean()",
        properties="a metric between distributions; 0 iff t = p; at most sqrt(log 2) (1 in base 2)",
    ),
)
