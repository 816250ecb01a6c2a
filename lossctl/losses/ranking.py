"""Listwise ranking: each row one query's list of items, scores against graded relevance.

A file holds one list per row: the items' scores in one group of columns (``--y-pred
'score_*'``) and their relevance labels in another (``--y-true 'rel_*'``), the layout of
optax's ``[..., list_size]`` arrays.
"""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch, log_softmax
from lossctl.losses.errors import InputDomainError
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import MULTICLASS


def ranking_softmax(batch: Batch) -> np.ndarray:
    """``-sum_i r_i log softmax(s)_i`` per list: the softmax of the scores as a distribution
    over the items, scored against the relevance labels (not normalized, as optax)."""
    relevance, scores = batch.matrix("y_true"), batch.matrix("y_pred")
    if relevance.shape[1] != scores.shape[1]:
        raise InputDomainError(
            f"{relevance.shape[1]} relevance labels but {scores.shape[1]} scores per list", role="y_true"
        )
    if (relevance < 0).any():
        i = int(np.argmax((relevance < 0).any(axis=1)))
        raise InputDomainError("relevance labels must be >= 0", role="y_true", index=i)
    return -np.einsum("ij,ij->i", relevance, log_softmax(scores))


SPECS = (
    LossSpec(
        name="ranking-softmax",
        aliases=("listwise-softmax", "softmax-ranking"),
        family="ranking",
        summary="Listwise ranking: cross-entropy of the scores' softmax against graded relevance.",
        formula="-sum_i r_i log(exp(s_i) / sum_j exp(s_j)), one list per row",
        latex=r"\frac{1}{n}\sum_{q} -\sum_i r_{qi} \log\frac{e^{s_{qi}}}{\sum_j e^{s_{qj}}}",
        reference=(
            "Cao, Qin, Liu, Tsai & Li (2007), Learning to Rank: From Pairwise Approach to Listwise "
            "Approach, ICML; optax.losses.ranking_softmax_loss"
        ),
        tasks=(MULTICLASS,),
        per_sample=ranking_softmax,
        conventions=(
            "Relevance labels as given, not normalized, and the mean over lists, as optax "
            "ranking_softmax_loss (and rax softmax_loss); ListNet's top-one form normalizes them to sum "
            "to 1 first. Relevance labels in one group of columns (y_true), scores in another (y_pred): "
            "--y-true 'rel_*' --y-pred 'score_*'; computed only when named."
        ),
        peers="optax.losses.ranking_softmax_loss, rax.softmax_loss",
        properties="0 only in the limit of one relevant item scored infinitely above the rest; shift-invariant in s",
    ),
)
