"""NT-Xent, the normalized temperature-scaled cross-entropy of contrastive learning (SimCLR), as
optax's ``ntxent``: rows are embeddings, ``y_true`` a group label per row (rows of a group are
positive pairs, of different groups negative ones).

With ``s_ij = cos(e_i, e_j) / T`` (each norm floored at the float64 epsilon, as optax), every
positive pair (i, j), i != j, costs ``-log(exp(s_ij) / (exp(s_ij) + sum_{k negative to i}
exp(s_ik)))``, and the loss is their mean. It compares every pair of rows, so it is no mean of
per-row terms: the state keeps the rows (at most ``MAX_ROWS``, a training batch's worth) and
computes once, over the rows in a canonical order (by label, then embedding), with the pairs'
terms summed exactly; the result is then the same float whatever the split or order of the rows.
"""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError, LossError
from lossctl.losses.params import POSITIVE, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.state import representable
from lossctl.losses.summation import Accumulator, ratio
from lossctl.losses.tasks import VECTORS

MAX_ROWS = 8192  # every pair of rows is compared: 64M similarities
EPSILON = float(np.finfo(np.float64).eps)  # optax's floor of each norm
_TOO_MANY = f"ntxent compares every pair of rows: at most {MAX_ROWS} rows (a training batch)"


class NtxentState:
    """The rows seen so far: their group labels and embeddings."""

    def __init__(self, temperature: float) -> None:
        self.temperature = temperature
        self.labels: list[np.ndarray] = []
        self.embeddings: list[np.ndarray] = []
        self.n = 0

    def update(self, batch: Batch) -> None:
        if batch.sample_weight is not None:
            raise InputDomainError(
                "ntxent weighs pairs of rows, not rows: it takes no sample weights", role="sample_weight"
            )
        labels, embeddings = batch.vector("y_true"), batch.get("y_pred")
        embeddings = embeddings[:, None] if embeddings.ndim == 1 else batch.matrix("y_pred")  # 1-D embeddings
        if self.n + len(labels) > MAX_ROWS:
            raise InputDomainError(_TOO_MANY, role="y_pred", index=MAX_ROWS - self.n)
        self.labels.append(labels)
        self.embeddings.append(embeddings)
        self.n += len(labels)

    def merge(self, other: NtxentState) -> NtxentState:
        if self.n + other.n > MAX_ROWS:
            raise LossError(_TOO_MANY)
        self.labels += other.labels
        self.embeddings += other.embeddings
        self.n += other.n
        return self

    def result(self) -> float:
        if not self.n:
            raise LossError("no samples")
        labels, embeddings = np.concatenate(self.labels), np.concatenate(self.embeddings)
        order = np.lexsort((*embeddings.T[::-1], labels))  # canonical: by label, then embedding
        total, pairs = ntxent_sum(labels[order], embeddings[order], self.temperature)
        if not pairs:
            raise LossError("no positive pairs: no two rows share a label")
        count = Accumulator()
        count.add_scalar(float(pairs))
        return representable(ratio(total, count))


def ntxent_sum(labels: np.ndarray, embeddings: np.ndarray, temperature: float) -> tuple[Accumulator, int]:
    """The exact sum of the positive pairs' terms, and their number. The similarities are
    taken by ``einsum`` without BLAS, whose summation order may depend on threads; each row is
    shifted by its largest similarity to a positive or negative before ``exp``."""
    unit = embeddings / np.maximum(np.sqrt(np.einsum("ij,ij->i", embeddings, embeddings)), EPSILON)[:, None]
    s = np.einsum("id,jd->ij", unit, unit, optimize=False) / temperature
    same = labels[:, None] == labels[None, :]
    positive = same & ~np.eye(len(labels), dtype=bool)
    with np.errstate(invalid="ignore"):
        top = np.where(positive | ~same, s, -np.inf).max(axis=1, keepdims=True)
        shifted = s - top
        negatives = np.where(same, 0.0, np.exp(shifted)).sum(axis=1, keepdims=True)
        log_softmax = shifted - np.log(negatives + np.exp(shifted))
    total = Accumulator()
    if not total.add(-log_softmax[positive]):
        raise LossError("the loss overflows float64")
    return total, int(positive.sum())


def _ntxent_state(spec: LossSpec, params: dict) -> NtxentState:
    return NtxentState(params["temperature"])


SPECS = (
    LossSpec(
        name="ntxent",
        aliases=("nt-xent", "simclr"),
        family="pair",
        summary="NT-Xent contrastive loss over every pair of rows' embeddings, grouped by a label.",
        formula="mean over positive pairs (i, j) of -log(exp(s_ij) / (exp(s_ij) + sum_neg exp(s_ik))), s = cos / T",
        latex=r"-\frac{1}{|P|}\sum_{(i,j) \in P} \log\frac{e^{s_{ij}}}{e^{s_{ij}} + \sum_{k: y_k \ne y_i} e^{s_{ik}}},\ s_{ij} = \frac{\cos(e_i, e_j)}{T}",
        reference="Chen et al. (2020), A Simple Framework for Contrastive Learning of Visual Representations; optax.ntxent",
        tasks=(VECTORS,),
        per_sample=None,
        make_state=_ntxent_state,
        params=(Param("temperature", 0.07, "divides the cosine similarities (optax's default)", domain=POSITIVE),),
        conventions=(
            "As optax.ntxent(embeddings, labels, temperature): y_true is a group label per row (rows of a "
            "group are positive pairs), the embedding is a group of columns (--y-pred 'emb_*'). The "
            "denominator holds the pair's own term and the row's negatives, not its other positives. A value "
            "of the whole set of rows (a training batch, at most 8192 rows): no per-sample values, no sample "
            "weights."
        ),
        peers="optax.ntxent(embeddings, labels, temperature); pytorch-metric-learning NTXentLoss",
        properties="compares every pair of rows; invariant to the scale of each embedding",
        held="it compares every pair of rows: the rows of one batch are held, at most 8192",
    ),
)
