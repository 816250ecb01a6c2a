"""Text class labels (``cat``/``dog``) mapped to classes as scikit-learn maps them: sorted,
binary's positive class the last of the two (or ``--pos-label``), a class matrix's columns
matched by their names (``p_cat``) or else in sorted order; ``--classes`` says the order. The
mapping is in the caption and in the JSON; an unknown label is one line naming its row.
scikit-learn's ``log_loss``, which takes text labels itself, is the reference."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.metrics import log_loss

from lossctl.engine.evaluate import evaluate
from lossctl.options.request import build_request

from .conftest import document, failed, ok, write

LABELS = ["no", "yes", "yes", "no", "yes"]
P_YES = [0.2, 0.7, 0.9, 0.4, 0.6]  # the probability of "yes", the last of the two sorted


def binary_csv(tmp_path, labels=LABELS, name="b.csv"):
    rows = "".join(f"{y},{p}\n" for y, p in zip(labels, P_YES, strict=True))
    return write(tmp_path / name, "label,proba\n" + rows)


def test_binary_labels_sorted_positive_last(run, tmp_path):
    binary_csv(tmp_path)
    doc = document(run("compute", "-l", "bce", "--format", "json", "b.csv"))
    assert doc["results"][0]["value"] == pytest.approx(log_loss(LABELS, P_YES), rel=1e-12)
    assert doc["inputs"][0]["classes"] == ["no", "yes"]
    assert doc["inputs"][0]["pos_label"] == "yes"
    assert doc["inputs"][0]["task"] == "binary"


def test_the_mapping_is_in_the_caption(run, tmp_path):
    binary_csv(tmp_path)
    out = ok(run("compute", "-l", "bce", "b.csv")).stdout
    assert "classes of label (sorted): no=0, yes=1" in out
    assert "positive class yes" in out


def test_pos_label_chooses_the_positive_class(run, tmp_path):
    binary_csv(tmp_path)
    doc = document(run("compute", "-l", "bce", "--pos-label", "no", "--format", "json", "b.csv"))
    # the column is then the probability of "no": scikit-learn's log_loss on y == "no"
    expected = log_loss([y == "no" for y in LABELS], P_YES)
    assert doc["results"][0]["value"] == pytest.approx(expected, rel=1e-12)
    assert doc["inputs"][0]["pos_label"] == "no"


def test_a_label_first_seen_late_is_still_mapped_as_sorted(tmp_path):
    """Chunks of 2 rows: the first holds only "yes"; the labels are collected before the pass."""
    labels = ["yes", "yes", "no", "yes", "no"]
    binary_csv(tmp_path, labels)
    evaluation, _ = evaluate(build_request(str(tmp_path / "b.csv"), ["bce"], chunk_rows=2))
    assert evaluation.results[0].value == pytest.approx(log_loss(labels, P_YES), rel=1e-12)


def test_classes_option_gives_the_order(run, tmp_path):
    binary_csv(tmp_path)
    doc = document(run("compute", "-l", "bce", "--classes", "yes,no", "--format", "json", "b.csv"))
    assert doc["results"][0]["value"] == pytest.approx(log_loss([y == "no" for y in LABELS], P_YES), rel=1e-12)
    assert doc["inputs"][0]["classes"] == ["yes", "no"]


def test_a_label_outside_the_classes_names_its_row(run, tmp_path):
    binary_csv(tmp_path, ["no", "yes", "maybe", "no", "yes"])
    failed(run("compute", "-l", "bce", "--classes", "no,yes", "b.csv"), "b.csv, column 'label', row 3", "'maybe'")


def test_three_labels_and_one_prediction_column(run, tmp_path):
    binary_csv(tmp_path, ["no", "yes", "maybe", "no", "yes"])
    failed(run("compute", "-l", "bce", "b.csv"), "3 classes (maybe, no, yes) but one prediction column")


def test_one_label_only_needs_the_positive_class(run, tmp_path):
    binary_csv(tmp_path, ["yes"] * 5)
    failed(run("compute", "-l", "bce", "b.csv"), "one class only (yes)", "--classes")
    failed(run("compute", "-l", "bce", "--pos-label", "yes", "b.csv"), "one class only (yes)", "--classes")
    doc = document(run("compute", "-l", "bce", "--pos-label", "no", "--format", "json", "b.csv"))
    assert doc["inputs"][0]["classes"] == ["yes", "no"]  # the other class is the one seen
    assert doc["results"][0]["value"] == pytest.approx(log_loss([0] * 5, P_YES, labels=[0, 1]), rel=1e-12)
    doc = document(run("compute", "-l", "bce", "--classes", "no,yes", "--format", "json", "b.csv"))
    assert doc["results"][0]["value"] == pytest.approx(log_loss(["yes"] * 5, P_YES, labels=["no", "yes"]), rel=1e-12)


PROBS = {"dog": [0.2, 0.3, 0.5, 0.1], "cat": [0.7, 0.3, 0.25, 0.1], "bird": [0.1, 0.4, 0.25, 0.8]}
ANIMALS = ["cat", "bird", "dog", "bird"]


def test_multiclass_columns_named_by_class(run, tmp_path):
    frame = pd.DataFrame({"label": ANIMALS, **{f"p_{k}": v for k, v in PROBS.items()}})
    frame.to_csv(tmp_path / "m.csv", index=False)
    doc = document(run("compute", "-l", "cross-entropy", "--format", "json", "m.csv"))
    ordered = sorted(PROBS)  # scikit-learn reads the columns in sorted class order
    expected = log_loss(ANIMALS, [[PROBS[k][i] for k in ordered] for i in range(4)], labels=ordered)
    assert doc["results"][0]["value"] == pytest.approx(expected, rel=1e-12)
    assert doc["inputs"][0]["classes"] == ["dog", "cat", "bird"]  # the columns' order
    assert "pos_label" not in doc["inputs"][0]


def test_multiclass_numbered_columns_take_the_sorted_labels(run, tmp_path):
    ordered = sorted(PROBS)  # bird, cat, dog -> prob_0, prob_1, prob_2
    frame = pd.DataFrame({"label": ANIMALS, **{f"prob_{j}": PROBS[k] for j, k in enumerate(ordered)}})
    frame.to_json(tmp_path / "m.json", orient="records")  # a JSON document of text labels too
    doc = document(run("compute", "-l", "cross-entropy", "--format", "json", "m.json"))
    expected = log_loss(ANIMALS, [[PROBS[k][i] for k in ordered] for i in range(4)])
    assert doc["results"][0]["value"] == pytest.approx(expected, rel=1e-12)
    assert doc["inputs"][0]["classes"] == ordered


def test_text_labels_in_a_labels_file_name_that_file(run, tmp_path):
    write(tmp_path / "p.csv", "proba\n" + "".join(f"{p}\n" for p in P_YES))
    write(tmp_path / "l.csv", "label\nno\nyes\nfox\nno\nyes\n")
    failed(
        run("compute", "-l", "bce", "--classes", "no,yes", "--labels", "l.csv", "p.csv"), "l.csv, column 'label', row 3"
    )


def test_parquet_dictionary_labels(run, tmp_path):
    frame = pd.DataFrame({"label": pd.Categorical(LABELS), "proba": P_YES})
    frame.to_parquet(tmp_path / "b.parquet")  # a dictionary-encoded column of text
    doc = document(run("compute", "-l", "bce", "--format", "json", "b.parquet"))
    assert doc["results"][0]["value"] == pytest.approx(log_loss(LABELS, P_YES), rel=1e-12)


def test_classes_on_numeric_labels_is_an_error(run, tmp_path):
    write(tmp_path / "n.csv", "y_true,y_pred\n1,0.5\n0,0.5\n")
    failed(run("compute", "-l", "bce", "--pos-label", "1", "n.csv"), "--pos-label", "holds none")


def test_group_by_text_labels_shows_the_labels(run, tmp_path):
    binary_csv(tmp_path)
    doc = document(run("compute", "-l", "bce", "--group-by", "label", "--format", "json", "b.csv"))
    assert sorted(r["group"] for r in doc["results"] if "group" in r) == ["no", "yes"]


def test_diff_of_two_models_with_text_labels(run, tmp_path):
    binary_csv(tmp_path, name="a.csv")
    p_b = [0.3, 0.8, 0.7, 0.1, 0.5]
    write(tmp_path / "b.csv", "label,proba\n" + "".join(f"{y},{p}\n" for y, p in zip(LABELS, p_b, strict=True)))
    doc = document(run("diff", "-l", "bce", "--format", "json", "a.csv", "b.csv"))
    (result,) = doc["results"]
    assert result["a"] == pytest.approx(log_loss(LABELS, P_YES), rel=1e-12)
    assert result["b"] == pytest.approx(log_loss(LABELS, p_b), rel=1e-12)
