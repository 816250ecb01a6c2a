"""What a run shows of its inputs: labels read as numbers printed as integers in
``--group-by`` (``0``, ``1``, not ``0.0``), and the key, label and prediction of each of the
``--worst`` rows and of every ``--per-sample`` row."""

from __future__ import annotations

import pytest

from .conftest import BINARY_CSV, document, ok, write


def test_group_by_integer_labels_shows_integers(run, tmp_path):
    write(tmp_path / "bin.csv", BINARY_CSV)
    out = ok(run("compare", "-l", "brier", "--group-by", "y_true", "bin.csv")).stdout
    rows = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")]
    assert rows == ["0", "1", "(all)"]


def test_group_by_integer_labels_in_json_are_integers(run, tmp_path):
    write(tmp_path / "bin.csv", BINARY_CSV)
    doc = document(run("compute", "-l", "brier", "--group-by", "y_true", "--format", "json", "bin.csv"))
    groups = {r["group"]: r["value"] for r in doc["results"] if "group" in r}
    # brier by hand: y = 1 rows (p 0.9, 0.6): (0.01 + 0.16) / 2; y = 0 rows (p 0.2, 0.4): (0.04 + 0.16) / 2
    assert groups == {0: pytest.approx(0.1, rel=1e-15), 1: pytest.approx(0.085, rel=1e-15)}
    assert all(type(key) is int for key in groups)


def test_group_by_fractional_values_keep_their_fraction(run, tmp_path):
    write(tmp_path / "r.csv", "y_true,y_pred\n1,2.5\n2,1\n")  # y_pred is read as numbers
    doc = document(run("compute", "-l", "mse", "--group-by", "y_pred", "--format", "json", "r.csv"))
    assert sorted(r["group"] for r in doc["results"] if "group" in r) == [1, 2.5]
