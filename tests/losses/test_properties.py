"""Identities as property tests: focal(gamma=0) = bce, smooth-l1 = huber/beta, huber -> mse/2,
integer weights = repeated rows, order invariance, and the merge law for every loss:
``merge(state(D1), ..., state(Dn)) == state(D1 + ... + Dn)`` bit for bit."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossctl
from lossctl.losses import Batch, catalog, resolve

from ._support import assert_close, magnitudes, reals, unit_floats

# Every law for every loss of the catalog: 8 reproducible examples each in ``make test`` (the
# catalog has over a hundred entries: some 300 tests), a hundred of fresh ones in ``make fuzz``
# (which runs the tests marked ``fuzzed`` on its profile as well as the ``slow`` ones).
pytestmark = pytest.mark.fuzzed
SETTINGS = settings(max_examples=8 if settings.default.max_examples <= 30 else 100, deadline=None)
CLASSES = 3

# -- inputs by task ---------------------------------------------------------------------------


def vectors(elements: st.SearchStrategy[float], n: int) -> st.SearchStrategy[np.ndarray]:
    return st.lists(elements, min_size=n, max_size=n).map(lambda xs: np.array(xs, dtype=np.float64))


def labels(n: int, classes: tuple[float, ...] = (0.0, 1.0)) -> st.SearchStrategy[np.ndarray]:
    """n labels of which rows 0 and 1 are the first and the last class: the critic needs a fake
    and a real sample, and a class-weighted mean a class of non-zero weight."""
    first = np.array([classes[0], classes[-1]])
    return vectors(st.sampled_from(classes), n).map(lambda y: np.concatenate((first, y[2:])))


def probability_rows(n: int) -> st.SearchStrategy[np.ndarray]:
    """n rows of CLASSES probabilities summing to 1, exact zeros allowed."""
    row = vectors(magnitudes(1e-3, 1.0), CLASSES).map(lambda r: r / r.sum() if r.sum() > 0 else np.eye(CLASSES)[0])
    return st.lists(row, min_size=n, max_size=n).map(np.array)


@st.composite
def task_inputs(draw, task: str, n: int) -> dict[str, np.ndarray]:
    """Arrays for a loss of ``task`` (the first of ``spec.tasks``, or a test-only variant)."""
    if task == "regression":  # y >= 0 and y_pred > 0 suit every regression loss (msle, poisson)
        return {"y_true": draw(vectors(magnitudes(1e-3), n)), "y_pred": draw(vectors(st.floats(1e-3, 1e3), n))}
    if task == "spread":  # targets that vary: the relative squared error divides by their spread
        return {"y_true": draw(vectors(st.floats(0.0, 1e3), n)) + np.arange(n), "y_pred": draw(vectors(reals(), n))}
    if task == "positive":  # y > 0 too: the gamma deviance, and wmape's non-zero total
        return {"y_true": draw(vectors(st.floats(1e-3, 1e3), n)), "y_pred": draw(vectors(st.floats(1e-3, 1e3), n))}
    if task == "binary":
        return {"y_true": draw(labels(n)), "y_pred": draw(vectors(unit_floats(), n))}
    if task == "binary-logits":
        return {"y_true": draw(labels(n)), "y_pred": draw(vectors(reals(1e-3, 50.0), n))}
    if task == "log-probabilities":
        return {"y_true": draw(labels(n, (0.0, 1.0, 2.0))), "y_pred": np.log(draw(probability_rows(n)) + 1e-300)}
    if task == "multiclass":
        return {"y_true": draw(labels(n, (0.0, 1.0, 2.0))), "y_pred": draw(probability_rows(n))}
    if task in ("multilabel", "multilabel-logits"):  # a 0/1 label matrix, probabilities or logits
        matrix = st.lists(vectors(st.sampled_from((0.0, 1.0)), CLASSES), min_size=n, max_size=n).map(np.array)
        scores = vectors(unit_floats(), CLASSES) if task == "multilabel" else vectors(reals(1e-3, 50.0), CLASSES)
        return {"y_true": draw(matrix), "y_pred": draw(st.lists(scores, min_size=n, max_size=n).map(np.array))}
    if task == "index-lists":  # PyTorch's target index lists, ended by -1, and label scores
        lists = vectors(st.sampled_from((-1.0, 0.0, 1.0, 2.0)), CLASSES)
        scores = vectors(reals(1e-3, 50.0), CLASSES)
        return {
            "y_true": draw(st.lists(lists, min_size=n, max_size=n).map(np.array)),
            "y_pred": draw(st.lists(scores, min_size=n, max_size=n).map(np.array)),
        }
    if task == "ignored-labels":  # class labels, some -100 (ignore_index), rows 0 and 1 kept
        return {"y_true": draw(labels(n, (0.0, 1.0, 2.0, -100.0))), "y_pred": draw(probability_rows(n))}
    if task == "log-targets":  # target distributions given as their logs
        return {"y_true": np.log(draw(probability_rows(n)) + 1e-300), "y_pred": draw(probability_rows(n))}
    if task == "teacher-student":  # two logit matrices
        rows = st.lists(vectors(reals(1e-3, 30.0), CLASSES), min_size=n, max_size=n).map(np.array)
        return {"y_true": draw(rows), "y_pred": draw(rows)}
    if task == "lists":  # graded relevance labels and item scores, one list per row
        relevance = st.lists(vectors(st.sampled_from((0.0, 1.0, 2.0, 3.0)), CLASSES), min_size=n, max_size=n)
        scores = st.lists(vectors(reals(1e-3, 30.0), CLASSES), min_size=n, max_size=n)
        return {"y_true": draw(relevance.map(np.array)), "y_pred": draw(scores.map(np.array))}
    if task == "pair":
        return {"y_true": draw(labels(n)), "y_pred": draw(vectors(magnitudes(1e-3, 10.0), n))}
    if task == "triplet":
        return {"d_ap": draw(vectors(magnitudes(1e-3, 10.0), n)), "d_an": draw(vectors(magnitudes(1e-3, 10.0), n))}
    if task == "triplet-embeddings":
        rows = st.lists(vectors(reals(1e-3, 10.0), 3), min_size=n, max_size=n).map(np.array)
        return {role: draw(rows) for role in ("anchor", "positive", "negative")}
    if task == "critic":
        # Fake scores (y = 0) >= 0 and real scores <= 0: the two means never cancel.
        y = draw(labels(n))
        return {"y_true": y, "y_pred": np.where(y == 0, 1.0, -1.0) * draw(vectors(magnitudes(), n))}
    if task == "distribution":
        return {"y_true": draw(vectors(reals(), n)), "y_pred": draw(vectors(reals(), n))}
    if task == "weights":
        return {"weights": draw(vectors(reals(), n))}
    if task == "two-scores":  # a +-1 target and two scores
        signs = labels(n, (-1.0, 1.0))
        return {"y_true": draw(signs), "x1": draw(vectors(reals(), n)), "x2": draw(vectors(reals(), n))}
    if task in ("two-embeddings", "vectors"):  # two embeddings and a +-1 target, or a target and a predicted vector
        rows = st.lists(vectors(reals(1e-3, 10.0), 3), min_size=n, max_size=n).map(np.array)
        if task == "vectors":
            return {"y_true": draw(rows), "y_pred": draw(rows)}
        return {"y_true": draw(labels(n, (-1.0, 1.0))), "embedding1": draw(rows), "embedding2": draw(rows)}
    if task == "groups":  # a group label per row (rows 0 and 1 a positive pair) and an embedding
        y = draw(labels(n, (0.0, 1.0, 2.0)))
        y[1] = y[0]
        rows = st.lists(vectors(reals(1e-3, 10.0), 3), min_size=n, max_size=n).map(np.array)
        return {"y_true": y, "y_pred": draw(rows)}
    if task == "pair-embeddings":  # a pair label and two embeddings
        rows = st.lists(vectors(reals(1e-3, 10.0), 3), min_size=n, max_size=n).map(np.array)
        return {"y_true": draw(labels(n)), "embedding1": draw(rows), "embedding2": draw(rows)}
    if task == "weighted-samples":  # two samples, each with integer weights of its own (exact CDFs)
        weights = vectors(st.integers(1, 4).map(float), n)
        return {
            **{"y_true": draw(vectors(reals(), n)), "y_pred": draw(vectors(reals(), n))},
            **{"u_weights": draw(weights), "v_weights": draw(weights)},
        }
    if task == "forecast":  # a target; a mean and its std (and variance); an interval; five members
        mean, std = draw(vectors(reals(), n)), draw(vectors(st.floats(1e-2, 10.0), n))
        members = draw(st.lists(vectors(reals(), 5), min_size=n, max_size=n).map(np.array))
        return {
            **{"y_true": draw(vectors(reals(), n)), "y_pred": mean, "scale": std, "variance": std * std},
            **{"lower": mean - std, "upper": mean + std, "members": members, "quantiles": members[:, :3]},
        }
    raise AssertionError(f"no inputs for task {task!r}")


# The inputs of a loss whose task's usual inputs do not suit it.
INPUTS = {
    "distillation": "teacher-student",
    "ranking-softmax": "lists",
    "gamma-deviance": "positive",
    "d2:gamma-deviance": "positive",
    "relative-squared-error": "spread",
    "nrmse": "spread",
    "wmape": "positive",
    "nll": "log-probabilities",
    # pairs and distances
    "margin-ranking": "two-scores",
    "cosine-embedding": "two-embeddings",
    "cosine-similarity": "vectors",
    "ntxent": "groups",
}
# The parameters a loss cannot do without (a file's column names give them).
PARAMS = {"quantile-set": {"levels": [0.1, 0.5, 0.9]}, "poisson-nll": {"log_input": False, "full": True}}
# Every loss of the catalog with its defaults, and configured variants worth their own check.
VARIANTS: list[tuple[str, dict[str, Any], str]] = [
    (spec.name, PARAMS.get(spec.name, {}), INPUTS.get(spec.name, spec.tasks[0])) for spec in catalog()
] + [
    ("distillation", {"temperature": 4.0}, "teacher-student"),
    ("zero-one", {"threshold": 0.3}, "binary"),
    ("pseudo-huber", {"delta": 0.01}, "regression"),
    ("tweedie-deviance", {"power": 1.5}, "regression"),
    ("tweedie-deviance", {"power": 3.0}, "positive"),
    ("expectile", {"tau": 0.9}, "regression"),
    ("brier", {}, "multiclass"),
    ("multi-margin", {"p": 2.0, "margin": 0.5, "class_weights": [1.0, 2.0, 0.5]}, "multiclass"),
    ("bce", {"from_logits": True, "pos_weight": 2.5, "label_smoothing": 0.1}, "binary-logits"),
    ("focal", {"from_logits": True, "alpha": 0.25}, "binary-logits"),
    ("focal", {"gamma": 1.5, "alpha": [0.2, 0.3, 0.5]}, "multiclass"),
    ("cross-entropy", {"class_weights": [1.0, 2.0, 3.5], "label_smoothing": 0.1}, "multiclass"),
    ("cross-entropy", {"class_weights": [0.5, 0.0, 2.0]}, "multiclass"),
    ("triplet", {"margin": 0.3}, "triplet-embeddings"),
    ("elastic-net", {"lambda1": 0.5, "lambda2": 1e-3}, "weights"),
    ("d2:brier", {}, "multiclass"),
    ("d2:quantile", {"quantile": 0.9}, "regression"),
    ("d2:tweedie-deviance", {"power": 1.5}, "regression"),
    ("d2:bce", {"from_logits": True}, "binary-logits"),
    ("nrmse", {"normalization": "range"}, "spread"),
    ("nrmse", {"normalization": "l2"}, "spread"),
    ("ece", {"binning": "equal-mass"}, "binary"),
    ("ece", {"bins": 4}, "multiclass"),
    ("ece", {"from_logits": True, "binning": "equal-mass", "bins": 3}, "binary-logits"),
    ("mce", {"multiclass": "classwise", "bins": 5}, "multiclass"),
    ("mce", {"binning": "equal-mass", "bins": 3}, "multiclass"),
    ("rmsce", {"binning": "equal-mass", "multiclass": "classwise", "bins": 4}, "multiclass"),
    ("brier-reliability", {"binning": "equal-mass", "bins": 5}, "binary"),
    ("brier-resolution", {"multiclass": "classwise", "binning": "equal-mass"}, "multiclass"),
    ("brier-uncertainty", {"multiclass": "classwise"}, "multiclass"),
    # multi-label
    ("hamming", {"threshold": 0.3}, "multilabel"),
    ("hamming", {}, "multiclass"),
    ("hamming", {"from_logits": True}, "binary-logits"),
    (
        "multilabel-bce",
        {"from_logits": True, "pos_weight": [0.5, 1.0, 3.0], "class_weights": [1.0, 0.0, 2.5]},
        "multilabel-logits",
    ),
    ("multilabel-bce", {"log_floor": -100.0, "pos_weight": 2.0}, "multilabel"),
    ("multilabel-soft-margin", {"class_weights": [1.0, 2.0, 0.5]}, "multilabel-logits"),
    ("multilabel-margin", {"targets": "indices"}, "index-lists"),
    ("dice", {"over": "sample"}, "multilabel"),
    ("dice", {"over": "label", "smooth": 1.0, "epsilon": 0.0, "class_weights": [1.0, 2.0, 0.5]}, "multilabel"),
    ("dice", {"from_logits": True}, "multilabel-logits"),
    ("tversky", {"alpha": 0.3, "beta": 0.7, "over": "label"}, "multilabel"),
    ("tversky", {"alpha": 0.9, "beta": 0.1, "over": "sample", "smooth": 1.0}, "multilabel"),
    ("jaccard", {"over": "sample", "from_logits": True}, "multilabel-logits"),
    # classification options
    (
        "cross-entropy",
        {"ignore_index": -100, "class_weights": [1.0, 2.0, 0.5], "label_smoothing": 0.1},
        "ignored-labels",
    ),
    ("nll", {"ignore_index": 1}, "log-probabilities"),
    ("multi-margin", {"ignore_index": -100, "p": 2.0}, "ignored-labels"),
    ("focal", {"label_smoothing": 0.1, "alpha": 0.25}, "binary"),
    ("focal", {"label_smoothing": 0.2, "alpha": [0.2, 0.3, 0.5]}, "multiclass"),
    ("kl-divergence", {"log_target": True}, "log-targets"),
    ("sparsemax", {}, "multiclass"),
    ("sparsemax", {}, "binary-logits"),
    # pairs and distances
    ("wasserstein-distance", {}, "weighted-samples"),
    ("energy-distance", {}, "weighted-samples"),
    ("jensen-shannon", {"base": 2.0}, "multiclass"),
    ("margin-ranking", {"margin": 0.5}, "two-scores"),
    ("cosine-embedding", {"margin": 0.2}, "two-embeddings"),
    ("triplet", {"swap": True, "p": 1.0}, "triplet-embeddings"),
    ("contrastive", {"margin": 2.0}, "pair-embeddings"),
    ("mse", {"reduction": "sum"}, "regression"),
    ("cross-entropy", {"class_weights": [1.0, 2.0, 3.5], "reduction": "sum"}, "multiclass"),
    ("ntxent", {"temperature": 0.5}, "groups"),
]


def variant_id(variant: tuple[str, dict[str, Any], str]) -> str:
    name, params, task = variant
    return f"{name}-{task}" + ("-" + ",".join(f"{k}={v}" for k, v in params.items()) if params else "")


def take(arrays: dict[str, np.ndarray], rows: np.ndarray | slice) -> dict[str, np.ndarray]:
    return {role: values[rows] for role, values in arrays.items()}


def one_shot(loss, arrays: dict[str, np.ndarray]) -> float:
    return loss.evaluate(Batch(arrays))


def drawn(variant: tuple[str, dict[str, Any], str], data) -> tuple[Any, dict[str, np.ndarray], int]:
    """The variant's loss, inputs of its task drawn for 2 to 30 rows, and their number."""
    name, params, task = variant
    n = data.draw(st.integers(2, 30), label="n")
    return resolve(name, params), data.draw(task_inputs(task, n), label="arrays"), n


def test_variants_cover_the_whole_catalog():
    assert {name for name, _, _ in VARIANTS} == {spec.name for spec in catalog()}


# -- the merge law --------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
@SETTINGS
@given(data=st.data())
def test_merge_law(variant, data):
    loss, arrays, n = drawn(variant, data)
    task = variant[2]
    if task not in ("weights", "groups") and data.draw(st.booleans(), label="weighted"):  # ntxent: no weights
        # Integer weights keep the weighted CDFs of the Wasserstein distance exact.
        arrays["sample_weight"] = data.draw(vectors(st.integers(1, 4).map(float), n), label="sample_weight")
    cuts = data.draw(st.sets(st.integers(1, n - 1), max_size=min(n - 1, 6)), label="cuts")
    bounds = [0, *sorted(cuts), n]
    states = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        state = loss.state()
        state.update(Batch(take(arrays, slice(lo, hi))))
        states.append(state)
    while len(states) > 1:  # merge in an order and grouping that hypothesis chooses
        pair = st.lists(st.integers(0, len(states) - 1), min_size=2, max_size=2, unique=True)
        i, j = data.draw(pair, label="merge j into i")
        states[i].merge(states[j])
        del states[j]
    assert states[0].result() == one_shot(loss, arrays)


# -- order invariance and integer weights ---------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
@SETTINGS
@given(data=st.data())
def test_result_does_not_depend_on_row_order(variant, data):
    loss, arrays, n = drawn(variant, data)
    order = np.array(data.draw(st.permutations(range(n)), label="order"))
    assert one_shot(loss, take(arrays, order)) == one_shot(loss, arrays)


REPEATABLE = [
    ("mse", {}, "regression"),
    ("quantile", {"quantile": 0.8}, "regression"),
    ("bce", {}, "binary"),
    ("focal", {"from_logits": True, "alpha": 0.25}, "binary-logits"),
    ("cross-entropy", {}, "multiclass"),
    ("cross-entropy", {"class_weights": [1.0, 2.0, 3.5], "label_smoothing": 0.1}, "multiclass"),
    ("wasserstein", {}, "critic"),
    ("cost-sensitive-bce", {}, "binary"),
    ("wasserstein-distance", {}, "distribution"),
    ("triplet", {}, "triplet"),
    ("dice", {}, "multilabel"),
    ("tversky", {"over": "label", "alpha": 0.2, "beta": 0.8}, "multilabel"),
    ("multilabel-bce", {"from_logits": True, "pos_weight": [0.5, 1.0, 3.0]}, "multilabel-logits"),
]


@pytest.mark.parametrize("variant", REPEATABLE, ids=variant_id)
@SETTINGS
@given(data=st.data())
def test_integer_weights_equal_repeated_rows(variant, data):
    name, params, task = variant
    loss = resolve(name, params)
    n = data.draw(st.integers(2, 20), label="n")
    arrays = data.draw(task_inputs(task, n), label="arrays")
    # Weight 0 drops a row; rows 0 and 1 (one fake, one real for the critic) keep weight >= 1.
    counts = data.draw(vectors(st.integers(0, 3).map(float), n), label="counts")
    counts[:2] = np.maximum(counts[:2], 1.0)
    repeated = take(arrays, np.repeat(np.arange(n), counts.astype(int)))
    assert_close(one_shot(loss, arrays | {"sample_weight": counts}), one_shot(loss, repeated))


# -- identities between losses ------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), from_logits=st.booleans())
def test_focal_with_gamma_0_is_bce(data, from_logits):
    n = data.draw(st.integers(2, 30), label="n")
    arrays = data.draw(task_inputs("binary-logits" if from_logits else "binary", n), label="arrays")
    focal = resolve("focal", {"gamma": 0.0, "from_logits": from_logits})
    bce = resolve("bce", {"from_logits": from_logits})
    assert_close(focal.per_sample(Batch(arrays)), bce.per_sample(Batch(arrays)))
    assert_close(one_shot(focal, arrays), one_shot(bce, arrays))


@SETTINGS
@given(data=st.data(), from_logits=st.booleans())
def test_kl_divergence_of_one_hot_targets_is_cross_entropy(data, from_logits):
    # KL(t || p) = sum t log t - sum t log p, and sum t log t = 0 for a one-hot t.
    n = data.draw(st.integers(2, 30), label="n")
    arrays = data.draw(task_inputs("multiclass", n), label="arrays")
    if from_logits:
        arrays["y_pred"] = data.draw(
            st.lists(vectors(reals(1e-3, 50.0), CLASSES), min_size=n, max_size=n).map(np.array)
        )
    params = {"from_logits": from_logits}
    assert_close(
        lossctl.compute("kl-divergence", **arrays, **params), lossctl.compute("cross-entropy", **arrays, **params)
    )


@SETTINGS
@given(data=st.data(), beta=st.floats(1e-3, 1e3))
def test_smooth_l1_is_huber_over_beta(data, beta):
    arrays = data.draw(task_inputs("distribution", data.draw(st.integers(2, 30))), label="arrays")
    huber = lossctl.compute("huber", delta=beta, **arrays)
    assert_close(lossctl.compute("smooth-l1", beta=beta, **arrays), huber / beta)


@SETTINGS
@given(data=st.data(), factor=st.floats(1.0, 1e6))
def test_huber_is_half_mse_when_delta_exceeds_every_residual(data, factor):
    # With delta >= max |r| every sample is in the quadratic zone: huber = 0.5 r^2.
    arrays = data.draw(task_inputs("distribution", data.draw(st.integers(2, 30))), label="arrays")
    max_residual = np.max(np.abs(arrays["y_true"] - arrays["y_pred"]))
    delta = max(max_residual * factor, 1e-300)
    assert_close(lossctl.compute("huber", delta=delta, **arrays), 0.5 * lossctl.compute("mse", **arrays))


# -- the weighted mean at any scale, against exact rational arithmetic ------------------------------


@SETTINGS
@given(
    data=st.data(),
    residuals=st.lists(st.floats(0.0, 1.3e154), min_size=1, max_size=20),  # r^2 <= 1.7e308
    weighted=st.booleans(),
)
def test_streamed_mse_is_the_exactly_rounded_weighted_mean_at_any_scale(data, residuals, weighted):
    # Fraction sums exactly: sum(w * t) / sum(w) over the float64 terms t = r * r, correctly
    # rounded by float(), however far the float partial sums or products w * t would overflow.
    r = np.array(residuals)
    n = len(r)
    w = data.draw(vectors(st.floats(1e-3, 1e300), n), label="w") if weighted else np.ones(n)
    terms = r * r
    exact = sum(Fraction(wi) * Fraction(ti) for wi, ti in zip(w, terms, strict=True)) / sum(map(Fraction, w))
    cuts = sorted(data.draw(st.sets(st.integers(1, max(n - 1, 1)), max_size=4), label="cuts") - {n})
    state = resolve("mse").state()
    for lo, hi in zip([0, *cuts], [*cuts, n], strict=True):
        arrays = {"y_true": r[lo:hi], "y_pred": np.zeros(hi - lo), "sample_weight": w[lo:hi] if weighted else None}
        state.update(Batch(arrays))
    assert state.result() == float(exact)
