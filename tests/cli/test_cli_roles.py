"""Columns found by the names pandas and scikit-learn users give them (``predicted``,
``proba``, ``y_prob``, ``pred_proba``, ...), and two candidates for one role still refused."""

from __future__ import annotations

import pytest

from .conftest import document, failed, write


@pytest.mark.parametrize("label", ["y_true", "target", "actual", "y", "truth", "true_label", "gt"])
@pytest.mark.parametrize("prediction", ["predicted", "proba", "y_prob", "y_proba", "pred_proba", "probability"])
def test_common_names_are_found(run, tmp_path, label, prediction):
    # bce of p = 0.8 for y = 1 and p = 0.25 for y = 0: -(log 0.8 + log 0.75) / 2, by hand.
    write(tmp_path / "p.csv", f"{label},{prediction}\n1,0.8\n0,0.25\n")
    doc = document(run("compute", "-l", "bce", "--format", "json", "p.csv"))
    assert doc["inputs"][0]["roles"] == {"y_true": [label], "y_pred": [prediction]}
    assert doc["results"][0]["value"] == pytest.approx(0.2554128118829953, rel=1e-15)


def test_two_prediction_candidates_are_an_error_naming_both(run, tmp_path):
    write(tmp_path / "p.csv", "y_true,predicted,proba\n1,0.8,0.7\n0,0.25,0.2\n")
    failed(run("compute", "-l", "bce", "p.csv"), "predicted", "proba", "--y-pred")


def test_a_named_column_settles_the_ambiguity(run, tmp_path):
    write(tmp_path / "p.csv", "y_true,predicted,proba\n1,0.8,0.7\n0,0.25,0.2\n")
    doc = document(run("compute", "-l", "bce", "--y-pred", "proba", "--format", "json", "p.csv"))
    assert doc["inputs"][0]["roles"]["y_pred"] == ["proba"]
