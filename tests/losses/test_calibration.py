"""Calibration scores: ece, mce, rmsce and the Brier score's decomposition.

torchmetrics' values come from ``tests/reference/calibration_fixtures.json`` (made by
``tests/reference/make_calibration_fixtures.py``: the tests need no torch); the rest is checked
against direct NumPy computations, a hand-worked example and the decomposition identity."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

import lossctl
from lossctl.engine.task import Task, default_losses
from lossctl.losses import Batch, InputDomainError, LossError, ParameterError, resolve
from lossctl.losses.binning import equal_width_index

from ._support import assert_close, merged_in_parts, rng_for, spill_small_runs

FIXTURES = json.loads((Path(__file__).parents[1] / "reference" / "calibration_fixtures.json").read_text())
NAMES = ("ece", "mce", "rmsce", "brier-reliability", "brier-resolution", "brier-uncertainty")
MEANS = ("ece", "mce", "rmsce")  # classwise: the mean over the classes; the Brier parts sum


def reference(conf, outcome, w, bins: int, mass: bool) -> dict[str, float]:
    """Every score of one binary problem, by NumPy: bins by the floats nearest k/B, a value at
    an edge in the bin above it (the last closed), or by the edges of
    ``np.quantile(method="inverted_cdf")``, a value at an edge in the bin below it."""
    w = np.ones(len(conf)) if w is None else w
    if mass:
        edges = np.quantile(conf, np.arange(1, bins) / bins, method="inverted_cdf", weights=w)
        ids = np.searchsorted(edges, conf)
    else:
        ids = np.array([min(sum(c >= k / bins for k in range(1, bins)), bins - 1) for c in conf.tolist()])
    weight = np.bincount(ids, weights=w, minlength=bins)
    keep = weight > 0
    confidence = np.bincount(ids, weights=w * conf, minlength=bins)[keep] / weight[keep]
    accuracy = np.bincount(ids, weights=w * outcome, minlength=bins)[keep] / weight[keep]
    share, gap, base = weight[keep] / w.sum(), accuracy - confidence, np.sum(w * outcome) / w.sum()
    forecast = np.zeros(bins)
    forecast[keep] = confidence
    return {
        "ece": np.sum(share * np.abs(gap)),
        "mce": np.max(np.abs(gap)),
        "rmsce": math.sqrt(np.sum(share * gap**2)),
        "brier-reliability": np.sum(share * gap**2),
        "brier-resolution": np.sum(share * (accuracy - base) ** 2),
        "brier-uncertainty": base * (1 - base),
        "binned-brier": np.sum(w * (forecast[ids] - outcome) ** 2) / w.sum(),
    }


def classwise_reference(p, y, w, bins: int, mass: bool) -> dict[str, float]:
    per_class = [reference(p[:, k], (y == k) * 1.0, w, bins, mass) for k in range(p.shape[1])]
    return {name: (np.mean if name in MEANS else np.sum)([r[name] for r in per_class]) for name in per_class[0]}


def binary_data(key, n: int = 600):
    rng = rng_for("calibration", key)
    p = rng.uniform(0.0005, 0.9995, n)
    return (rng.uniform(size=n) < p**1.4) * 1.0, p, rng.uniform(0.1, 3.0, n)


def multiclass_data(key, n: int = 500, classes: int = 4):
    rng = rng_for("calibration", key)
    p = rng.dirichlet(np.full(classes, 0.9), n)
    y = np.array([rng.choice(classes, p=row) for row in p**2 / (p**2).sum(axis=1, keepdims=True)], dtype=float)
    return y, p, rng.uniform(0.1, 3.0, n)


def top_label(p, y):
    predicted = p.argmax(axis=1)
    return p.max(axis=1), (predicted == y) * 1.0


# -- torchmetrics ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", FIXTURES["cases"], ids=lambda c: f"{c['input']}-{c['loss']}-{c['bins']}")
def test_agrees_with_torchmetrics(case):
    data = FIXTURES["inputs"][case["input"]]
    y, p = np.array(data["y_true"], dtype=float), np.array(data["y_pred"])
    got = lossctl.compute(f"{case['loss']}:bins={case['bins']}", y, p, from_logits=data["from_logits"])
    assert_close(got, case["expected"])


def test_torchmetrics_documented_examples():
    # BinaryCalibrationError's docstring: preds [.25, .25, .55, .75, .75], target [0, 0, 1, 1, 1],
    # 2 bins: bin 0 holds .25, .25 (accuracy 0, gap .25, share 2/5); bin 1 .55, .75, .75
    # (confidence 2.05/3, accuracy 1, gap .95/3, share 3/5): l1 .1 + .19 = .29, max .95/3.
    y, p = [0, 0, 1, 1, 1], [0.25, 0.25, 0.55, 0.75, 0.75]
    assert_close(lossctl.compute("ece:bins=2", y, p), 0.29)
    assert_close(lossctl.compute("mce:bins=2", y, p), 0.95 / 3)
    assert_close(lossctl.compute("rmsce:bins=2", y, p), math.sqrt(0.4 * 0.25**2 + 0.6 * (0.95 / 3) ** 2))
    # MulticlassCalibrationError's, 3 bins: top-label confidences .55 (wrong), .55 (wrong),
    # .60 (right) in [1/3, 2/3): gap |1/3 - 1.7/3| = .7/3; .90 (right) in [2/3, 1]: gap .1.
    # l1 = 3/4 * .7/3 + 1/4 * .1 = .2; max = .7/3; l2 = sqrt(3/4 (.7/3)^2 + 1/4 .01) = .2082.
    p3 = [[0.25, 0.20, 0.55], [0.55, 0.05, 0.40], [0.10, 0.30, 0.60], [0.90, 0.05, 0.05]]
    y3 = [0, 1, 2, 0]
    assert_close(lossctl.compute("ece:bins=3", y3, p3), 0.2)
    assert_close(lossctl.compute("mce:bins=3", y3, p3), 0.7 / 3)
    assert_close(lossctl.compute("rmsce:bins=3", y3, p3), math.sqrt(0.75 * (0.7 / 3) ** 2 + 0.25 * 0.01))


def test_top_label_ties_go_to_the_lowest_class():
    # Both rows predict class 0 (0.4 ties with class 1), and both are class 0: accuracy 1,
    # confidence .4, ece .6 (ties to the highest class would make both wrong: ece .4).
    assert_close(lossctl.compute("ece", [0, 0], [[0.4, 0.4, 0.2], [0.4, 0.4, 0.2]]), 0.6)


def test_a_confidence_of_one_is_in_the_last_bin():
    # [14/15, 1] holds both: confidence .975, accuracy .5, gap .475 for ece and mce alike.
    # (torchmetrics 1.9 puts 1.0 in an extra bin: ece .5 * .05 + .5 * 1 = .525, mce 1.)
    for name in ("ece", "mce"):
        assert_close(lossctl.compute(name, [1, 0], [0.95, 1.0]), 0.475)


# -- by hand --------------------------------------------------------------------------------------

HAND_Y, HAND_P = [0, 1, 0, 1, 1, 0], [0.1, 0.3, 0.4, 0.6, 0.8, 0.9]


def test_six_samples_in_two_bins_by_hand():
    # Bin [0, .5): .1, .3, .4, labels 0, 1, 0: confidence .8/3, accuracy 1/3, gap .2/3.
    # Bin [.5, 1]: .6, .8, .9, labels 1, 1, 0: confidence 2.3/3, accuracy 2/3, gap .3/3 = .1.
    # Each bin holds half: ece = (.2/3 + .1) / 2 = 1/12; mce = .1;
    # rmsce^2 = ((.2/3)^2 + .1^2) / 2 = (4/900 + 9/900) / 2 = 13/1800 = brier-reliability.
    # The base rate is 1/2: uncertainty 1/4; resolution ((1/3 - 1/2)^2 + (2/3 - 1/2)^2) / 2 = 1/36.
    # The binned Brier score: bin 0 errs .8/3 twice and 2.2/3 once, bin 1 .7/3 twice and 2.3/3
    # once: (2 * .64 + 4.84 + 2 * .49 + 5.29) / 9 / 6 = 12.39 / 54; and
    # 13/1800 - 1/36 + 1/4 = (13 - 50 + 450) / 1800 = 413/1800 = 12.39/54.
    expected = {
        "ece": 1 / 12,
        "mce": 0.1,
        "rmsce": math.sqrt(13 / 1800),
        "brier-reliability": 13 / 1800,
        "brier-resolution": 1 / 36,
        "brier-uncertainty": 0.25,
    }
    for name, value in expected.items():
        loss = name if name == "brier-uncertainty" else f"{name}:bins=2"
        assert_close(lossctl.compute(loss, HAND_Y, HAND_P), value)
    assert_close(13 / 1800 - 1 / 36 + 1 / 4, 12.39 / 54)
    # Two equal-mass bins: the edge is the 3rd smallest confidence, .4: the same bins.
    assert_close(lossctl.compute("ece:bins=2,binning=equal-mass", HAND_Y, HAND_P), 1 / 12)


def test_reliability_bins_of_the_hand_example():
    state = resolve("ece:bins=2").state()
    state.update(Batch({"y_true": HAND_Y, "y_pred": HAND_P}))
    rows = state.bins()
    assert [(r["low"], r["high"], r["count"]) for r in rows] == [(0.0, 0.5, 3.0), (0.5, 1.0, 3.0)]
    assert_close([r["confidence"] for r in rows], [0.8 / 3, 2.3 / 3])
    assert_close([r["accuracy"] for r in rows], [1 / 3, 2 / 3])
    mass = resolve("ece:bins=2,binning=equal-mass").state()
    mass.update(Batch({"y_true": HAND_Y, "y_pred": HAND_P}))
    assert [(r["low"], r["high"]) for r in mass.bins()] == [(0.1, 0.4), (0.4, 0.9)]
    classwise = resolve("ece:bins=2,multiclass=classwise").state()
    classwise.update(Batch({"y_true": [0, 1, 2, 0], "y_pred": np.eye(3)[[0, 1, 2, 1]]}))
    assert {r["class"] for r in classwise.bins()} == {0, 1, 2}


# -- against NumPy ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mass", [False, True], ids=["equal-width", "equal-mass"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("bins", [1, 7, 15])
def test_binary_against_numpy(mass, weighted, bins):
    y, p, w = binary_data(("binary", bins))
    w = w if weighted else None
    expected = reference(p, y, w, bins, mass)
    binning = "equal-mass" if mass else "equal-width"
    for name in NAMES:
        loss = name if name == "brier-uncertainty" else f"{name}:bins={bins},binning={binning}"
        assert_close(lossctl.compute(loss, y, p, sample_weight=w), expected[name], atol=1e-15)


@pytest.mark.parametrize("mass", [False, True], ids=["equal-width", "equal-mass"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_multiclass_top_label_and_classwise_against_numpy(mass, weighted):
    y, p, w = multiclass_data(("multiclass", mass, weighted))
    w = w if weighted else None
    binning = "equal-mass" if mass else "equal-width"
    top = reference(*top_label(p, y), w, 10, mass)
    classwise = classwise_reference(p, y, w, 10, mass)
    for name in NAMES:
        params = "" if name == "brier-uncertainty" else f"bins=10,binning={binning},"
        for mode, expected in (("top-label", top), ("classwise", classwise)):
            got = lossctl.compute(f"{name}:{params}multiclass={mode}", y, p, sample_weight=w)
            assert_close(got, expected[name], atol=1e-15)


@pytest.mark.parametrize("mass", [False, True], ids=["equal-width", "equal-mass"])
@pytest.mark.parametrize("task", ["binary", "top-label", "classwise"])
def test_the_brier_decomposition_adds_up_to_the_binned_brier_score(task, mass):
    # REL - RES + UNC = (1/W) sum_i w_i (conf of i's bin - o_i)^2, for outcomes in {0, 1}.
    if task == "binary":
        y, p, w = binary_data(("decomposition", mass))
        binned = reference(p, y, w, 12, mass)["binned-brier"]
    elif task == "top-label":
        y, p, w = multiclass_data(("decomposition", task, mass))
        binned = reference(*top_label(p, y), w, 12, mass)["binned-brier"]
    else:
        y, p, w = multiclass_data(("decomposition", task, mass))
        binned = classwise_reference(p, y, w, 12, mass)["binned-brier"]
    mode = "classwise" if task == "classwise" else "top-label"
    params = f"bins=12,binning={'equal-mass' if mass else 'equal-width'},multiclass={mode}"
    rel, res = (
        lossctl.compute(f"brier-{part}:{params}", y, p, sample_weight=w) for part in ("reliability", "resolution")
    )
    unc = lossctl.compute(f"brier-uncertainty:multiclass={mode}", y, p, sample_weight=w)
    assert abs(rel - res + unc - binned) <= 1e-12
    if task != "classwise":
        assert_close(rel, lossctl.compute(f"rmsce:{params}", y, p, sample_weight=w) ** 2)


def test_ece_rmsce_mce_in_order():
    for key in range(5):
        y, p, w = binary_data(("order", key), n=200)
        ece, mce, rmsce = (lossctl.compute(f"{name}:bins=8", y, p, sample_weight=w) for name in MEANS)
        assert 0 <= ece <= rmsce <= mce <= 1


def test_logits_give_the_same_scores_as_their_probabilities():
    rng = rng_for("calibration", "logits")
    z, labels = rng.normal(0.0, 3.0, 300), rng.integers(0, 2, 300)
    sigmoid = np.exp(-np.logaddexp(0.0, -z))
    zs, classes = rng.normal(0.0, 2.0, (300, 4)), rng.integers(0, 4, 300)
    softmax = np.exp(zs - np.logaddexp.reduce(zs, axis=1, keepdims=True))
    for name in NAMES:
        for params in ("", ":multiclass=classwise", ":binning=equal-mass"):
            loss = name if name == "brier-uncertainty" and "binning" in params else name + params
            assert_close(lossctl.compute(loss, labels, z, from_logits=True), lossctl.compute(loss, labels, sigmoid))
            assert_close(lossctl.compute(loss, classes, zs, from_logits=True), lossctl.compute(loss, classes, softmax))


def test_integer_weights_equal_repeated_rows_with_equal_mass_bins():
    y, p, _ = binary_data("repeated", n=300)
    counts = rng_for("calibration", "counts").integers(0, 4, 300).astype(float)
    rows = np.repeat(np.arange(300), counts.astype(int))
    for name in NAMES[:5]:
        loss = f"{name}:bins=9,binning=equal-mass"
        assert lossctl.compute(loss, y, p, sample_weight=counts) == lossctl.compute(loss, y[rows], p[rows])


# -- streaming ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "bins", "mass", "classwise"),
    [
        ("ece", 20, True, False),
        ("rmsce", 15, True, True),
        ("mce", 30, False, False),
        ("brier-resolution", 15, True, False),
        ("brier-reliability", 7, False, True),
    ],
)
def test_streamed_through_spilled_runs_and_pickled_parts_bit_for_bit(name, bins, mass, classwise, monkeypatch):
    # Runs of 64 values: the confidences of 4,000 rows spill to files; four parts, two of them
    # sent through pickle as a Dask worker's would be, merged in a scrambled order.
    spill_small_runs(monkeypatch)
    y, p, _ = multiclass_data("stream", n=4000, classes=3)
    p = np.round(p, 2) / np.round(p, 2).sum(axis=1, keepdims=True)  # ties in the confidences
    w = rng_for("calibration", "stream weights").integers(0, 4, 4000).astype(float)
    binning, mode = "equal-mass" if mass else "equal-width", "classwise" if classwise else "top-label"
    loss = resolve(f"{name}:bins={bins},binning={binning},multiclass={mode}")
    whole = loss.evaluate(Batch({"y_true": y, "y_pred": p, "sample_weight": w}))
    merged = merged_in_parts(loss, {"y_true": y, "y_pred": p, "sample_weight": w}, [700, 1900, 2600])
    assert merged.result() == whole
    expected = classwise_reference(p, y, w, bins, mass) if classwise else reference(*top_label(p, y), w, bins, mass)
    assert_close(whole, expected[name])


# -- errors and parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loss", "message"),
    [
        ("ece:bins=0", "bins=0 is outside its domain [1, 1e+06]"),
        ("ece:bins=2.5", "bins must be a whole number"),
        ("mce:binning=foo", "binning must be one of equal-width, equal-mass, not 'foo'"),
        ("rmsce:multiclass=classwize", "did you mean 'classwise'?"),
        ("brier-uncertainty:bins=10", "takes no parameter 'bins'"),
    ],
)
def test_invalid_parameters_are_refused(loss, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        resolve(loss)


def test_parameters_are_written_as_in_the_expression_syntax():
    loss = resolve("ece:bins=10,binning=equal-mass")
    assert (loss.params["bins"], loss.params["binning"]) == (10, "equal-mass")
    assert loss.label == "ece:bins=10,binning=equal-mass"
    assert resolve("ece", {"binning": "Equal_Mass", "bins": "4"}).params["binning"] == "equal-mass"


def test_input_errors():
    with pytest.raises(InputDomainError, match=r"label 0.5 is not in \{0, 1\}"):
        lossctl.compute("ece", [0.5, 1.0], [0.2, 0.7])
    with pytest.raises(InputDomainError, match="one class label per sample"):
        lossctl.compute("ece", np.eye(3), np.full((3, 3), 1 / 3))
    with pytest.raises(LossError, match="the sample weights sum to zero"):
        lossctl.compute("ece:binning=equal-mass", [0, 1], [0.2, 0.7], sample_weight=[0.0, 0.0])
    with pytest.raises(LossError, match="no samples"):
        resolve("mce").state().result()


def test_named_only_never_by_default():
    for task in ("binary", "multiclass"):
        assert not set(default_losses(Task(task))) & set(NAMES)


# -- the command line -----------------------------------------------------------------------------


def test_compute_on_the_command_line(invoke, tmp_path):
    data = tmp_path / "six.csv"
    data.write_text("y_true,y_pred\n" + "".join(f"{y},{p}\n" for y, p in zip(HAND_Y, HAND_P, strict=True)))
    ran = invoke("compute", "-l", "ece", "--task", "binary", data, "--format", "json")
    assert ran.exit_code == 0, ran.stderr
    result = ran.json()["results"][0]
    assert (result["loss"], result["params"]["bins"], result["n"]) == ("ece", 15, 6)
    assert result["value"] == lossctl.compute("ece", HAND_Y, HAND_P)
    table = invoke("compute", "-l", "ece:bins=2", "--task", "binary", data)
    assert table.exit_code == 0 and "│ ece:bins=2 │ 0.0833333 │ 6 │" in table.stdout
    explained = invoke("explain", "ece").stdout
    assert "  binning = equal-width  in {equal-width, equal-mass}: " in explained


def test_decimal_probabilities_fall_in_the_bin_they_open():
    # 0.3 is the float just below 3/10, and linspace(0, 1, 11)[3] is 0.30000000000000004: a
    # linspace edge would put 0.3 in [0.2, 0.3). The edges are the floats nearest k/10, so each
    # decimal opens its own bin and each bin's mean confidence is its decimal.
    p = np.repeat(np.arange(1, 10) / 10, 4)
    y = (np.arange(len(p)) % 2).astype(float)
    state = resolve("ece:bins=10").state()
    state.update(Batch({"y_true": y, "y_pred": p}))
    bins = state.bins()
    assert [(b["low"], b["confidence"], b["count"]) for b in bins] == [(k / 10, k / 10, 4.0) for k in range(1, 10)]


def test_classwise_equal_mass_bins_of_many_classes_hold_one_buffer_not_one_per_class(monkeypatch):
    # The sizes of the sorted runs an eighth of the real ones (a buffer of 131,072 values, a
    # floor of 4,096 per sample), and the rows with them: the same arithmetic, eight times
    # smaller (reading the runs back for the result takes seconds at the real sizes).
    # 100 classes x 12,500 rows in batches of 1,250: each class's confidences (and hits) are
    # kept in sorted runs. Were each of the 200 samples to buffer a run of up to 131,072
    # values, the 1.25M confidences (10 MB) would all be held; sharing one buffer, each sample
    # spills at 4,096 values: at most 100 x 4,096 x 8 B = 3.3 MB buffered, plus a batch's
    # temporaries (a 1,250 x 100 matrix is 1 MB, a few of them at once). 8 MiB lies between.
    import tracemalloc

    from lossctl.losses import equal_mass, runs

    monkeypatch.setattr(runs, "BUFFER_VALUES", (1 << 20) // 8)
    monkeypatch.setattr(equal_mass, "SHARED_FLOOR", (1 << 15) // 8)
    classes, rows, batch = 100, 12_500, 1_250
    state = resolve("ece:bins=10,binning=equal-mass,multiclass=classwise").state()
    rng = np.random.default_rng(9)
    tracemalloc.start()
    try:
        for _ in range(rows // batch):
            p = rng.dirichlet(np.ones(classes), batch)
            state.update(Batch({"y_true": rng.integers(0, classes, batch), "y_pred": p}))
            del p
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, f"{peak / 2**20:.1f} MiB"
    assert 0.0 <= state.result() <= 1.0


@pytest.mark.parametrize("bins", [1, 2, 3, 7, 10, 15, 49, 100, 1000, 65537])
def test_equal_width_bins_at_and_beside_every_edge(bins):
    # The bin of c is how many of the floats nearest k/B (0 < k < B) c reaches: checked on
    # every edge, the floats either side of it, 0, 1 and random confidences.
    edges = np.arange(1, bins) / bins
    rng = rng_for("equal width", bins)
    c = np.concatenate([edges, np.nextafter(edges, 0.0), np.nextafter(edges, 1.0), [0.0, 5e-324, 1.0], rng.random(999)])
    c = c[(c >= 0.0) & (c <= 1.0)]
    assert np.array_equal(equal_width_index(c, bins), np.searchsorted(edges, c, side="right"))
    assert np.array_equal(equal_width_index(c[:60, None], bins)[:, 0], [sum(x >= e for e in edges) for x in c[:60]])
