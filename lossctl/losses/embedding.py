"""Metric-learning losses: contrastive and hinge-embedding losses of pair distances, triplet
margin loss."""

from __future__ import annotations

import math

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError
from lossctl.losses.params import BOOL, NON_NEGATIVE, POSITIVE, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import PAIR, TRIPLET


def contrastive(batch: Batch, *, margin: float) -> np.ndarray:
    """``y d^2 + (1 - y) max(0, margin - d)^2`` for a distance d >= 0 and a pair label y
    (1 = similar pair, 0 = dissimilar); d given (``y_pred``), or else the Euclidean distance
    ``||x1 - x2||_2`` of two embeddings."""
    y = batch.binary_target(soft=True)
    if not batch.has("y_pred") and batch.has("embedding1", "embedding2"):
        d = np.linalg.norm(batch.matrix("embedding1") - batch.matrix("embedding2"), axis=1)
    else:
        d = batch.require_at_least("y_pred", 0.0, why="is negative: contrastive needs distances >= 0")
    gap = np.maximum(0.0, margin - d)
    return y * d * d + (1.0 - y) * gap * gap


def hinge_embedding(batch: Batch, *, margin: float) -> np.ndarray:
    """``x`` for a similar pair (y = 1), ``max(0, margin - x)`` for a dissimilar one (y = -1,
    or 0, mapped to -1 and noted): PyTorch's ``HingeEmbeddingLoss`` of a distance x."""
    y = batch.signed_target()
    x = batch.vector("y_pred")
    return np.where(y > 0, x, np.maximum(0.0, margin - x))


def triplet_distances(batch: Batch, *, p: float, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """``(d(a, p), d(a, n))``: given as ``d_ap``/``d_an``, or from anchor/positive/negative
    embeddings as ``||x - y + eps||_p``, the distance of PyTorch's ``pairwise_distance``."""
    if batch.has("d_ap", "d_an"):
        why = "is negative: triplet needs distances >= 0"
        return batch.require_at_least("d_ap", 0.0, why=why), batch.require_at_least("d_an", 0.0, why=why)
    anchor = batch.matrix("anchor")
    d_ap = np.linalg.norm(anchor - batch.matrix("positive") + eps, ord=p, axis=1)
    d_an = np.linalg.norm(anchor - batch.matrix("negative") + eps, ord=p, axis=1)
    return d_ap, d_an


def triplet(batch: Batch, *, margin: float, p: float, eps: float, swap: bool) -> np.ndarray:
    """``max(0, d(a, p) - d(a, n) + margin)``; with ``swap``, d(a, n) is the smaller of d(a, n)
    and d(p, n), PyTorch's distance swap (Balntas et al. 2016)."""
    d_ap, d_an = triplet_distances(batch, p=p, eps=eps)
    if swap:
        if not batch.has("positive", "negative"):
            raise InputDomainError("swap needs the embeddings (d(p, n) is not given)", role="d_an")
        d_pn = np.linalg.norm(batch.matrix("positive") - batch.matrix("negative") + eps, ord=p, axis=1)
        d_an = np.minimum(d_an, d_pn)
    return np.maximum(0.0, d_ap - d_an + margin)


SPECS = (
    LossSpec(
        name="contrastive",
        family="metric-learning",
        summary="Contrastive loss of a pair distance and a pair label (1 = similar).",
        formula="y d^2 + (1 - y) max(0, margin - d)^2",
        latex=r"\frac{1}{n}\sum_i y_i d_i^2 + (1 - y_i)\max(0, m - d_i)^2",
        reference="Hadsell, Chopra & LeCun (2006), Dimensionality Reduction by Learning an Invariant Mapping, CVPR",
        tasks=(PAIR,),
        per_sample=contrastive,
        roles=(("y_true", "y_pred"), ("y_true", "embedding1", "embedding2")),
        params=(Param("margin", 1.0, "dissimilar pairs closer than this are penalized", domain=NON_NEGATIVE),),
        conventions=(
            "No 1/2 factor; y = 1 marks a similar pair; y_pred holds the distance, or two embeddings (x1_*, "
            "x2_*, or --x1 'a_*' --x2 'b_*') give it as ||x1 - x2||_2, pytorch-metric-learning's LpDistance."
        ),
        peers="pytorch-metric-learning ContrastiveLoss (pos_margin=0, squared), tfa contrastive_loss",
        properties="pulls similar pairs together, pushes dissimilar ones past the margin",
    ),
    LossSpec(
        name="hinge-embedding",
        aliases=("hinge-embedding-loss",),
        family="metric-learning",
        summary="Hinge embedding loss of a pair distance: the distance of a similar pair, the margin's shortfall of a dissimilar one.",
        formula="x if y = 1, max(0, margin - x) if y = -1",
        latex=r"\frac{1}{n}\sum_i \begin{cases} x_i & y_i = 1 \\ \max(0, m - x_i) & y_i = -1 \end{cases}",
        reference="PyTorch HingeEmbeddingLoss; Mobahi, Collobert & Weston (2009), Deep learning from temporal coherence",
        tasks=(PAIR,),
        per_sample=hinge_embedding,
        params=(Param("margin", 1.0, "dissimilar pairs closer than this are penalized", domain=NON_NEGATIVE),),
        conventions="Labels {-1, +1} as PyTorch, or {0, 1} with 0 read as -1 (and noted); x is not squared.",
        peers="torch.nn.HingeEmbeddingLoss(margin, reduction='mean')",
        properties="linear in the distance, unlike contrastive's squares",
        lowest=-math.inf,  # x itself where y = 1, of any sign
    ),
    LossSpec(
        name="triplet",
        aliases=("triplet-margin",),
        family="metric-learning",
        summary="Triplet margin loss of anchor-positive and anchor-negative distances.",
        formula="max(0, d(a, p) - d(a, n) + margin)",
        latex=r"\frac{1}{n}\sum_i \max(0, d(a_i, p_i) - d(a_i, n_i) + m)",
        reference="Schroff, Kalenichenko & Philbin (2015), FaceNet, CVPR; torch.nn.TripletMarginLoss",
        tasks=(TRIPLET,),
        per_sample=triplet,
        roles=(("d_ap", "d_an"), ("anchor", "positive", "negative")),
        params=(
            Param("margin", 1.0, "required gap between the two distances", domain=NON_NEGATIVE),
            Param("p", 2.0, "norm degree of the embedding distance", domain=POSITIVE),
            Param("eps", 1e-6, "added to the difference before the norm, as PyTorch", domain=NON_NEGATIVE),
            Param("swap", False, "d(a, n) is the smaller of d(a, n) and d(p, n) (embeddings only)", kind=BOOL),
        ),
        conventions=(
            "From embeddings, d(x, y) = ||x - y + eps||_p, as torch pairwise_distance and "
            "TripletMarginLoss (p=2, eps=1e-6); given distances are used as they are. swap=true is "
            "PyTorch's distance swap (Balntas et al. 2016, Learning local feature descriptors with triplets)."
        ),
        peers="torch.nn.TripletMarginLoss(margin, p, eps, swap)",
        properties="zero once negatives are farther than positives by the margin",
    ),
)
