"""A table written by pandas ``to_json(orient="records")`` is read as rows, from a file or stdin."""

from __future__ import annotations

import pytest

from .conftest import document, failed, write

RECORDS = '[{"y_true":1,"y_pred":1.5},{"y_true":2,"y_pred":2.0},{"y_true":4,"y_pred":3.0}]'


def test_records_file(run, tmp_path):
    write(tmp_path / "p.json", RECORDS)
    doc = document(run("compute", "-l", "mse", "--format", "json", "p.json"))
    # squared errors 0.25, 0, 1: mse = 1.25 / 3 by hand
    assert doc["results"][0]["value"] == pytest.approx(1.25 / 3, rel=1e-15)
    assert doc["inputs"][0]["format"] == "json" and doc["inputs"][0]["rows"] == 3


def test_records_on_stdin(run):
    doc = document(run("compute", "-l", "mae", "--format", "json", "-", input=RECORDS))
    assert doc["results"][0]["value"] == pytest.approx(1.5 / 3, rel=1e-15)


def test_a_bad_row_is_one_line(run, tmp_path):
    write(tmp_path / "p.json", '[{"y_true":1,"y_pred":1.5},{"y_true":2,"y_pred":"x"}]')
    failed(run("compute", "-l", "mse", "p.json"), "p.json, column 'y_pred', row 2")
