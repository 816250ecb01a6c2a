"""Multi-label losses against scikit-learn, the documented examples of Keras 3, optax and
PyTorch (computed by hand here: Keras and optax are not installed), and their identities.
PyTorch's values on random data are in test_reference_torch.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics

import lossctl
from lossctl.losses import InputDomainError, LossError, ParameterError

from ._support import SIZES, assert_close, rng_for, sample_weights

LABELS = 4


def label_matrix(rng: np.random.Generator, n: int, *, every_row: bool = False) -> np.ndarray:
    """0/1 labels, the last row with every label; with ``every_row`` each row has one at
    least, else row 0 has none."""
    y = (rng.uniform(size=(n, LABELS)) < 0.4).astype(float)
    if every_row:
        y[np.arange(n), rng.integers(0, LABELS, n)] = 1.0
    else:
        y[0] = 0.0
    y[-1] = 1.0
    return y


def hard(rng: np.random.Generator, n: int) -> np.ndarray:
    """0/1 predictions of which the last row predicts every label."""
    p = (rng.uniform(size=(n, LABELS)) < 0.5).astype(float)
    p[-1] = 1.0
    return p


# -- scikit-learn ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("weighted", [False, True])
def test_hamming_of_a_label_matrix_is_sklearns(n, weighted):
    rng = rng_for("hamming", n, weighted)
    y, p = label_matrix(rng, n), rng.uniform(size=(n, LABELS))
    w = sample_weights(rng, n) if weighted else None
    for threshold in (0.5, 0.3):
        expected = metrics.hamming_loss(y, (p > threshold).astype(int), sample_weight=w)
        assert_close(lossctl.compute("hamming", y, p, sample_weight=w, threshold=threshold), expected)


@pytest.mark.parametrize("n", SIZES)
def test_hamming_of_one_label_per_sample_is_sklearns(n):
    rng = rng_for("hamming-multiclass", n)
    labels, scores, w = rng.integers(0, LABELS, n).astype(float), rng.normal(size=(n, LABELS)), sample_weights(rng, n)
    expected = metrics.hamming_loss(labels, scores.argmax(axis=1), sample_weight=w)
    assert_close(lossctl.compute("hamming", labels, scores, sample_weight=w), expected)
    y, z = (rng.uniform(size=n) < 0.5).astype(float), rng.normal(size=n)  # binary, from logits: z > 0
    assert_close(lossctl.compute("hamming", y, z, from_logits=True), metrics.hamming_loss(y, (z > 0).astype(int)))


# scikit-learn's F1 and Jaccard scores of 0/1 predictions are the Dice and Jaccard indices:
# micro = over=global, samples = over=sample, macro = over=label (epsilon = 0, the exact ratio).
AVERAGES = {"global": "micro", "sample": "samples", "label": "macro"}


@pytest.mark.parametrize("n", [2, 7, 1000])
@pytest.mark.parametrize("over", AVERAGES)
@pytest.mark.parametrize("weighted", [False, True])
def test_dice_and_jaccard_of_hard_predictions_are_one_minus_sklearns_f1_and_jaccard(n, over, weighted):
    rng = rng_for("overlap", n, over, weighted)
    y, p = label_matrix(rng, n, every_row=True), hard(rng, n)
    w = sample_weights(rng, n) if weighted else None
    params = {"over": over, "epsilon": 0.0, "sample_weight": w}
    average = AVERAGES[over]
    assert_close(lossctl.compute("dice", y, p, **params), 1 - metrics.f1_score(y, p, average=average, sample_weight=w))
    expected = 1 - metrics.jaccard_score(y, p, average=average, sample_weight=w)
    assert_close(lossctl.compute("jaccard", y, p, **params), expected)


# -- Keras 3 (keras/src/losses/losses_test.py and the Dice docstring) ------------------------------

SEGMENTATION_TRUE = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1.0]])
SEGMENTATION_PRED = np.array([[0, 1, 0, 1], [1, 0, 1, 1], [0, 1, 0, 1], [1, 0, 1, 1.0]])
# Keras' axis=(1, 2, 3) example: two samples of four pixels each.
PIXELS_TRUE = np.array([[1, 1, 0, 0], [1, 1, 0, 0.0]])
PIXELS_PRED = np.array([[0, 1, 0, 1], [0.4, 0, 0, 0.9]])
KERAS_EPS = 1e-7


def test_keras_dice_examples():
    # Binary segmentation: TP = 0 + 1 + 0 + 1 = 2, T = 8, P = 10: 1 - 2*2 / (18 + 1e-7); Keras
    # prints 0.77777773 in float32.
    value = lossctl.compute("dice", SEGMENTATION_TRUE, SEGMENTATION_PRED)
    assert_close(value, 1 - 4 / (18 + KERAS_EPS))
    assert value == pytest.approx(0.77777773, rel=1e-7)
    # Axis=None over both samples: TP = 1 + 0.4, T = 4, P = 2 + 1.3: 1 - 2.8 / (7.3 + 1e-7) = 0.6164384.
    value = lossctl.compute("dice", PIXELS_TRUE, PIXELS_PRED)
    assert_close(value, 1 - 2.8 / (7.3 + KERAS_EPS))
    assert value == pytest.approx(0.6164384, rel=1e-7)
    # axis=(1, 2, 3), reduction=None: each sample's 1 - 2/4 and 1 - 0.8/3.3 = [0.5, 0.75757575].
    per_row = lossctl.per_sample("dice", PIXELS_TRUE, PIXELS_PRED, over="sample")
    assert_close(per_row, [1 - 2 / (4 + KERAS_EPS), 1 - 0.8 / (3.3 + KERAS_EPS)])
    assert_close(lossctl.compute("dice", PIXELS_TRUE, PIXELS_PRED, over="sample"), per_row.mean())
    np.testing.assert_allclose(per_row, [0.5, 0.75757575], rtol=1e-7)


def test_keras_tversky_examples():
    # Binary segmentation: TP = 2, FP = P - TP = 8, FN = T - TP = 6.
    value = lossctl.compute("tversky", SEGMENTATION_TRUE, SEGMENTATION_PRED)
    assert_close(value, 1 - 2 / (2 + 0.5 * 8 + 0.5 * 6 + KERAS_EPS))
    assert value == pytest.approx(0.77777779, rel=1e-7)
    value = lossctl.compute("tversky", SEGMENTATION_TRUE, SEGMENTATION_PRED, alpha=0.2, beta=0.8)
    assert_close(value, 1 - 2 / (2 + 0.2 * 8 + 0.8 * 6 + KERAS_EPS))  # alpha weighs false positives
    assert value == pytest.approx(0.76190472, rel=1e-7)
    # Per sample, alpha 0.2, beta 0.8: sample 2 has TP 0.4, FP 0.9, FN 0.6 + 1 = 1.6.
    per_row = lossctl.per_sample("tversky", PIXELS_TRUE, PIXELS_PRED, alpha=0.2, beta=0.8, over="sample")
    assert_close(per_row, [1 - 1 / (1 + 0.2 + 0.8 + KERAS_EPS), 1 - 0.4 / (0.4 + 0.18 + 1.28 + KERAS_EPS)])
    np.testing.assert_allclose(per_row, [0.5, 0.78494626], rtol=1e-7)
    # Keras' "correctness" example has labels 2: lossctl's labels lie in [0, 1].
    with pytest.raises(InputDomainError, match=r"label 2 is not in \[0, 1\]"):
        lossctl.compute("tversky", [[1, 2], [1, 2]], [[0.4, 0.1], [0.6, 0.1]])


# -- optax dice_loss (optax/losses/_segmentation.py) ---------------------------------------------


def test_optax_dice_loss_docstring_example():
    # dice_loss(logits[..., None], targets[..., None]) with logits [[1, -1], [0.5, 0.5]] and
    # targets [[1, 0], [1, 0]]: one class, so a sigmoid; each image's two pixels summed, smooth 1:
    # 1 - (TP + 1) / (TP + (P - TP)/2 + (T - TP)/2 + 1) = 1 - (TP + 1) / ((T + P)/2 + 1).
    def optax(logits, targets):
        p = 1 / (1 + np.exp(-np.array(logits)))
        tp, t = float(np.dot(p, targets)), float(np.sum(targets))
        return 1 - (tp + 1) / ((t + p.sum()) / 2 + 1)

    for logits, targets in (([1.0, -1.0], [1.0, 0.0]), ([0.5, 0.5], [1.0, 0.0])):
        value = lossctl.compute("dice", targets, logits, from_logits=True, over="label", smooth=2.0, epsilon=0.0)
        assert_close(value, optax(logits, targets))
        value = lossctl.compute("tversky", targets, logits, from_logits=True, over="label", smooth=1.0, epsilon=0.0)
        assert_close(value, optax(logits, targets))


def test_optax_per_class_dice_with_class_weights():
    # optax with the rows as one image's pixels: each label's own ratio over the rows, times
    # its class weight, then the mean over the labels (apply_softmax=False: probabilities).
    y, p = PIXELS_TRUE, PIXELS_PRED
    alpha, beta, weights = 0.3, 0.7, [1.0, 2.0, 0.5, 1.5]
    expected = []
    for c, w in enumerate(weights):
        tp, t, q = float(y[:, c] @ p[:, c]), y[:, c].sum(), p[:, c].sum()
        expected.append(w * (1 - (tp + 1) / (tp + alpha * (q - tp) + beta * (t - tp) + 1)))
    params = {"over": "label", "smooth": 1.0, "epsilon": 0.0, "class_weights": weights}
    assert_close(lossctl.compute("tversky", y, p, alpha=alpha, beta=beta, **params), np.mean(expected))


# -- PyTorch's documented MultiLabelMarginLoss example ----------------------------------------------


def test_multilabel_margin_torch_docstring_example():
    # x = [[0.1, 0.2, 0.4, 0.8]], y = [[3, 0, -1, 1]]: targets {3, 0}, others {1, 2}:
    # [(1-(0.1-0.2)) + (1-(0.1-0.4)) + (1-(0.8-0.2)) + (1-(0.8-0.4))] / 4 = 0.85.
    x = [[0.1, 0.2, 0.4, 0.8]]
    assert_close(lossctl.compute("multilabel-margin", [[3, 0, -1, 1]], x, targets="indices"), 0.85)
    assert_close(lossctl.compute("multilabel-margin", [[1, 0, 0, 1]], x), 0.85)
    with pytest.raises(InputDomainError, match=r"target index 4 is not an integer in \[0, 3\]"):
        lossctl.compute("multilabel-margin", [[4, -1, 0, 0]], x, targets="indices")


# -- identities ---------------------------------------------------------------------------------------


def test_multilabel_bce_is_the_mean_of_each_labels_bce():
    rng = rng_for("bce-columns")
    y, z, w = label_matrix(rng, 50), rng.normal(0, 3, (50, LABELS)), sample_weights(rng, 50)
    pos_weight = [0.5, 1.0, 2.0, 4.0]
    columns = [
        lossctl.compute("bce", y[:, c], z[:, c], from_logits=True, pos_weight=pos_weight[c], sample_weight=w)
        for c in range(LABELS)
    ]
    value = lossctl.compute("multilabel-bce", y, z, from_logits=True, pos_weight=pos_weight, sample_weight=w)
    assert_close(value, np.mean(columns))
    soft_margin = lossctl.compute("multilabel-soft-margin", y, z, class_weights=[1, 2, 3, 4], sample_weight=w)
    bce = lossctl.compute("multilabel-bce", y, z, from_logits=True, class_weights=[1, 2, 3, 4], sample_weight=w)
    assert_close(soft_margin, bce)


def test_dice_tversky_and_jaccard_agree_where_they_should():
    rng = rng_for("overlaps")
    y, p = label_matrix(rng, 30), rng.uniform(size=(30, LABELS))
    for over in AVERAGES:
        exact = {"over": over, "epsilon": 0.0, "smooth": 0.5}
        dice = lossctl.compute("dice", y, p, **{**exact, "smooth": 1.0})  # 2 TP + 1 over T + P + 1
        assert_close(lossctl.compute("tversky", y, p, **exact), dice)  # TP + 1/2 over (T + P)/2 + 1/2
        assert_close(
            lossctl.compute("tversky", y, p, alpha=1.0, beta=1.0, **exact), lossctl.compute("jaccard", y, p, **exact)
        )
    d = 1 - lossctl.compute("dice", y, p, epsilon=0.0)
    assert_close(1 - lossctl.compute("jaccard", y, p, epsilon=0.0), d / (2 - d))  # J = D / (2 - D)


def test_overlap_errors_say_why():
    empty = np.zeros((2, 3))
    with pytest.raises(LossError, match="0/0"):
        lossctl.compute("dice", empty, empty, epsilon=0.0)
    with pytest.raises(InputDomainError, match="0/0") as caught:
        lossctl.compute("dice", [[0, 1, 0], [0, 0, 0]], [[0, 1, 0], [0, 0, 0]], epsilon=0.0, over="sample")
    assert caught.value.index == 1
    assert lossctl.compute("dice", empty, empty) == 1.0  # Keras: 1 - 0 / (0 + 1e-7)
    assert lossctl.compute("dice", empty, empty, smooth=1.0, epsilon=0.0) == 0.0  # optax: 1 - 1/1
    with pytest.raises(ParameterError, match="over=label"):
        lossctl.compute("dice", empty, empty, class_weights=[1, 1, 1])
    with pytest.raises(LossError, match="no per-sample values"):
        lossctl.per_sample("jaccard", empty, empty)
    with pytest.raises(InputDomainError, match="3 label columns but 2 prediction columns"):
        lossctl.compute("multilabel-bce", np.zeros((2, 3)), np.full((2, 2), 0.5))
    assert math.isfinite(lossctl.compute("multilabel-bce", [[1.0, 0.0]], [[0.0, 1.0]], log_floor=-100.0))


@pytest.mark.parametrize("over", ["global", "label"])
def test_overlap_interval_matches_the_delta_method_of_a_ratio(over):
    # Dice = 1 - N/D, N = sum_i n_i (n_i = 2 y_i . p_i), D = sum_i d_i (d_i = |y_i| + |p_i|): by
    # the delta method se = sqrt(sum_i (n_i - r d_i)^2) / D with r = N/D (for over=label, the
    # mean of each label's ratio, the same with each label's terms). The jackknife of 64 row
    # groups estimates it with a relative standard deviation of about 1/sqrt(2 * 63) = 0.09: a
    # tolerance of 30% is more than three of those.
    rng = rng_for("overlap-interval", over)
    n = 4000
    y, p = label_matrix(rng, n), rng.uniform(size=(n, LABELS))
    interval = lossctl.interval("dice", y, p, over=over, epsilon=0.0, level=0.95, method="normal")
    if over == "global":
        num, den = 2 * (y * p).sum(axis=1), y.sum(axis=1) + p.sum(axis=1)
        r = num.sum() / den.sum()
        se = np.sqrt(np.sum((num - r * den) ** 2)) / den.sum()
    else:
        num, den = 2 * y * p, y + p
        r = num.sum(axis=0) / den.sum(axis=0)
        se = np.sqrt(np.sum(((num - r * den) / den.sum(axis=0)).mean(axis=1) ** 2))
    half = (interval.high - interval.low) / 2
    assert half == pytest.approx(1.959964 * se, rel=0.3)
    assert interval.low < lossctl.compute("dice", y, p, over=over, epsilon=0.0) < interval.high
    boot = lossctl.interval("dice", y, p, over=over, epsilon=0.0, method="bootstrap")
    assert (boot.high - boot.low) / 2 == pytest.approx(1.959964 * se, rel=0.3)
