"""The loss-expression parser and combined losses."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics

import lossctl
from lossctl.losses import CombinedLoss, ExpressionError
from lossctl.losses.expression import parse

from ._support import assert_close, binary_labels, rng_for


def terms(text: str) -> list[tuple[float, str, dict]]:
    return [(term.coefficient, term.name, term.params) for term in parse(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mse", [(1.0, "mse", {})]),
        (
            "bce + 0.5*focal:gamma=1 + 1e-4*l2",
            [(1.0, "bce", {}), (0.5, "focal", {"gamma": 1.0}), (1e-4, "l2", {})],
        ),
        ("1e+3*mse", [(1000.0, "mse", {})]),
        (".5*mse", [(0.5, "mse", {})]),
        ("2.*mse", [(2.0, "mse", {})]),
        ("2.5E-3 * mse", [(0.0025, "mse", {})]),
        ("mse*2", [(2.0, "mse", {})]),
        ("2*mse*3", [(6.0, "mse", {})]),
        ("mse - 0.5*mae", [(1.0, "mse", {}), (-0.5, "mae", {})]),
        ("mse-0.5*mae", [(1.0, "mse", {}), (-0.5, "mae", {})]),
        ("-mse + mae", [(-1.0, "mse", {}), (1.0, "mae", {})]),
        ("smooth-l1:beta=0.5", [(1.0, "smooth-l1", {"beta": 0.5})]),
        ("cross-entropy:class_weights=[1,2,3]", [(1.0, "cross-entropy", {"class_weights": (1.0, 2.0, 3.0)})]),
        ("cross-entropy:class_weights=[ .5 , -2 ]", [(1.0, "cross-entropy", {"class_weights": (0.5, -2.0)})]),
        ("bce:from_logits=true", [(1.0, "bce", {"from_logits": "true"})]),
        ("focal:gamma=1,alpha=0.25", [(1.0, "focal", {"gamma": 1.0, "alpha": 0.25})]),
        ("huber:delta=-1", [(1.0, "huber", {"delta": -1.0})]),  # parsed; refused by the domain check
    ],
)
def test_parse(text, expected):
    assert terms(text) == expected


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("bce +", 5),  # a term was expected at the end
        ("0.5*", 4),
        ("bce:gamma", 9),  # '=' expected at the end
        ("bce:=1", 4),  # a parameter name expected at '='
        ("bce $ mae", 4),  # '$' is no token
        ("2*3", 3),  # only numbers: a loss name was expected at the end
        ("", 0),
        ("bce mae", 4),  # '+' or '-' expected before 'mae'
        ("bce:gamma=1,gamma=2", 12),  # the repeated parameter
        ("cross-entropy:class_weights=[1,2", 32),  # ']' expected at the end
        ("bce*mae", 4),  # a term names one loss
        ("bce + + mae", 6),
    ],
)
def test_malformed_expression_reports_the_position(text, position):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.position == position
    assert caught.value.caret().splitlines()[1] == " " * position + "^"


def test_resolve_reports_malformed_expressions_too():
    with pytest.raises(ExpressionError) as caught:
        lossctl.resolve("mse + ")
    assert caught.value.position == 6


def test_resolve_reads_booleans_and_vectors():
    assert lossctl.resolve("bce:from_logits=true").params["from_logits"] is True
    assert lossctl.resolve("bce:from_logits=false").params["from_logits"] is False
    assert lossctl.resolve("cross-entropy:class_weights=[1,2,3]").params["class_weights"] == (1.0, 2.0, 3.0)


def test_a_single_term_with_coefficient_1_is_the_plain_loss():
    assert not isinstance(lossctl.resolve("huber:delta=2"), CombinedLoss)
    assert isinstance(lossctl.resolve("2*huber"), CombinedLoss)


def test_combined_value_is_the_weighted_sum_of_its_terms():
    rng = rng_for("combined")
    y, p = binary_labels(rng, 50), rng.uniform(0.01, 0.99, 50)
    weights = rng.normal(0.0, 1.0, 20)
    # bce by scikit-learn; focal (gamma = 1) by its formula -(1 - p_t) log p_t; l2 = sum w^2.
    p_t = np.where(y == 1, p, 1.0 - p)
    focal = np.mean(-(1.0 - p_t) * np.log(p_t))
    expected = metrics.log_loss(y, p) + 0.5 * focal + 1e-4 * np.sum(weights**2)
    value = lossctl.compute("bce + 0.5*focal:gamma=1 + 1e-4*l2", y, p, weights=weights)
    assert_close(value, expected)


@pytest.mark.parametrize("text", ["mse - 0.5*mae", "mse-0.5*mae"])
def test_negative_coefficients_subtract(text):
    rng = rng_for("negative")
    y, p = rng.normal(0.0, 1.0, 30), rng.normal(0.0, 1.0, 30)
    expected = metrics.mean_squared_error(y, p) - 0.5 * metrics.mean_absolute_error(y, p)
    assert_close(lossctl.compute(text, y, p), expected)


def test_combined_per_sample_leaves_out_regularization():
    y, p = [1.0, 0.0], [0.5, 0.5]
    # bce per sample = log 2 each; the l2 term has no per-sample values.
    assert_close(lossctl.per_sample("bce + 1e-4*l2", y, p), [np.log(2.0)] * 2)
