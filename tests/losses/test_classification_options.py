"""The classification options: focal label smoothing (against Keras 3's formulas, transcribed
here from keras/src/losses/losses.py: Keras is not installed), ignore_index, KL with log-space
targets (optax's formula), and the sparsemax loss (the closed form of Martins & Astudillo 2016,
in exact rational arithmetic). PyTorch's ignore_index and log_target values on random data are
in test_reference_torch.py."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import lossctl
from lossctl.losses import InputDomainError, LossError

from ._support import assert_close, binary_labels, rng_for, row_distributions, sample_weights

KERAS_EPS = 1e-7


def keras_binary_focal(y, p, *, gamma, alpha, label_smoothing):
    """keras.losses.binary_focal_crossentropy(apply_class_balancing=True), per element."""
    y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
    q = np.clip(p, KERAS_EPS, 1 - KERAS_EPS)  # ops.binary_crossentropy clips the output
    bce = -(y * np.log(q) + (1 - y) * np.log(1 - q))
    p_t = y * p + (1 - y) * (1 - p)
    weight = y * alpha + (1 - y) * (1 - alpha)
    return weight * (1.0 - p_t) ** gamma * bce


def keras_categorical_focal(t, p, *, gamma, alpha, label_smoothing):
    """keras.losses.categorical_focal_crossentropy, per sample."""
    t = t * (1.0 - label_smoothing) + label_smoothing / t.shape[1]
    output = np.clip(p / p.sum(axis=1, keepdims=True), KERAS_EPS, 1 - KERAS_EPS)
    return (alpha * (1 - output) ** gamma * -t * np.log(output)).sum(axis=1)


@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.3])
def test_focal_label_smoothing_is_keras(smoothing):
    rng = rng_for("focal-smoothing", smoothing)
    y, p, w = binary_labels(rng, 40), rng.uniform(0.05, 0.95, 40), sample_weights(rng, 40)
    expected = keras_binary_focal(y, p, gamma=2.0, alpha=0.25, label_smoothing=smoothing)
    params = {"alpha": 0.25, "label_smoothing": smoothing, "eps": KERAS_EPS}
    assert_close(lossctl.per_sample("focal", y, p, **params), expected)
    assert_close(lossctl.compute("focal", y, p, sample_weight=w, **params), np.average(expected, weights=w))
    t, q = np.eye(4)[rng.integers(0, 4, 40)], row_distributions(rng, 40, 4)
    expected = keras_categorical_focal(t, q, gamma=1.5, alpha=0.25, label_smoothing=smoothing)
    got = lossctl.per_sample(
        "focal", t.argmax(axis=1), q, gamma=1.5, alpha=[0.25] * 4, label_smoothing=smoothing, eps=KERAS_EPS
    )
    assert_close(got, expected)


def test_keras_focal_docstring_examples():
    # categorical_focal_crossentropy([[0, 1, 0], [0, 0, 1]], [[.05, .9, .05], [.1, .85, .05]])
    got = lossctl.per_sample("focal", [1, 2], [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]], alpha=[0.25] * 3, eps=KERAS_EPS)
    np.testing.assert_allclose(got, [2.63401289e-04, 6.75912094e-01], rtol=1e-7)
    # binary_focal_crossentropy([[0, 1], [0, 0]], [[.6, .4], [.4, .6]], gamma=2): the mean of each
    # row's two elements, [0.330, 0.206] (no class balancing: no alpha).
    per = lossctl.per_sample("focal", [0, 1, 0, 0], [0.6, 0.4, 0.4, 0.6], eps=KERAS_EPS)
    np.testing.assert_allclose(per.reshape(2, 2).mean(axis=1), [0.330, 0.206], atol=5e-4)


def test_ignored_rows_count_nowhere():
    rng = rng_for("ignore")
    labels, scores, w = rng.integers(0, 3, 30).astype(float), rng.normal(0, 2, (30, 3)), sample_weights(rng, 30)
    labels[::4] = -100.0
    kept = labels != -100.0
    for loss, params in (
        ("cross-entropy", {"from_logits": True, "class_weights": [1.0, 2.0, 0.5], "label_smoothing": 0.1}),
        (
            "multi-margin",
            {"p": 2.0, "margin": 0.5, "class_weights": [1.0, 2.0, 0.5]},
        ),  # PyTorch has no ignore_index here
    ):
        ignored = lossctl.compute(loss, labels, scores, sample_weight=w, ignore_index=-100, **params)
        assert_close(ignored, lossctl.compute(loss, labels[kept], scores[kept], sample_weight=w[kept], **params))
        per = lossctl.per_sample(loss, labels, scores, ignore_index=-100, **params)
        assert (per[~kept] == 0.0).all()
    with pytest.raises(InputDomainError, match=r"class label -100 is not an integer in \[0, 2\]") as caught:
        lossctl.compute("cross-entropy", labels, scores, from_logits=True)
    assert caught.value.index == 0
    with pytest.raises(LossError, match="denominators sum to zero"):
        lossctl.compute("nll", [-100.0, -100.0], np.log(np.full((2, 3), 1 / 3)), ignore_index=-100)
    # A valid class may be ignored too; a target matrix ignores nothing, as PyTorch.
    assert_close(
        lossctl.compute("cross-entropy", labels[kept], scores[kept], from_logits=True, ignore_index=2),
        lossctl.compute("cross-entropy", labels[kept & (labels != 2)], scores[kept & (labels != 2)], from_logits=True),
    )
    onehot = np.eye(3)[labels[kept].astype(int)]
    assert lossctl.compute("cross-entropy", onehot, scores[kept], from_logits=True, ignore_index=0) == lossctl.compute(
        "cross-entropy", onehot, scores[kept], from_logits=True
    )


def test_kl_with_log_targets_is_optax_kl_divergence_with_log_targets():
    rng = rng_for("kl-log")
    t, p = row_distributions(rng, 25, 4), row_distributions(rng, 25, 4)
    log_t, log_p = np.log(t), np.log(p)
    expected = (np.exp(log_t) * (log_t - log_p)).sum(axis=1)  # optax, per sample
    assert_close(lossctl.per_sample("kl-divergence", log_t, log_p, from_logits=True, log_target=True), expected)
    assert_close(lossctl.compute("kl-divergence", log_t, p, log_target=True), expected.mean())
    assert_close(lossctl.compute("kl-divergence", log_t, p, log_target=True), lossctl.compute("kl-divergence", t, p))
    with pytest.raises(InputDomainError, match="the exp of the log-targets sums to 2, not 1") as caught:
        lossctl.compute("kl-divergence", [[-np.log(2), -np.log(2)], [0.0, 0.0]], [[0.5, 0.5]] * 2, log_target=True)
    assert caught.value.index == 1  # e^0 + e^0 = 2: probabilities 1, 1 taken as logs


def sparsemax_closed_form(z: np.ndarray, k: int) -> float:
    """Martins & Astudillo (2016), eq. (17), in exact rationals: -z_k + 1/2 sum_S (z_j^2 - tau^2) + 1/2."""
    ranked, total, support, support_sum = sorted(map(Fraction, z), reverse=True), Fraction(0), 0, Fraction(0)
    for i, v in enumerate(ranked, 1):
        total += v
        if 1 + i * v > total:
            support, support_sum = i, total
    tau = (support_sum - 1) / support
    return float(-Fraction(z[k]) + sum(Fraction(x) ** 2 - tau**2 for x in z if Fraction(x) > tau) / 2 + Fraction(1, 2))


@pytest.mark.parametrize("scale", [0.1, 1.0, 10.0])
def test_sparsemax_is_the_papers_closed_form(scale):
    rng = rng_for("sparsemax", scale)
    z, k, w = rng.normal(0, scale, (60, 5)), rng.integers(0, 5, 60), sample_weights(rng, 60)
    expected = np.array([sparsemax_closed_form(z[i], k[i]) for i in range(60)])
    assert_close(lossctl.per_sample("sparsemax", k, z), expected)
    assert_close(lossctl.compute("sparsemax", k, z, sample_weight=w), np.average(expected, weights=w))


def test_binary_sparsemax_is_optax_and_the_two_class_loss():
    # optax: sparse_plus(-z) for a positive, sparse_plus(z) for a negative; sparse_plus(u) =
    # 0 (u <= -1), (u + 1)^2 / 4 (|u| < 1), u (u >= 1).
    y, z = [1, 1, 1, 0, 0, 0], [2.0, 0.5, -3.0, 2.0, -0.5, -1.0]
    assert_close(lossctl.per_sample("sparsemax", y, z), [0.0, 0.0625, 3.0, 2.0, 0.0625, 0.0])
    # the multiclass loss of the scores (z, 0), the true class 0 for a positive
    two = np.column_stack([z, np.zeros(6)])
    assert_close(lossctl.per_sample("sparsemax", 1 - np.array(y), two), lossctl.per_sample("sparsemax", y, z))
