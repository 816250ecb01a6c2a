"""``lossctl compute`` (and ``compare``) by group and by weight: --group-by, --weight, --task
and --nan; every expected value by hand."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from .conftest import document, failed, ok, value, write


@pytest.fixture
def groups(tmp_path):
    # group a: rows 1, 3 (errors 0, 0); group b: rows 2, 4 (errors 0, -4); importance [1, 1, 2, 3]
    return write(tmp_path / "g.csv", "y_true,y_pred,region,importance\n1,1,a,1\n2,2,b,1\n3,3,a,2\n4,8,b,3\n")


def test_group_by_table_is_exact(run, groups):
    result = ok(run("compute", "-l", "mse", "g.csv", "--group-by", "region"))
    # a: 0; b: 16/2 = 8; all: 16/4 = 4; the lowest group value marked
    assert result.stdout == (
        "g.csv by region\n"
        "┏━━━━━━━━┳━━━┳━━━━━┓\n"
        "┃ region ┃ n ┃ mse ┃\n"
        "┡━━━━━━━━╇━━━╇━━━━━┩\n"
        "│ a      │ 2 │ 0 * │\n"
        "│ b      │ 2 │   8 │\n"
        "│ (all)  │ 4 │   4 │\n"
        "└────────┴───┴─────┘\n"
        "* best value of each loss (the lowest loss, the highest score)\n"
        "g.csv: 4 rows, task regression\n"
        "y_true=y_true, y_pred=y_pred\n"
    )


def test_group_by_json_and_weight_column(run, groups):
    doc = document(
        run("compute", "-l", "mse", "g.csv", "--group-by", "region", "--weight", "importance", "--format", "json")
    )
    # weighted: all (3*16)/(1+1+2+3) = 48/7; a: 0/(1+2) = 0; b: (1*0 + 3*16)/(1+3) = 12
    assert [(r.get("group"), r["value"], r["n"]) for r in doc["results"]] == [
        (None, pytest.approx(48 / 7, rel=1e-12), 4),
        ("a", 0.0, 2),
        ("b", 12.0, 2),
    ]
    assert doc["inputs"][0]["group_by"] == "region"
    assert doc["inputs"][0]["roles"]["sample_weight"] == ["importance"]


@pytest.mark.parametrize(
    ("name", "write_file"),
    [
        (
            "num.parquet",
            lambda path: pq.write_table(
                pa.table({"y_true": [1.0, 2, 3, 4, 5], "y_pred": [1.0, 2, 4, 4, 7], "g": [1.0, None, 1.0, 2.0, None]}),
                path,
            ),
        ),
        ("text.csv", lambda path: path.write_text("y_true,y_pred,g\n1,1,1\n2,2,\n3,4,1\n4,4,2\n5,7,\n")),
    ],
)
def test_group_by_puts_missing_keys_in_one_group(run, tmp_path, name, write_file):
    # errors 0, 0, -1, 0, -2; key 1: rows 1, 3 -> (0 + 1)/2 = 0.5; key 2: row 4 -> 0;
    # missing key: rows 2, 5 -> (0 + 4)/2 = 2; all rows: 5/5 = 1
    write_file(tmp_path / name)
    doc = document(run("compute", "-l", "mse", name, "--group-by", "g", "--format", "json"))
    by_group = {str(r.get("group")): (r["value"], r["n"]) for r in doc["results"]}
    assert by_group == {
        "None": (1.0, 5),
        "1": (0.5, 2),  # a whole float key is shown as an integer, as an int64 key is
        "2": (0.0, 1),
        "(missing)": (2.0, 2),
    }


@pytest.mark.parametrize(
    ("header", "args"),
    [("weight", []), ("sample_weight", []), ("importance", ["--weight", "importance"])],
)
@pytest.mark.parametrize("command", ["compute", "compare"])
def test_weight_column_detected_or_named(run, tmp_path, header, args, command):
    write(tmp_path / "wt.csv", f"y_true,y_pred,{header}\n1,1,1\n2,2,1\n3,3,2\n4,8,3\n")
    # mae weighted: (3 * 4)/(1 + 1 + 2 + 3) = 12/7
    assert value(run(command, "-l", "mae", "wt.csv", *args, "--format", "json")) == pytest.approx(12 / 7, rel=1e-12)


def test_task_overrides_the_detected_one(run, tmp_path):
    # {0,1} labels and predictions in [0, 1] look binary; --task regression says otherwise
    write(tmp_path / "zo.csv", "y_true,y_pred\n0,1\n0,1\n1,1\n")
    assert document(run("compute", "-l", "mse", "zo.csv", "--format", "json"))["inputs"][0]["task"] == "binary"
    doc = document(run("compare", "-l", "mse", "zo.csv", "--task", "regression", "--format", "json"))
    assert doc["inputs"][0]["task"] == "regression"
    assert doc["results"][0]["value"] == pytest.approx(2 / 3, rel=1e-12)  # (1 + 1 + 0)/3


def test_nan_policies(run, tmp_path):
    write(tmp_path / "nan.csv", "y_true,y_pred\n1,\n2,2\n3,3\n4,8\n")
    failed(run("compute", "-l", "mse", "nan.csv"), "nan.csv", "'y_pred'", "row 1")
    # drop: rows 2..4, errors [0, 0, -4] -> 16/3
    result = ok(run("compute", "-l", "mse", "nan.csv", "--nan", "drop", "--format", "json"))
    doc = document(result)
    assert doc["results"][0]["value"] == pytest.approx(16 / 3, rel=1e-12)
    assert doc["results"][0]["n"] == 3
    assert doc["inputs"][0]["dropped_rows"] == 1
    assert "1 rows with missing values dropped" in result.stderr
    # propagate: the value is NaN, JSON null
    assert value(run("compute", "-l", "mse", "nan.csv", "--nan", "propagate", "--format", "json")) is None
