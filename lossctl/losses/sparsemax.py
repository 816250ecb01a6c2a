"""The sparsemax loss: the Fenchel-Young loss of sparsemax, the Euclidean projection of the scores
onto the probability simplex, which gives exact zeros where softmax gives small probabilities.

Martins & Astudillo (2016), From Softmax to Sparsemax, ICML, eq. (17): for scores z and label k,
``L = -z_k + 1/2 sum_{j in S(z)} (z_j^2 - tau(z)^2) + 1/2``, S the support of sparsemax(z)
and tau its threshold. That sum cancels where the loss is small; the same value is
``1/2 ||p - e_k||^2 + max(0, tau - z_k)`` with p = sparsemax(z) (Blondel, Martins & Niculae
2020, Learning with Fenchel-Young Losses, JMLR, Sec. 4: the loss is ``1/2 ||e_k - p||^2``
plus ``<p - z, e_k - p>``, which is ``-tau (1 - 1) = 0`` when k is in S and ``tau - z_k``
when not), a sum of non-negative terms, with ``1 - p_k`` summed from the other p_j.
"""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import BINARY, MULTICLASS


def sparsemax_threshold(z: np.ndarray) -> np.ndarray:
    """tau(z) of each row: with z sorted decreasing, ``k(z) = max{k : 1 + k z_(k) > sum_{j <= k}
    z_(j)}`` and ``tau = (sum_{j <= k(z)} z_(j) - 1) / k(z)`` (Martins & Astudillo, Prop. 1)."""
    ranked = -np.sort(-z, axis=1)
    cumulative = np.cumsum(ranked, axis=1)
    k = np.arange(1, z.shape[1] + 1)
    support = (1.0 + k * ranked > cumulative).sum(axis=1)  # the condition holds on a prefix
    return (cumulative[np.arange(len(z)), support - 1] - 1.0) / support


def sparse_plus(u: np.ndarray) -> np.ndarray:
    """``0`` for u <= -1, ``(u + 1)^2 / 4`` for |u| < 1, ``u`` for u >= 1: the integral of the
    sparse sigmoid ``clip((u + 1)/2, 0, 1)`` (``jax.nn.sparse_plus``)."""
    return np.where(u <= -1.0, 0.0, np.where(u >= 1.0, u, 0.25 * (u + 1.0) ** 2))


def sparsemax_loss(batch: Batch) -> np.ndarray:
    """Binary: ``sparse_plus(-z)`` for a positive, ``sparse_plus(z)`` for a negative (optax
    ``sparsemax_loss``); multiclass: ``1/2 ||p - e_k||^2 + max(0, tau - z_k)``."""
    if batch.get("y_pred").ndim == 1:
        y = batch.binary_target(soft=False)
        z = batch.vector("y_pred")
        return sparse_plus(np.where(y == 1.0, -z, z))
    labels = batch.class_labels()
    if labels is None:
        raise InputDomainError("sparsemax needs one integer class label per sample", role="y_true")
    z = batch.matrix("y_pred")
    rows = np.arange(len(z))
    tau = sparsemax_threshold(z)
    p = np.maximum(z - tau[:, None], 0.0)
    others = p.copy()
    others[rows, labels] = 0.0
    rest = others.sum(axis=1)  # 1 - p_k, without the subtraction
    return 0.5 * (np.einsum("ij,ij->i", others, others) + rest * rest) + np.maximum(0.0, tau - z[rows, labels])


SPECS = (
    LossSpec(
        name="sparsemax",
        aliases=("sparsemax-loss",),
        family="margin",
        summary="Sparsemax loss of scores: zero once the sparse projection puts all its mass on the true class.",
        formula="multiclass: -z_k + 1/2 sum_{j in S(z)} (z_j^2 - tau^2) + 1/2; binary: sparse_plus(-z) if y = 1 else sparse_plus(z)",
        latex=r"\frac{1}{n}\sum_i \left(-z_{i,k_i} + \tfrac12\sum_{j \in S(z_i)} (z_{ij}^2 - \tau(z_i)^2) + \tfrac12\right)",
        reference="Martins & Astudillo (2016), From Softmax to Sparsemax, ICML; optax.losses.sparsemax_loss and multiclass_sparsemax_loss",
        tasks=(BINARY, MULTICLASS),
        per_sample=sparsemax_loss,
        conventions=(
            "Reads scores (logits), never probabilities. A class matrix with integer labels is optax's "
            "multiclass_sparsemax_loss (the paper's loss); one score column with labels in {0, 1} is optax's "
            "binary sparsemax_loss, sparse_plus(-z) for a positive and sparse_plus(z) for a negative, which "
            "is the multiclass loss of the scores (z, 0)."
        ),
        peers="optax.losses.sparsemax_loss (binary), optax.losses.multiclass_sparsemax_loss",
        properties="zero iff sparsemax(z) = e_k, i.e. z_k leads every other score by at least 1; grows linearly",
    ),
)
