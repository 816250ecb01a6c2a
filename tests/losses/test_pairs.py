"""margin-ranking, cosine-embedding and cosine-similarity by hand and against SciPy (PyTorch's
values are in test_reference_torch.py, from tests/reference/torch_fixtures.npz)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.distance import cosine

import lossctl

from ._support import assert_close, rng_for


def test_margin_ranking_by_hand():
    # y = 1: x1 should lead. Rows: (0.5, 0.2) leads by 0.3: max(0, -0.3 + m); y = -1 with
    # (0.3, 0.9): x2 leads by 0.6: max(0, -0.6 + m); y = 1 with (0.1, 0.4): max(0, 0.3 + m).
    y, x1, x2 = np.array([1.0, -1.0, 1.0]), np.array([0.5, 0.3, 0.1]), np.array([0.2, 0.9, 0.4])
    assert_close(lossctl.compute("margin-ranking", y, x1=x1, x2=x2), (0.0 + 0.0 + 0.3) / 3)
    assert_close(lossctl.compute("margin-ranking", y, x1=x1, x2=x2, margin=0.5), (0.2 + 0.0 + 0.8) / 3)
    # {0, 1} targets read 0 as -1, as hinge-embedding does.
    assert lossctl.compute("margin-ranking", (y + 1) / 2, x1=x1, x2=x2) == lossctl.compute(
        "margin-ranking", y, x1=x1, x2=x2
    )


def test_cosine_embedding_by_hand():
    # Row 1: (1, 0) and (1, 1), y = 1: 1 - 1/sqrt 2. Row 2: (1, 2) and (2, 1), y = -1, margin 0:
    # cos = 4/5. The 1e-12 added to the squared norms moves these by about 1e-12 relative.
    y = np.array([1.0, -1.0])
    a, b = np.array([[1.0, 0.0], [1.0, 2.0]]), np.array([[1.0, 1.0], [2.0, 1.0]])
    expected = ((1.0 - 1.0 / np.sqrt(2.0)) + 0.8) / 2
    assert_close(lossctl.compute("cosine-embedding", y, x1=a, x2=b), expected, rtol=1e-11)
    assert_close(
        lossctl.compute("cosine-embedding", y, embedding1=a, embedding2=b, margin=0.5), (expected * 2 - 0.5) / 2
    )


def test_cosine_similarity_is_minus_scipys_cosine_similarity():
    rng = rng_for("cosine-similarity")
    t, p, w = rng.normal(size=(300, 6)), rng.normal(size=(300, 6)), rng.uniform(0.1, 2.0, 300)
    similarity = np.array([1.0 - cosine(a, b) for a, b in zip(t, p, strict=True)])
    assert_close(lossctl.compute("cosine-similarity", t, p), -similarity.mean())
    assert_close(lossctl.compute("cosine-similarity", t, p, sample_weight=w), -np.sum(w * similarity) / np.sum(w))


def test_kerass_documented_example():
    # keras.losses.cosine_similarity([[0, 1], [1, 1], [1, 1]], [[1, 0], [1, 1], [-1, -1]])
    # = [-0., -0.99999994, 0.99999994] in float32: -0, -1 and 1 exactly in float64.
    t, p = np.array([[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]])
    assert_close(lossctl.per_sample("cosine-similarity", t, p), [0.0, -1.0, 1.0], atol=1e-15)
    # A zero vector: similarity 0, as Keras says, not NaN.
    assert lossctl.per_sample("cosine-similarity", np.zeros((1, 2)), np.ones((1, 2)))[0] == 0.0


def test_vectors_of_different_widths_are_refused():
    with pytest.raises(lossctl.losses.InputDomainError, match="columns"):
        lossctl.compute("cosine-similarity", np.ones((2, 3)), np.ones((2, 2)))


def ntxent_by_definition(labels: np.ndarray, embeddings: np.ndarray, temperature: float) -> float:
    """optax.ntxent's definition, pair by pair in plain Python: for each ordered positive pair
    (i, j), -log(e^s_ij / (e^s_ij + sum over k of another group e^s_ik)); their mean."""
    unit = [e / max(float(np.sqrt(e @ e)), 2.0**-52) for e in embeddings]
    n = len(labels)

    def s(i: int, j: int) -> float:
        return float(unit[i] @ unit[j]) / temperature

    terms = []
    for i in range(n):
        negatives = math.fsum(math.exp(s(i, k)) for k in range(n) if labels[k] != labels[i])
        for j in range(n):
            if j != i and labels[j] == labels[i]:
                terms.append(-math.log(math.exp(s(i, j)) / (math.exp(s(i, j)) + negatives)))
    return math.fsum(terms) / len(terms)


def test_ntxent_of_optaxs_documented_example():
    # optax.ntxent's docstring: 1-D embeddings of one sign, labels [0, 0, 1, 1]: every cosine is
    # 1, each positive pair's softmax is 1/3 (itself and two negatives): log 3 = 1.0986123.
    embeddings = np.array([[0.08969027], [1.6291292], [0.8622629], [0.13612625]])
    assert_close(lossctl.compute("ntxent", np.array([0.0, 0.0, 1.0, 1.0]), embeddings), math.log(3.0))


@pytest.mark.parametrize("temperature", [0.07, 0.5, 2.0])
def test_ntxent_by_its_definition(temperature):
    rng = rng_for("ntxent", temperature)
    labels, embeddings = rng.integers(0, 5, 40).astype(float), rng.normal(size=(40, 8))
    expected = ntxent_by_definition(labels, embeddings, temperature)
    assert_close(lossctl.compute("ntxent", labels, embeddings, temperature=temperature), expected, rtol=1e-11)


def test_ntxent_needs_a_positive_pair_and_no_weights():
    with pytest.raises(lossctl.losses.LossError, match="no positive pairs"):
        lossctl.compute("ntxent", np.array([0.0, 1.0]), np.eye(2))
    with pytest.raises(lossctl.losses.InputDomainError, match="no sample weights"):
        lossctl.compute("ntxent", np.array([0.0, 0.0]), np.eye(2), sample_weight=[1.0, 2.0])
