"""Values lossctl cannot use: NaN and infinities (with the ``--nan`` choices), inputs of
different lengths, join keys missing or repeated, and values outside a loss's domain. The row
in each message is where the test put the bad value (1-based, the first data row is row 1)."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ._support import error_line, write_csv

GOOD = ["1,1.5", "2,2.5", "3,3.5", "4,4.5", "5,5.5", "6,6.5"]


def _with(rows: list[str], row: int, cells: str) -> list[str]:
    rows = list(rows)
    rows[row - 1] = cells
    return rows


# -- NaN and infinities -------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["", "nan", "NaN", "NA"])
def test_nan_is_an_error_by_default(invoke, tmp_path, cell):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", _with(GOOD, 4, f"4,{cell}"))
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "preds.csv" in line and "column 'y_pred'" in line and "row 4" in line
    assert "--nan drop" in line and "--nan propagate" in line


def test_nan_names_the_first_row(invoke, tmp_path):
    rows = _with(_with(GOOD, 5, "5,nan"), 3, "nan,3.5")
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", rows)
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "column 'y_true'" in line and "row 3" in line


def test_nan_in_jsonl_null(invoke, tmp_path):
    lines = ['{"y_true": 1, "y_pred": 2}', '{"y_true": 2, "y_pred": null}', '{"y_true": 3}']
    (tmp_path / "preds.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = error_line(*invoke("compute", "-l", "mse", "preds.jsonl"))
    assert "preds.jsonl" in line and "column 'y_pred'" in line and "row 2" in line


def test_nan_in_parquet_null(invoke, tmp_path):
    table = pa.table({"y_true": [1.0, 2.0, 3.0], "y_pred": pa.array([1.0, 2.0, None], pa.float32())})
    pq.write_table(table, tmp_path / "preds.parquet")
    line = error_line(*invoke("compute", "-l", "mse", "preds.parquet"))
    assert "preds.parquet" in line and "column 'y_pred'" in line and "row 3" in line


def test_nan_drop_counts_the_dropped_rows(invoke, tmp_path):
    rows = _with(_with(GOOD, 2, "2,"), 5, "nan,5.5")
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", rows)
    code, out, err = invoke("compute", "-l", "mse", "--nan", "drop", "--format", "json", "preds.csv")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["inputs"][0]["dropped_rows"] == 2
    assert doc["results"][0]["n"] == 4
    assert doc["results"][0]["value"] == 0.25
    assert "2 rows" in err  # the drop is said on stderr too


def test_nan_drop_counted_in_the_table(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", _with(GOOD, 6, "6,"))
    code, out, err = invoke("compute", "-l", "mae", "--nan", "drop", "preds.csv")
    assert code == 0, err
    assert "1 rows" in out + err or "1 row" in out + err


def test_nan_propagate(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", _with(GOOD, 3, "3,"))
    code, out, err = invoke("compute", "-l", "mse", "--nan", "propagate", "--format", "json", "preds.csv")
    assert code == 0, err
    assert json.loads(out)["results"][0]["value"] is None


@pytest.mark.parametrize("cell", ["inf", "-inf", "Infinity", "1e999"])
def test_infinite_value_is_an_error(invoke, tmp_path, cell):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", _with(GOOD, 5, f"5,{cell}"))
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "preds.csv" in line and "column 'y_pred'" in line and "row 5" in line
    assert "infinite" in line


def test_infinite_value_error_hints_at_the_nan_choices(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", _with(GOOD, 2, "inf,2.5"))
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "column 'y_true'" in line and "row 2" in line
    assert "--nan drop" in line, "no hint at the --nan choices"


def test_infinite_value_dropped_with_nan_drop(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", _with(GOOD, 5, "5,inf"))
    code, out, err = invoke("compute", "-l", "mse", "--nan", "drop", "--format", "json", "preds.csv")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["inputs"][0]["dropped_rows"] == 1
    assert doc["results"][0]["n"] == 5
    assert doc["results"][0]["value"] == 0.25


def test_infinite_weight(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred,weight", ["1,1,1", "2,2,inf", "3,3,1"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "preds.csv" in line and "column 'weight'" in line and "row 2" in line


def test_negative_weight(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred,weight", ["1,1,1", "2,2,1", "3,3,-0.5"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv"))
    assert "preds.csv" in line and "column 'weight'" in line and "row 3" in line and "negative" in line


# -- lengths and joins --------------------------------------------------------------------------


def test_labels_and_predictions_of_different_lengths(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_pred", ["1", "2", "3"])
    write_csv(tmp_path / "labels.csv", "y_true", ["1", "2"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv", "labels.csv"))
    assert "preds.csv" in line and "labels.csv" in line and "3" in line and "2" in line
    assert "--on" in line or "key column" in line


def test_different_lengths_across_formats(invoke, tmp_path):
    pq.write_table(pa.table({"y_pred": np.arange(5.0)}), tmp_path / "preds.parquet")
    np.save(tmp_path / "labels.npy", np.arange(4.0))
    line = error_line(*invoke("compute", "-l", "mse", "--y-true", "value", "preds.parquet", "labels.npy"))
    assert "preds.parquet" in line and "labels.npy" in line and "5" in line and "4" in line


def test_join_key_missing_on_the_right(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "id,y_pred", ["a,1", "b,2", "c,3", "d,4"])
    write_csv(tmp_path / "labels.csv", "id,y_true", ["a,1", "b,2", "d,4"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv", "labels.csv", "--on", "id"))
    assert "preds.csv" in line and "column 'id'" in line and "row 3" in line and "'c'" in line
    assert "labels.csv" in line


def test_join_key_missing_on_the_left(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "id,y_pred", ["1,1", "2,2"])
    write_csv(tmp_path / "labels.csv", "id,y_true", ["1,1", "2,2", "3,3"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv", "labels.csv", "--on", "id"))
    assert "labels.csv" in line and "column 'id'" in line and "row 3" in line and "3" in line


def test_join_key_duplicated_in_labels(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "id,y_pred", ["1,1", "2,2", "3,3"])
    write_csv(tmp_path / "labels.csv", "id,y_true", ["1,1", "2,2", "3,3", "2,5"])
    line = error_line(*invoke("compute", "-l", "mse", "preds.csv", "labels.csv", "--on", "id"))
    assert "labels.csv" in line and "column 'id'" in line and "row 4" in line and "row 2" in line


@pytest.mark.parametrize(
    ("preds", "labels", "loss", "on", "where"),
    [
        # a join key repeated in the predictions, or empty
        (["id,y_pred", "1,1", "2,2", "1,3"], ["id,y_true", "1,1", "2,2"], "mse", "id", ("preds.csv", "id", 3)),
        (["id,y_pred", "1,1", ",2", "3,3"], ["id,y_true", "1,1", "2,2", "3,3"], "mse", "id", ("preds.csv", "id", 2)),
        # a bad label joined by row order, a missing or non-numeric one joined on a key: the
        # labels file's own row, not the matching row of preds.csv
        (["y_pred", "0.5", "0.5", "0.5"], ["y_true", "1", "0", "5"], "bce", None, ("labels.csv", "y_true", 3)),
        (
            ["id,y_pred", "1,0.5", "2,0.5", "3,0.5"],
            ["id,y_true", "3,1", "1,", "2,1"],
            "bce",
            "id",
            ("labels.csv", "y_true", 2),
        ),
        (
            ["id,y_pred", "1,0.5", "2,0.5", "3,0.5"],
            ["id,y_true", "3,1", "1,0", "2,x"],
            "bce",
            "id",
            ("labels.csv", "y_true", 3),
        ),
    ],
    ids=["key-repeated", "key-empty", "bad-label-row-order", "missing-label-on-key", "non-number-on-key"],
)
def test_joined_inputs_name_the_file_column_and_row(invoke, tmp_path, preds, labels, loss, on, where):
    write_csv(tmp_path / "preds.csv", preds[0], preds[1:])
    write_csv(tmp_path / "labels.csv", labels[0], labels[1:])
    line = error_line(*invoke("compute", "-l", loss, "preds.csv", "labels.csv", *(["--on", on] if on else [])))
    file, column, row = where
    assert file in line and f"column '{column}'" in line and f"row {row}" in line, line


def test_bad_label_in_key_join_names_its_file_and_row(invoke, tmp_path):
    """Joined on a key, the labels file's rows are in another order: the message must name the
    row of labels.csv that holds the bad label (row 3), not the matching row of preds.csv."""
    write_csv(tmp_path / "preds.csv", "id,y_pred", ["1,0.5", "2,0.5", "3,0.5"])
    write_csv(tmp_path / "labels.csv", "id,y_true", ["3,1", "1,0", "2,5"])
    line = error_line(*invoke("compute", "-l", "bce", "preds.csv", "labels.csv", "--on", "id"))
    assert "labels.csv" in line and "column 'y_true'" in line and "label 5" in line
    assert "row 3" in line, "the row is not the labels file's row of the bad label"


# -- outside a loss's domain --------------------------------------------------------------------


def test_probability_above_one(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,0.9", "0,0.2", "1,1.3", "0,0.1"])
    line = error_line(*invoke("compute", "-l", "bce", "preds.csv"))
    assert "preds.csv" in line and "column 'y_pred'" in line and "row 3" in line
    assert "1.3" in line and "[0, 1]" in line and "--from-logits" in line


def test_negative_probability_focal(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,0.9", "0,-0.2", "1,0.3"])
    line = error_line(*invoke("compute", "-l", "focal", "preds.csv"))
    assert "column 'y_pred'" in line and "row 2" in line and "--from-logits" in line


def test_probability_outside_unit_accepted_as_logits(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,0.9", "0,0.2", "1,1.3", "0,0.1"])
    code, out, err = invoke("compute", "-l", "bce", "--from-logits", "preds.csv")
    assert code == 0, err


@pytest.mark.parametrize("loss", ["bce", "focal", "brier", "cost-sensitive-bce"])
def test_binary_label_outside_zero_one(invoke, tmp_path, loss):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,0.9", "0,0.2", "0,0.3", "2,0.4"])
    line = error_line(*invoke("compute", "-l", loss, "preds.csv"))
    assert "preds.csv" in line and "column 'y_true'" in line and "row 4" in line and "label 2" in line


def test_hinge_label_not_signed(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,0.9", "-1,0.2", "3,0.3"])
    line = error_line(*invoke("compute", "-l", "hinge", "preds.csv"))
    assert "column 'y_true'" in line and "row 3" in line and "{-1, +1}" in line


@pytest.fixture
def multiclass(tmp_path):
    def write(rows: list[str], header: str = "y_true,prob_0,prob_1,prob_2") -> str:
        write_csv(tmp_path / "classes.csv", header, rows)
        return "classes.csv"

    return write


def test_class_index_out_of_range(invoke, multiclass):
    name = multiclass(["0,0.2,0.3,0.5", "2,0.1,0.1,0.8", "3,0.3,0.3,0.4"])
    line = error_line(*invoke("compute", "-l", "cross-entropy", name))
    assert "classes.csv" in line and "column 'y_true'" in line and "row 3" in line and "[0, 2]" in line


@pytest.mark.parametrize("label", ["-1", "1.5"])
def test_class_index_not_a_class(invoke, multiclass, label):
    name = multiclass(["0,0.2,0.3,0.5", f"{label},0.1,0.1,0.8"])
    line = error_line(*invoke("compute", "-l", "cross-entropy", name))
    assert "column 'y_true'" in line and "row 2" in line


def test_probability_rows_must_sum_to_one(invoke, multiclass):
    name = multiclass(["0,0.2,0.3,0.5", "1,0.1,0.1,0.8", "2,0.3,0.3,0.5", "1,0.3,0.3,0.4"])
    line = error_line(*invoke("compute", "-l", "cross-entropy", name))
    assert "classes.csv" in line and "column 'prob_0..prob_2'" in line and "row 3" in line
    assert "1.1" in line and "--from-logits" in line


def test_probability_rows_within_tolerance_are_accepted(invoke, multiclass):
    name = multiclass(["0,0.333,0.333,0.333", "1,0.1,0.1,0.8"])
    code, out, err = invoke("compute", "-l", "cross-entropy", name)
    assert code == 0, err


def test_class_probability_outside_unit(invoke, multiclass):
    name = multiclass(["0,0.2,0.3,0.5", "1,1.2,-0.2,0.0"])
    line = error_line(*invoke("compute", "-l", "cross-entropy", name))
    assert "row 2" in line and "[0, 1]" in line and "--from-logits" in line


@pytest.mark.parametrize(("column", "cells"), [("y_true", "-1,2"), ("y_pred", "1,-2")])
def test_msle_negative(invoke, tmp_path, column, cells):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2", "2,3", cells])
    line = error_line(*invoke("compute", "-l", "msle", "preds.csv"))
    assert "preds.csv" in line and f"column {column!r}" in line and "row 3" in line and "negative" in line


def test_poisson_non_positive_prediction(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2", "2,0"])
    line = error_line(*invoke("compute", "-l", "poisson", "preds.csv"))
    assert "column 'y_pred'" in line and "row 2" in line


def test_contrastive_negative_distance(invoke, tmp_path):
    write_csv(tmp_path / "pairs.csv", "y_true,distance", ["1,0.5", "0,1.5", "1,-0.1"])
    line = error_line(*invoke("compute", "-l", "contrastive", "pairs.csv"))
    assert "pairs.csv" in line and "column 'distance'" in line and "row 3" in line


def test_domain_error_after_a_nan_drop_keeps_the_file_row(invoke, tmp_path):
    """Rows dropped before the bad one must not shift the row number in the message."""
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,0.5", "0,", "1,", "0,1.5"])
    line = error_line(*invoke("compute", "-l", "bce", "--nan", "drop", "preds.csv"))
    assert "row 4" in line


def test_compare_skips_a_loss_outside_its_domain_with_the_row(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2", "2,3", "3,-1", "4,5"])
    code, out, err = invoke("compare", "--format", "json", "preds.csv")
    assert code == 0, err
    skipped = [line for line in err.splitlines() if "msle" in line]
    assert skipped and "row 3" in skipped[0] and "column 'y_pred'" in skipped[0]
    assert "msle" not in {result["loss"] for result in json.loads(out)["results"]}


def test_compare_with_named_losses_is_strict(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["1,2", "2,3", "3,-1"])
    line = error_line(*invoke("compare", "-l", "mse", "-l", "msle", "preds.csv"))
    assert "preds.csv" in line and "column 'y_pred'" in line and "row 3" in line


# -- model weights, several models ---------------------------------------------------------------


def test_missing_model_weights_file(invoke, tmp_path):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["0,0.5", "1,0.5"])
    line = error_line(*invoke("compute", "-l", "bce + 0.1*l2", "--model-weights", "w.npy", "preds.csv"))
    assert "w.npy" in line and "no such file" in line


@pytest.mark.parametrize("bad", ["nan", "inf"])
def test_bad_model_weight_names_its_file_and_row(invoke, tmp_path, bad):
    write_csv(tmp_path / "preds.csv", "y_true,y_pred", ["0,0.5", "1,0.5"])
    write_csv(tmp_path / "w.csv", "w", ["0.5", bad, "-1"])
    line = error_line(*invoke("compute", "-l", "bce + 0.1*l2", "--model-weights", "w.csv", "preds.csv"))
    assert "w.csv" in line and "row 2" in line, "the message does not name the weights file and its row"


def test_bad_model_weight_without_prediction_file(invoke, tmp_path):
    np.save(tmp_path / "w.npy", np.array([0.5, 1.0, np.inf]))
    line = error_line(*invoke("compute", "-l", "l2", "--model-weights", "w.npy"))
    assert "w.npy" in line and "row 3" in line


def test_second_model_bad_prints_nothing_for_the_first(invoke, tmp_path):
    write_csv(tmp_path / "a.csv", "y_true,y_pred", ["1,2", "2,3"])
    write_csv(tmp_path / "b.csv", "y_true,y_pred", ["1,2", "2,x"])
    for fmt in ("table", "json"):
        line = error_line(*invoke("compare", "-l", "mse", "--format", fmt, "a.csv", "b.csv"))
        assert "b.csv" in line and "row 2" in line and "a.csv" not in line
