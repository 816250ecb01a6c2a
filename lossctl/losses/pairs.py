"""Losses of two inputs per row: the margin ranking of two scores and the cosine embedding of
two vectors, each against a target of +1 or -1 (PyTorch), and the cosine similarity of a
target vector and a predicted one (Keras)."""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError
from lossctl.losses.params import Interval, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import PAIR, VECTORS

TWO_SCORES = (("y_true", "x1", "x2"),)
TWO_EMBEDDINGS = (("y_true", "embedding1", "embedding2"),)
TORCH_EPSILON = 1e-12  # added to each squared norm by torch's cosine_embedding_loss
KERAS_EPSILON = 1e-12  # the floor of each squared norm in Keras' l2_normalize


def margin_ranking(batch: Batch, *, margin: float) -> np.ndarray:
    """``max(0, -y (x1 - x2) + margin)``: x1 should rank above x2 (by the margin) where y = 1,
    below it where y = -1; PyTorch's ``MarginRankingLoss``."""
    y = batch.signed_target()
    return np.maximum(0.0, -y * (batch.vector("x1") - batch.vector("x2")) + margin)


def _pair_of_vectors(batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    a, b = batch.matrix("embedding1"), batch.matrix("embedding2")
    if a.shape[1] != b.shape[1]:
        raise InputDomainError(f"{a.shape[1]} columns in one embedding, {b.shape[1]} in the other", role="embedding2")
    return a, b


def cosine_embedding(batch: Batch, *, margin: float) -> np.ndarray:
    """``1 - cos(x1, x2)`` where y = 1, ``max(0, cos(x1, x2) - margin)`` where y = -1, with
    ``cos = x1.x2 / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12))`` as PyTorch's
    ``cosine_embedding_loss`` computes it."""
    y = batch.signed_target()
    a, b = _pair_of_vectors(batch)
    dot = np.einsum("ij,ij->i", a, b)
    squares = (np.einsum("ij,ij->i", a, a) + TORCH_EPSILON) * (np.einsum("ij,ij->i", b, b) + TORCH_EPSILON)
    cos = dot / np.sqrt(squares)
    return np.where(y > 0, 1.0 - cos, np.maximum(0.0, cos - margin))


def negative_cosine_similarity(batch: Batch) -> np.ndarray:
    """``-t.p / (max(|t|, 1e-6) max(|p|, 1e-6))`` per row: Keras' ``cosine_similarity``, which
    l2-normalizes each vector with its squared norm floored at 1e-12 (a zero vector gives 0)."""
    t, p = batch.matrix("y_true"), batch.matrix("y_pred")
    if t.shape[1] != p.shape[1]:
        raise InputDomainError(f"y_true has {t.shape[1]} columns but y_pred has {p.shape[1]}", role="y_true")
    norms = np.sqrt(np.maximum(np.einsum("ij,ij->i", t, t), KERAS_EPSILON))
    norms *= np.sqrt(np.maximum(np.einsum("ij,ij->i", p, p), KERAS_EPSILON))
    return -np.einsum("ij,ij->i", t, p) / norms


_SIGNED = "Targets +1 / -1 as PyTorch, or {0, 1} with 0 read as -1 (and noted)."

SPECS = (
    LossSpec(
        name="margin-ranking",
        aliases=("margin-ranking-loss", "ranking-margin"),
        family="pair",
        summary="Margin ranking loss of two score columns and a target saying which should rank higher.",
        formula="max(0, -y (x1 - x2) + margin)",
        latex=r"\frac{1}{n}\sum_i \max(0, -y_i (x_{1i} - x_{2i}) + m)",
        reference="PyTorch MarginRankingLoss; Herbrich, Graepel & Obermayer (2000), Large margin rank boundaries",
        tasks=(PAIR,),
        per_sample=margin_ranking,
        roles=TWO_SCORES,
        params=(Param("margin", 0.0, "by how much the preferred score must lead"),),
        conventions=(
            "Columns x1 and x2 (or input1/input2, score1/score2; --x1, --x2) hold the two scores, y_true "
            f"the target: 1 if x1 should rank higher, -1 if x2 should. {_SIGNED} Mean over rows."
        ),
        peers="torch.nn.MarginRankingLoss(margin, reduction='mean')",
        properties="zero once every preferred score leads by the margin; linear beyond",
    ),
    LossSpec(
        name="cosine-embedding",
        aliases=("cosine-embedding-loss",),
        family="pair",
        summary="Cosine embedding loss of two embeddings per row and a target: similar (1) or not (-1).",
        formula="1 - cos(x1, x2) if y = 1, max(0, cos(x1, x2) - margin) if y = -1",
        latex=r"\frac{1}{n}\sum_i \begin{cases} 1 - \cos(x_{1i}, x_{2i}) & y_i = 1 \\ \max(0, \cos(x_{1i}, x_{2i}) - m) & y_i = -1 \end{cases}",
        reference="PyTorch CosineEmbeddingLoss",
        tasks=(PAIR,),
        per_sample=cosine_embedding,
        roles=TWO_EMBEDDINGS,
        params=(
            Param(
                "margin",
                0.0,
                "dissimilar pairs more similar than this are penalized; PyTorch suggests 0 to 0.5",
                domain=Interval(-1.0, 1.0),
            ),
        ),
        conventions=(
            "Two groups of columns, x1_* and x2_* (or emb1_*/emb2_*, input1_*/input2_*; --x1 'a_*' --x2 'b_*'), "
            "hold the two embeddings, y_true the target. cos = x1.x2 / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12)), "
            f"PyTorch's own formula, so a zero vector has cos 0. {_SIGNED} Mean over rows."
        ),
        peers="torch.nn.CosineEmbeddingLoss(margin, reduction='mean')",
        properties="in [0, 2]; scale-free in each embedding",
    ),
    LossSpec(
        name="cosine-similarity",
        aliases=("cosine-proximity", "cosine"),
        family="pair",
        summary="Keras' cosine similarity loss: minus the cosine of each row's target and predicted vectors.",
        formula="-t.p / (max(|t|, 1e-6) max(|p|, 1e-6))",
        latex=r"-\frac{1}{n}\sum_i \frac{t_i \cdot p_i}{\max(\|t_i\|, 10^{-6}) \max(\|p_i\|, 10^{-6})}",
        reference="Keras losses.CosineSimilarity",
        tasks=(VECTORS,),
        per_sample=negative_cosine_similarity,
        conventions=(
            "Keras' sign: the loss is minus the similarity, from -1 (same direction, the best) through 0 "
            "(orthogonal, or a zero vector) to 1 (opposite); negate it for the similarity itself, or take "
            "1 + the value for the cosine distance (scipy.spatial.distance.cosine). Vectors are groups of "
            "columns: --y-true 't_*' --y-pred 'p_*' (task vectors). Each norm is floored at 1e-6, as Keras' "
            "l2_normalize floors the squared norm at 1e-12. Mean over rows (Keras' sum_over_batch_size)."
        ),
        peers="keras.losses.CosineSimilarity(axis=-1); -torch.nn.functional.cosine_similarity(t, p, eps=1e-6)",
        properties="in [-1, 1]; lower is better; scale-free in each vector",
        lowest=-1.0,  # -cos, in [-1, 1]
    ),
)
