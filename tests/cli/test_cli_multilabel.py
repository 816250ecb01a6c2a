"""Multi-label files through ``lossctl compute`` and ``compare``: a 0/1 label column per label
and a score column per label, found by name, named by globs, detected from the values or said
with ``--task multilabel``. Expected values by hand, or from scikit-learn.

ml.csv: labels [1,0,1], [0,1,1], [0,0,0], [1,1,1] and probabilities [0.9,0.2,0.6],
[0.3,0.7,0.4], [0.1,0.4,0.8], [0.6,0.5,0.3]; at threshold 0.5 the predictions are [1,0,1],
[0,1,0], [0,0,1], [1,0,0]: 0, 1, 1 and 2 labels wrong out of 3.
"""

from __future__ import annotations

import math

import pytest
from sklearn import metrics

from .conftest import document, failed, ok, write

ML_CSV = "y_0,y_1,y_2,p_0,p_1,p_2\n1,0,1,0.9,0.2,0.6\n0,1,1,0.3,0.7,0.4\n0,0,0,0.1,0.4,0.8\n1,1,1,0.6,0.5,0.3\n"
Y = [[1, 0, 1], [0, 1, 1], [0, 0, 0], [1, 1, 1]]
P = [[0.9, 0.2, 0.6], [0.3, 0.7, 0.4], [0.1, 0.4, 0.8], [0.6, 0.5, 0.3]]
GLOBS = ["--y-true", "y_*", "--y-pred", "p_*"]


@pytest.fixture
def ml(tmp_path):
    write(tmp_path / "ml.csv", ML_CSV)
    # The same file with names lossctl finds on its own: label_* and prob_*.
    write(tmp_path / "named.csv", ML_CSV.replace("y_", "label_").replace("p_", "prob_"))
    return tmp_path


def test_compute_multilabel_losses_on_a_csv(run, ml):
    losses = ["-l", "hamming", "-l", "dice:epsilon=0", "-l", "multilabel-bce"]
    doc = document(run("compute", *losses, "ml.csv", *GLOBS, "--format", "json"))
    got = values_of(doc)
    assert doc["inputs"][0]["task"] == "multilabel"
    assert got["hamming"] == pytest.approx((0 + 1 + 1 + 2) / 12, rel=1e-15)
    # TP = 0.9+0.6 + 0.7+0.4 + 0 + 0.6+0.5+0.3 = 4.0, T = 7, P = 1.7+1.4+1.3+1.4 = 5.8: 1 - 8 / 12.8
    assert got["dice"] == pytest.approx(1 - 8 / 12.8, rel=1e-14)
    bce = -sum(
        math.log(p) if y else math.log1p(-p)
        for row_y, row_p in zip(Y, P, strict=True)
        for y, p in zip(row_y, row_p, strict=True)
    )
    assert got["multilabel-bce"] == pytest.approx(bce / 12, rel=1e-14)


def test_the_task_is_detected_from_the_names_and_values(run, ml):
    doc = document(run("compare", "named.csv", "--format", "json"))
    assert doc["inputs"][0]["task"] == "multilabel"
    assert doc["inputs"][0]["roles"] == {
        "y_pred": ["prob_0", "prob_1", "prob_2"],
        "y_true": ["label_0", "label_1", "label_2"],
    }
    assert {r["loss"] for r in doc["results"]} == {"hamming", "multilabel-bce", "multilabel-margin", "dice", "jaccard"}
    assert values_of(doc)["hamming"] == pytest.approx(
        metrics.hamming_loss(Y, [[int(p > 0.5) for p in row] for row in P])
    )


def values_of(doc) -> dict[str, float]:
    return {r["loss"]: r["value"] for r in doc["results"]}


def test_one_hot_rows_of_logits_are_multiclass_unless_said(run, tmp_path):
    write(tmp_path / "oh.csv", "label_0,label_1,logit_0,logit_1\n1,0,2,-1\n0,1,-0.5,3\n")
    assert document(run("compare", "oh.csv", "--format", "json"))["inputs"][0]["task"] == "multiclass"
    doc = document(run("compare", "oh.csv", "--task", "multilabel", "--format", "json"))
    assert doc["inputs"][0]["task"] == "multilabel" and doc["inputs"][0]["from_logits"]
    # hamming from logits: a label is present when its logit > 0; both rows right
    assert values_of(doc)["hamming"] == 0.0


def test_dice_over_sample_has_worst_rows_and_global_says_why_not(run, ml):
    result = ok(
        run(
            "compute",
            "-l",
            "dice:over=sample,epsilon=0",
            "-l",
            "dice",
            "ml.csv",
            *GLOBS,
            "--worst",
            "1",
            "--format",
            "json",
        )
    )
    doc = result.json()
    by_spec = {r["spec"]: r for r in doc["results"]}
    # row 3 has no label: 1 - 0 / (0 + 1.3) = 1, the worst
    assert by_spec["dice:over=sample,epsilon=0"]["worst"] == [{"row": 3, "value": 1.0}]
    assert "dice has no per-sample values (a value of the whole sample): no worst rows" in doc["warnings"]


def test_multilabel_margin_of_torch_index_lists(run, tmp_path):
    # PyTorch's docstring: x = [0.1, 0.2, 0.4, 0.8], y = [3, 0, -1, 1]: 0.85
    write(tmp_path / "idx.csv", "t_0,t_1,t_2,t_3,s_0,s_1,s_2,s_3\n3,0,-1,1,0.1,0.2,0.4,0.8\n")
    args = ["--y-true", "t_*", "--y-pred", "s_*", "--format", "json"]
    doc = document(run("compute", "-l", "multilabel-margin:targets=indices", "idx.csv", *args))
    assert values_of(doc)["multilabel-margin"] == pytest.approx(0.85, rel=1e-15)


def test_a_label_outside_0_1_names_its_row(run, tmp_path):
    write(tmp_path / "bad.csv", "label_0,label_1,prob_0,prob_1\n1,0,0.5,0.5\n0,2,0.5,0.5\n")
    failed(
        run("compute", "-l", "multilabel-bce", "bad.csv", "--task", "multilabel"), "label 2 is not in [0, 1]", "row 2"
    )


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("hamming", "hamming_loss"),
        ("multilabel-bce", "BCEWithLogitsLoss"),
        ("multilabel-soft-margin", "MultiLabelSoftMarginLoss"),
        ("multilabel-margin", "targets=indices"),
        ("dice", "over=sample is Keras with axis=-1"),
        ("tversky", "alpha weighs false positives"),
        ("jaccard", "T + P - TP"),
    ],
)
def test_explain_every_multilabel_loss(run, name, says):
    result = ok(run("explain", name))
    assert result.stdout.startswith(f"{name}: ") and "task: multilabel" in result.stdout
    assert says in result.stdout and result.stderr == ""
