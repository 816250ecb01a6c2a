"""``lossctl compute --worst K`` and ``--per-sample FILE``: one-based rows, ties, scores that
have no per-sample values, atomic writes that never replace an input; every expected value by
hand (r.csv: errors [0, 0, 0, -4], see conftest.py)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from .conftest import csv_rows, document, failed, ok, write


@pytest.fixture
def worst_csv(tmp_path):
    # errors [0, -0.5, 0, -4]: squared [0, 0.25, 0, 16], mse 16.25/4 = 4.0625; the worst rows are 4 then 2
    return write(tmp_path / "worst.csv", "y_true,y_pred\n1,1\n2,2.5\n3,3\n4,8\n")


def test_worst_table_is_exact_with_one_based_rows(run, worst_csv):
    result = ok(run("compute", "-l", "mse", "--worst", "2", "worst.csv"))
    assert result.stdout == (
        "worst.csv\n"
        "┏━━━━━━┳━━━━━━━━┳━━━┓\n"
        "┃ loss ┃  value ┃ n ┃\n"
        "┡━━━━━━╇━━━━━━━━╇━━━┩\n"
        "│ mse  │ 4.0625 │ 4 │\n"
        "└──────┴────────┴───┘\n"
        "worst.csv: 4 rows, task regression\n"
        "y_true=y_true, y_pred=y_pred\n"
        "worst 2 rows of worst.csv: mse\n"
        "┏━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━┓\n"
        "┃ row ┃ y_true ┃ y_pred ┃   mse ┃\n"
        "┡━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━┩\n"
        "│   4 │      4 │      8 │ 16.00 │\n"  # the column's 0.25 needs two decimals
        "│   2 │      2 │    2.5 │  0.25 │\n"
        "└─────┴────────┴────────┴───────┘\n"
    )


@pytest.mark.parametrize("command", ["compute", "compare"])
def test_worst_in_json_has_one_based_rows_and_values(run, worst_csv, command):
    flag = "--loss" if command == "compute" else "-l"
    (result,) = document(run(command, flag, "mse", "--worst", "2", "worst.csv", "--format", "json"))["results"]
    # README "Output": `worst` ([{"row", "value"}], 1-based rows)
    assert result["worst"] == [{"row": 4, "value": 16.0}, {"row": 2, "value": 0.25}]


def test_per_sample_csv_holds_one_based_rows_and_each_loss(run, files):
    result = ok(run("compute", "-l", "huber", "r.csv", "--per-sample", "losses.csv"))
    assert "│ huber │ 0.875 │ 4 │" in result.stdout.splitlines()
    rows = csv_rows((files / "losses.csv").read_text())
    # huber(1) per row: 0, 0, 0, 1*(4 - 0.5) = 3.5
    assert [(int(r["row"]), float(r["huber"])) for r in rows] == [(1, 0.0), (2, 0.0), (3, 0.0), (4, 3.5)]


def test_per_sample_parquet_with_several_losses(run, files):
    ok(run("compare", "-l", "mse", "-l", "mae", "r.csv", "--per-sample", "losses.parquet"))
    assert pq.read_table(files / "losses.parquet").to_pydict() == {
        "row": [1, 2, 3, 4],
        "y_true": [1.0, 2.0, 3.0, 4.0],  # the inputs of r.csv beside their losses
        "y_pred": [1.0, 2.0, 3.0, 8.0],
        "mse": [0.0, 0.0, 0.0, 16.0],
        "mae": [0.0, 0.0, 0.0, 4.0],
    }


def test_per_sample_is_atomic_a_failed_run_leaves_the_old_file(run, tmp_path):
    write(tmp_path / "neg.csv", "y_true,y_pred\n1,1\n2,-2\n3,3\n")
    old = write(tmp_path / "losses.csv", "previous content\n")
    # msle needs predictions >= 0: row 2 (1-based) fails
    failed(run("compute", "-l", "msle", "neg.csv", "--per-sample", "losses.csv"), "neg.csv", "y_pred", "row 2")
    assert old.read_text() == "previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["losses.csv", "neg.csv"]


@pytest.mark.parametrize("option", ["--per-sample", "-o"])
def test_outputs_refuse_to_overwrite_an_input(run, files, option):
    before = (files / "r.csv").read_text()
    failed(run("compute", "-l", "mse", "r.csv", option, "r.csv"), "r.csv")
    assert (files / "r.csv").read_text() == before


def test_worst_rows_among_equal_losses_are_the_earliest(run, tmp_path):
    # 200,000 rows of error 1 (squared error 1): all tie; the documented rule keeps the
    # earlier rows, so the worst 5 are rows 1-5, whatever the chunks they were read in.
    rows = 200_000
    write(tmp_path / "ties.csv", "y_true,y_pred\n" + "1,2\n" * rows)
    doc = document(run("compute", "-l", "mse", "--worst", "5", "--format", "json", "ties.csv"))
    assert doc["results"][0]["worst"] == [{"row": r, "value": 1.0} for r in range(1, 6)]


def test_worst_rows_of_a_whole_sample_score_are_refused_with_a_warning(run, files):
    result = run("compute", "-l", "r2", "-l", "mse", "--worst", "2", "r.csv")
    assert result.exit_code == 0
    assert "warning: r2 has no per-sample values (a value of the whole sample): no worst rows" in result.stderr
    assert "worst 2 rows of r.csv: mse" in result.stdout


def test_a_per_sample_file_says_which_scores_it_leaves_out(run, files):
    result = run("compute", "-l", "r2", "-l", "mse", "--per-sample", "rows.csv", "r.csv")
    assert result.exit_code == 0, result.stderr
    line = "warning: r2 has no per-sample values (a value of the whole sample): no column in the per-sample file"
    assert line in result.stderr
    # r.csv's squared errors: 0, 0, 0, 16
    assert (files / "rows.csv").read_text().splitlines() == [
        "row,y_true,y_pred,mse",  # each row's inputs beside its losses
        "1,1,1,0",
        "2,2,2,0",
        "3,3,3,0",
        "4,4,8,16",
    ]
