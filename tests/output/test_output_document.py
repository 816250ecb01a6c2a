"""The result document: one schema for compute, compare and check, versioned, and read back as
a baseline by the gate."""

from __future__ import annotations

import json

import pytest

# y_true 1, 2, 3 against y_pred 1, 2, 5: squared errors 0, 0, 4, so mse = 4/3.
ROWS = "y_true,y_pred\n1,1\n2,2\n3,5\n"
MSE = 4 / 3


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.csv").write_text(ROWS)
    return tmp_path


def test_a_compute_document_reads_back_as_a_baseline(folder, invoke):
    written = invoke("compute", "-l", "mse", "--format", "json", "-o", "base.json", "p.csv")
    assert written.exit_code == 0, written.stderr
    document = json.loads((folder / "base.json").read_text())
    assert document["schema"] == 1
    assert document["results"][0]["value"] == pytest.approx(MSE, rel=1e-15)
    checked = invoke("check", "p.csv", "-l", "mse", "--baseline", "base.json", "--format", "json")
    assert checked.exit_code == 0, checked.stderr
    (check,) = checked.json()["checks"]
    assert (check["baseline"], check["verdict"]) == (pytest.approx(MSE, rel=1e-15), "pass")


def test_the_check_document_is_the_same_document_with_the_checks(folder, invoke):
    checked = invoke("check", "p.csv", "-l", "mse", "--max", "1", "--format", "json")
    assert checked.exit_code == 1  # 4/3 > 1
    document = checked.json()
    assert {"lossctl", "schema", "inputs", "results", "warnings", "checks", "passed"} == set(document)
    assert document["passed"] is False and document["checks"][0]["verdict"] == "fail"
    assert document["inputs"][0]["rows"] == 3


def test_a_document_of_a_newer_schema_is_refused(folder, invoke):
    (folder / "new.json").write_text(json.dumps({"schema": 99, "results": [{"spec": "mse", "value": 1.0}]}))
    refused = invoke("check", "p.csv", "-l", "mse", "--baseline", "new.json")
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("Error: new.json: result schema 99, written by a newer lossctl")


def test_a_document_without_a_schema_is_still_a_baseline(folder, invoke):
    """Documents written before the schema was versioned hold the same results."""
    old = {"lossctl": "0.1.0", "inputs": [], "results": [{"input": "p.csv", "spec": "mse", "value": 1.5}]}
    (folder / "old.json").write_text(json.dumps(old))
    checked = invoke("check", "p.csv", "-l", "mse", "--baseline", "old.json")
    assert checked.exit_code == 0, checked.stderr  # 4/3 <= 1.5
