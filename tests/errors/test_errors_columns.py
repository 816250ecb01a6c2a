"""Columns that are missing, ambiguous, or fit no loss: the message names the file, lists the
columns, suggests the nearest name, or asks for ``--y-pred``."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ._support import error_line, write_csv


@pytest.fixture
def preds(tmp_path):
    return write_csv(tmp_path / "preds.csv", "target,y_pred,weight,region", ["1,1.5,1,north", "2,2.5,2,south"])


@pytest.mark.parametrize(
    ("option", "given", "nearest"),
    [("--y-true", "targt", "target"), ("--y-pred", "y_prd", "y_pred"), ("--weight", "wieght", "weight")],
)
def test_unknown_column_option(invoke, preds, option, given, nearest):
    line = error_line(*invoke("compute", "-l", "mse", option, given, "preds.csv"))
    assert "preds.csv" in line, "the message does not name the file"
    assert f"column {given!r}" in line
    assert "target, y_pred, weight, region" in line  # the columns are listed
    assert f"did you mean {nearest!r}" in line


def test_unknown_group_by_column(invoke, preds):
    line = error_line(*invoke("compare", "-l", "mse", "--group-by", "regoin", "preds.csv"))
    assert "preds.csv" in line and "column 'regoin'" in line
    assert "target, y_pred, weight, region" in line and "did you mean 'region'" in line


def test_unknown_glob(invoke, preds):
    line = error_line(*invoke("compute", "-l", "ce", "--y-pred", "prob_*", "preds.csv"))
    assert "preds.csv" in line and "'prob_*'" in line and "target, y_pred, weight, region" in line


def test_unknown_column_in_parquet(invoke, tmp_path):
    pq.write_table(pa.table({"label": [0.0, 1.0], "score": [0.2, 0.7]}), tmp_path / "preds.parquet")
    line = error_line(*invoke("compute", "-l", "bce", "--y-pred", "scores", "preds.parquet"))
    assert "preds.parquet" in line and "column 'scores'" in line and "did you mean 'score'" in line


def test_unknown_join_key(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "id,y_pred", ["1,1", "2,2"])
    write_csv(tmp_path / "labels.csv", "id,y_true", ["1,1", "2,2"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv", "labels.csv", "--on", "ID"))
    assert "preds.csv" in line and "column 'ID'" in line and "did you mean 'id'" in line


def test_join_key_missing_from_labels_file(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "id,y_pred", ["1,1", "2,2"])
    write_csv(tmp_path / "labels.csv", "key,y_true", ["1,1", "2,2"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv", "labels.csv", "--on", "id"))
    assert "labels.csv" in line and "column 'id'" in line and "key, y_true" in line


def test_two_prediction_candidates(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,pred,score", ["1,1.5,0.5", "2,2.5,0.5"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "preds.csv" in line and "pred" in line and "score" in line and "--y-pred" in line


def test_two_label_candidates(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "target,label,y_pred", ["1,1,1.5", "2,2,2.5"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "preds.csv" in line and "target" in line and "label" in line and "--y-true" in line


def test_two_candidates_resolved_by_option(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,pred,score", ["1,1.5,0.5", "2,2.5,0.5"])
    code, out, err = invoke("compute", "-l", "mse", "--y-pred", "score", "--format", "json", "preds.csv")
    assert code == 0, err
    assert '"value": 1.25' in out


def test_no_label_column(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "a,b", ["1,2"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "preds.csv" in line and "a, b" in line and "--y-true" in line


def test_no_prediction_column(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,b", ["1,2"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "preds.csv" in line and "y_true, b" in line and "--y-pred" in line


@pytest.mark.parametrize(
    ("loss", "flag"),
    [("cross-entropy", "--y-pred"), ("triplet", "--y-true"), ("kl-divergence", "--y-pred")],
)
def test_no_column_fits_the_loss(invoke, preds, loss, flag):
    line = error_line(*invoke("compute", "-l", loss, "preds.csv"))
    assert "preds.csv" in line and "no column" in line
    assert "target, y_pred, weight, region" in line and flag in line


def test_same_column_twice(invoke, preds):
    line = error_line(*invoke("compute", "-l", "mse", "--y-true", "y_pred", "preds.csv"))
    assert "y_pred" in line


def test_duplicate_column_names(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred,y_pred", ["1,2,3"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "preds.csv" in line and "column 'y_pred'" in line


def test_npz_columns_of_different_lengths(invoke, tmp_path):
    np.savez(tmp_path / "preds.npz", y_true=np.arange(3.0), y_pred=np.arange(4.0))
    line = error_line(*invoke("compute", "-l", "mse", "preds.npz"))
    assert "preds.npz" in line and "3" in line and "4" in line
