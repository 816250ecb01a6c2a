"""Each worked example's value against a hand computation, and each verdict."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lossctl
from lossctl.examples import (
    DOCUMENT_WRONG,
    IMPLAUSIBLE,
    MATCH,
    NO_DOCUMENTED_VALUE,
    PLAUSIBLE,
    judge,
    work_all,
    worked,
)
from lossctl.examples.documented import least_squares_line, noisy_line
from lossctl.examples.steps import DIFFERS

log = math.log


def test_house_prices_mse_by_hand():
    # (y_hat - y)^2 for the five houses, predicted price first as in the document's table.
    terms = [
        (250000 - 260000) ** 2,  # 100000000
        (320000 - 315000) ** 2,  # 25000000
        (370000 - 385000) ** 2,  # 225000000
        (410000 - 400000) ** 2,  # 100000000
        (280000 - 275000) ** 2,  # 25000000
    ]
    assert terms == [100_000_000, 25_000_000, 225_000_000, 100_000_000, 25_000_000]
    mse = (1e8 + 2.5e7 + 2.25e8 + 1e8 + 2.5e7) / 5  # = 475000000 / 5
    assert mse == 9.5e7
    w = worked("house-prices-mse")
    assert w.computed == mse
    assert w.terms.tolist() == terms
    assert w.verdict == MATCH


def test_spam_bce_by_hand():
    # p_t = p for a positive, 1 - p for a negative: 0.8, 1 - 0.2, 0.6, 0.9, 1 - 0.1.
    bce = -(log(0.8) + log(0.8) + log(0.6) + log(0.9) + log(0.9)) / 5
    assert bce == pytest.approx(0.2335667515, abs=1e-10)
    w = worked("spam-bce")
    assert w.computed == pytest.approx(bce, rel=1e-15)
    assert w.terms == pytest.approx([-log(0.8), -log(0.8), -log(0.6), -log(0.9), -log(0.9)], rel=1e-15)
    assert w.verdict == DOCUMENT_WRONG


def test_spam_bce_the_documents_own_arithmetic():
    # Its numeric line: log(0.8), log(0.2), log(0.4), log(0.1), log(0.9) to 3 decimals.
    own = -(-0.223 - 1.609 - 0.916 - 2.303 - 0.105) / 5  # = 5.156 / 5 = 1.0312
    assert round(own, 3) == 1.031  # consistent with its slips, so the slips are in the terms
    assert (round(log(0.2), 3), round(log(0.4), 3), round(log(0.1), 3)) == (-1.609, -0.916, -2.303)


def test_spam_focal_by_hand():
    # -(1 - p_t)^2 log(p_t) with p_t = 0.8, 0.8, 0.6, 0.9, 0.9.
    focal = -(0.2**2 * log(0.8) + 0.2**2 * log(0.8) + 0.4**2 * log(0.6) + 0.1**2 * log(0.9) + 0.1**2 * log(0.9)) / 5
    assert focal == pytest.approx(0.0203381588, abs=1e-10)
    w = worked("spam-focal")
    assert w.computed == pytest.approx(focal, rel=1e-12)
    assert w.terms[2] == pytest.approx(-(0.4**2) * log(0.6), rel=1e-12)
    assert w.verdict == DOCUMENT_WRONG
    # Its own products give 0.259, not its 1.486; and focal never exceeds cross-entropy.
    own = -(0.04 * -0.223 + 0.64 * -1.609 + 0.16 * -0.916 + 0.01 * -2.303 + 0.81 * -0.105) / 5
    assert own == pytest.approx(1.29332 / 5)
    assert w.computed < worked("spam-bce").computed


def test_noisy_line_scores_the_least_squares_line():
    x = np.arange(-10, 11)  # the document's x_train
    eps = np.random.default_rng(0).normal(0.0, 1.0, size=21)  # lossctl's fixed seed
    y = 2 * x + 3 + eps
    # The least-squares line from the normal equations [x 1]^T [x 1] (w, b) = [x 1]^T y.
    design = np.column_stack([x, np.ones(21)])
    (w, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    fitted_mse = math.fsum((w * xi + b - yi) ** 2 for xi, yi in zip(x, y, strict=True)) / 21
    example = worked("noisy-line-mse")
    assert example.y_true.tolist() == y.tolist()
    assert example.y_pred == pytest.approx(w * x + b, rel=1e-13, abs=1e-13)
    assert example.computed == pytest.approx(fitted_mse, rel=1e-12)
    assert example.computed == pytest.approx(0.6698257, abs=5e-8)  # the value the issue derived
    assert example.verdict == NO_DOCUMENTED_VALUE
    # The true line's residuals are the noise itself: MSE = (eps_1^2 + ... + eps_21^2) / 21.
    true_mse = math.fsum(e * e for e in eps) / 21
    assert true_mse == pytest.approx(0.7222569, abs=5e-8)
    assert f"The true line 2x + 3 scores {true_mse:.7g}" in example.remarks[2]
    assert example.computed <= true_mse


def test_noisy_line_keras_training_reaches_the_least_squares_line():
    # Keras compile(optimizer='sgd') is plain SGD at 0.01; fit's default batch of 32 holds all 21
    # points, so each of the 1000 epochs is one gradient step on the MSE from Dense(1)'s start
    # (glorot-uniform w, zero b; any start converges the same).
    x, y, _ = noisy_line()
    w, b = 0.5, 0.0
    for _ in range(1000):
        r = w * x + b - y
        w, b = w - 0.01 * 2 * np.mean(r * x), b - 0.01 * 2 * np.mean(r)
    slope, intercept = least_squares_line(x, y)
    assert (w, b) == pytest.approx((slope, intercept), abs=1e-7)
    assert np.mean((w * x + b - y) ** 2) == pytest.approx(worked("noisy-line-mse").computed, rel=1e-9)


def test_noisy_line_expectations_by_simulation():
    # E[fitted MSE] = sigma^2 (n - 2)/n = 19/21 and E[true-line MSE] = sigma^2 = 1. Each simulated
    # mean over 20000 draws has a standard error below sqrt(2/21)/sqrt(20000) = 0.0022 (the
    # variance of a chi-square(k)/21 is 2k/21^2 <= 2/21); 5 standard errors is 0.011.
    rng = np.random.default_rng(7)
    x = np.arange(-10, 11).astype(float)
    eps = rng.normal(0.0, 1.0, size=(20000, 21))
    slopes = eps @ x / (x @ x)  # mean x = 0: the slope's error is sum x eps / sum x^2
    intercepts = eps.mean(axis=1)
    fitted = ((eps - slopes[:, None] * x - intercepts[:, None]) ** 2).mean(axis=1)
    assert fitted.mean() == pytest.approx(19 / 21, abs=0.011)
    assert (eps**2).mean(axis=1).mean() == pytest.approx(1.0, abs=0.011)
    assert "sigma^2 (n - 2)/n = 0.9048" in worked("noisy-line-mse").remarks[2]


def test_house_prices_huber_by_hand():
    # |e| = 10000, 5000, 15000, 10000, 5000, all beyond delta = 1: delta (|e| - delta/2) each.
    terms = [10000 - 0.5, 5000 - 0.5, 15000 - 0.5, 10000 - 0.5, 5000 - 0.5]
    example = worked("house-prices-huber")
    assert example.terms.tolist() == terms
    assert example.computed == 8999.5 == 45000 / 5 - 0.5  # the MAE minus delta/2
    # At delta = 10000 (the median |e|) four errors are quadratic, e^2/2: 5e7, 1.25e7, 5e7, 1.25e7,
    # and 15000 is linear, 10000 (15000 - 5000) = 1e8: (5e7 + 1.25e7 + 1e8 + 5e7 + 1.25e7) / 5 = 4.5e7.
    assert "delta = median |e| = 10000: huber:delta=10000 = 45000000 (4 of 5 errors quadratic)" in example.steps()
    assert "beside it: mae = 9000, mse / 2 = 47500000" in example.steps()


def test_spam_zero_one_by_hand():
    # p > 0.5 predicts spam: 0.8, 0.6, 0.9 -> 1 (labels 1, 1, 1), 0.2, 0.1 -> 0 (labels 0, 0).
    example = worked("spam-zero-one")
    assert example.terms.tolist() == [0.0] * 5
    assert example.computed == 0.0
    assert "beside it: bce = 0.233567" in example.steps()


def test_house_prices_pseudo_huber_by_hand():
    # delta^2 (sqrt(1 + (e/delta)^2) - 1) with delta = 10000 and e = 1, 0.5, 1.5, 1, 0.5 deltas.
    unit = [math.sqrt(2) - 1, math.sqrt(1.25) - 1, math.sqrt(3.25) - 1, math.sqrt(2) - 1, math.sqrt(1.25) - 1]
    expected = 1e8 * math.fsum(unit) / 5
    example = worked("house-prices-pseudo-huber")
    assert example.terms == pytest.approx([1e8 * u for u in unit], rel=1e-14)
    assert example.computed == pytest.approx(expected, rel=1e-14)
    assert example.computed < 45000000.0  # below huber:delta=10000 on the same errors (steps of house-prices-huber)


def test_distillation_by_hand():
    # T^2 sum_c q_c log(q_c / p_c), q and p softmaxes of the logits over T = 4, by plain Python.
    example = worked("distillation-kl")

    def softmax(row):
        exps = [math.exp(v / 4.0) for v in row]
        return [e / sum(exps) for e in exps]

    terms = []
    for t, s in zip(example.y_true.tolist(), example.y_pred.tolist(), strict=True):
        q, p = softmax(t), softmax(s)
        terms.append(16.0 * sum(a * math.log(a / b) for a, b in zip(q, p, strict=True)))
    assert example.terms == pytest.approx(terms, rel=1e-12)
    assert example.computed == pytest.approx(sum(terms) / 4, rel=1e-12)


def test_search_ranking_by_hand():
    # -sum_i r_i log(exp(s_i) / sum_j exp(s_j)) per query, by plain Python; mean over queries.
    example = worked("search-ranking-softmax")
    terms = []
    for r, s in zip(example.y_true.tolist(), example.y_pred.tolist(), strict=True):
        total = sum(math.exp(v) for v in s)
        terms.append(-sum(ri * math.log(math.exp(si) / total) for ri, si in zip(r, s, strict=True)))
    assert example.terms == pytest.approx(terms, rel=1e-13)
    assert example.computed == pytest.approx(sum(terms) / 3, rel=1e-13)
    shifted = worked("search-ranking-softmax").y_pred + 7.0  # the remark: a shift changes nothing
    assert lossctl.compute("ranking-softmax", example.y_true, shifted) == pytest.approx(example.computed, rel=1e-13)


def test_training_log_is_read_against_ln_10():
    example = worked("mnist-training-log")
    # Ten rows of zero logits: softmax is 1/10 everywhere, so every term is -log(1/10) = ln 10.
    assert example.terms == pytest.approx([log(10)] * 10, rel=1e-15)
    assert example.computed == pytest.approx(log(10), rel=1e-15)
    assert example.verdict == IMPLAUSIBLE  # 2.383 > 2.303
    assert "  [1, 100] loss: 2.383   <- above it" in example.steps()
    assert "  [1, 200] loss: 1.979" in example.steps()


def test_medical_loss_by_hand():
    # Mean BCE of the ten patients: log p for the four positives, log(1 - p) for the six negatives ...
    positives = log(0.92) + log(0.65) + log(0.45) + log(0.3)
    negatives = log(1 - 0.4) + log(1 - 0.1) + log(1 - 0.05) + log(1 - 0.2) + log(1 - 0.55) + log(1 - 0.15)
    bce = -(positives + negatives) / 10
    # ... plus 5 per missed positive (y = 1, p < 0.5): p = 0.45 and p = 0.3.
    penalty = 5 * 2
    w = worked("medical-cost-sensitive-bce")
    assert w.computed == pytest.approx(bce + penalty, rel=1e-14)
    assert w.computed == pytest.approx(10.4368294636, abs=1e-10)
    assert w.terms[2] == pytest.approx(-log(0.45) + 5, rel=1e-14)
    assert w.terms[1] == pytest.approx(-log(0.65), rel=1e-14)
    assert w.verdict == NO_DOCUMENTED_VALUE


def test_regularization_by_hand():
    # lambda1 * (|0.5| + |-1.2| + |0| + |2| + |-0.3| + |0.8|) + lambda2 * (0.25 + 1.44 + 0 + 4 + 0.09 + 0.64)
    value = 0.01 * 4.8 + 0.001 * 6.42  # = 0.048 + 0.00642
    w = worked("regularization-elastic-net")
    assert w.computed == pytest.approx(0.05442, rel=1e-14)
    assert w.computed == pytest.approx(value, rel=1e-14)
    assert w.terms[1] == pytest.approx(0.01 * 1.2 + 0.001 * 1.44, rel=1e-14)
    assert w.verdict == NO_DOCUMENTED_VALUE


def test_every_verdict():
    verdicts = {w.id: w.verdict for w in work_all()}
    assert verdicts == {
        "house-prices-mse": MATCH,
        "spam-bce": DOCUMENT_WRONG,
        "spam-focal": DOCUMENT_WRONG,
        "house-prices-huber": NO_DOCUMENTED_VALUE,
        "spam-zero-one": NO_DOCUMENTED_VALUE,
        "house-prices-pseudo-huber": NO_DOCUMENTED_VALUE,
        "distillation-kl": NO_DOCUMENTED_VALUE,
        "search-ranking-softmax": NO_DOCUMENTED_VALUE,
        "noisy-line-mse": NO_DOCUMENTED_VALUE,
        "mnist-training-log": IMPLAUSIBLE,
        "medical-cost-sensitive-bce": NO_DOCUMENTED_VALUE,
        "regularization-elastic-net": NO_DOCUMENTED_VALUE,
    }


@pytest.mark.parametrize(
    ("documented", "computed", "decimals", "verdict"),
    [
        (1.031, 1.0312, 3, MATCH),
        (1.031, 1.03149, 3, MATCH),
        (1.031, 1.0316, 3, DOCUMENT_WRONG),
        (1.031, 0.2336, 3, DOCUMENT_WRONG),
        (95000000.0, 95000000.4, 0, MATCH),
        (95000000.0, 95000001.0, 0, DOCUMENT_WRONG),
        (None, 0.5, None, NO_DOCUMENTED_VALUE),
    ],
)
def test_judge_rounds_to_the_documents_precision(documented, computed, decimals, verdict):
    assert judge(documented, computed, decimals) == verdict


@pytest.mark.parametrize(
    ("documented", "computed", "verdict"),
    [
        (2.383, 2.302585, IMPLAUSIBLE),
        (2.303, 2.302585, PLAUSIBLE),
        (2.3034, 2.302585, PLAUSIBLE),
        (1.9, 2.3, PLAUSIBLE),
    ],
)
def test_judge_a_ceiling_at_the_documents_precision(documented, computed, verdict):
    assert judge(documented, computed, 3, ceiling=True) == verdict


def test_judge_needs_the_precision_of_a_documented_value():
    with pytest.raises(ValueError, match="decimals"):
        judge(1.0, 1.0, None)


def test_explanations_name_the_slips():
    bce = worked("spam-bce").explanation
    for slip in ("-1.609 = log(0.2)", "log(0.4) = -0.916", "log(0.1) = -2.303", "-5.156", "0.234"):
        assert slip in bce
    focal = worked("spam-focal").explanation
    for slip in ("p_t", "(1 - 0.2)^2 log(0.2)", "(1 - 0.1)^2 log(0.1)", "0.0203", "1.486", "0.259"):
        assert slip in focal
    assert worked("house-prices-mse").explanation == (
        "lossctl's 95000000 rounds to the documented 95000000 at 0 decimals; each of its 5 terms agrees too."
    )


def _term_rows(steps: list[str], n: int) -> list[str]:
    start = next(i for i, line in enumerate(steps) if line.startswith("i  lossctl"))
    return steps[start + 1 : start + 1 + n]


def test_steps_mark_the_terms_the_document_got_wrong():
    rows = _term_rows(worked("spam-bce").steps(), 5)
    assert [DIFFERS in row for row in rows] == [False, True, True, True, False]
    assert "log(1 - 0.2) = log(0.8) = -0.223144" in rows[1]
    assert "log(0.8) = -1.609" in rows[1]
    focal = _term_rows(worked("spam-focal").steps(), 5)
    assert [DIFFERS in row for row in focal] == [False, True, True, True, True]
    house = worked("house-prices-mse").steps()
    assert not any(DIFFERS in line for line in house)


def test_steps_end_with_the_sum_and_the_value():
    bce = worked("spam-bce").steps()
    assert "sum = -1.16783    document: -5.156" in bce
    assert "L = -(1/5) × (-1.16783) = 0.233567    document: 1.031" in bce
    focal = worked("spam-focal").steps()
    assert "L = -(1/5) × (-0.101691) = 0.0203382    document: 1.486 (its own terms give 0.258664)" in focal
    house = worked("house-prices-mse").steps()
    assert "L = (1/5) × 475000000 = 95000000    document: 95000000" in house
    medical = worked("medical-cost-sensitive-bce").steps()
    assert "penalty = 5 × 2 missed positives = 10  (a count, not a mean)" in medical
    assert "L = 0.436829 + 10 = 10.4368" in medical
    assert "L = sum = 0.05442" in worked("regularization-elastic-net").steps()


def test_steps_show_the_data():
    steps = worked("noisy-line-mse").steps()
    assert "i   x    line  y_true     y_pred" in steps
    assert any(line.startswith("21  10   23    ") for line in steps)


def test_documented_values_are_the_documents(seed_text):
    for w in work_all():
        if w.ceiling:  # a logged loss: each line of the log as the document prints it
            assert all(line in seed_text(w.source) for line in w.documented_expressions), w.id
        elif w.documented is not None:
            assert f"= {w.documented:.{w.tolerance}f}" in seed_text(w.source), w.id
