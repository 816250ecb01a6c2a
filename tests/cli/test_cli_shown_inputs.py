"""What a run shows of its inputs: labels read as numbers printed as integers in
``--group-by`` (``0``, ``1``, not ``0.0``), and the key, label and prediction of each of the
``--worst`` rows and of every ``--per-sample`` row."""

from __future__ import annotations

import pytest

from .conftest import BINARY_CSV, csv_rows, document, ok, write


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


def test_worst_rows_show_key_label_and_prediction(run, tmp_path):
    write(tmp_path / "w.csv", "id,label,proba\n10,cat,0.3\n11,dog,0.2\n12,dog,0.9\n")
    out = ok(run("compute", "-l", "bce", "--worst", "2", "w.csv")).stdout
    table = out[out.index("worst 2 rows") :]
    # bce by hand (dog is class 1): row 2 -log 0.2 = 1.60944, row 1 -log 0.7 = 0.356675; the
    # column shows both with the five decimals of its largest value to six digits: 0.35667
    assert [line.split() for line in table.splitlines()[1:] if line.startswith(("┃", "│"))] == [
        ["┃", "row", "┃", "id", "┃", "label", "┃", "proba", "┃", "bce", "┃"],
        ["│", "2", "│", "11", "│", "dog", "│", "0.2", "│", "1.60944", "│"],
        ["│", "1", "│", "10", "│", "cat", "│", "0.3", "│", "0.35667", "│"],
    ]


def test_worst_rows_show_the_join_key(run, tmp_path):
    write(tmp_path / "p.csv", "key,y_pred\nb,5\na,1\nc,3\n")
    write(tmp_path / "l.csv", "key,y_true\na,1\nb,2\nc,3\n")
    out = ok(run("compute", "-l", "mae", "--worst", "1", "--labels", "l.csv", "--on", "key", "p.csv")).stdout
    row = next(line.split("│")[1:-1] for line in out.splitlines() if line.startswith("│") and "b" in line)
    assert [cell.strip() for cell in row] == ["1", "b", "2", "5", "3"]  # row, key, y_true, y_pred, |5 - 2|


def test_per_sample_file_holds_key_label_and_prediction(run, tmp_path):
    write(tmp_path / "w.csv", "id,label,proba\n10,cat,0.3\n11,dog,\n12,dog,0.9\n")
    ok(run("compute", "-l", "brier", "--nan", "drop", "--per-sample", "s.csv", "w.csv"))
    # row 2 has no prediction and is dropped; brier: (0.3 - 0)^2, (0.9 - 1)^2
    rows = csv_rows((tmp_path / "s.csv").read_text())
    assert [(r["row"], r["id"], r["label"], r["proba"], float(r["brier"])) for r in rows] == [
        ("1", "10", "cat", "0.3", pytest.approx(0.09, rel=1e-15)),
        ("3", "12", "dog", "0.9", pytest.approx(0.01, rel=1e-13)),
    ]
