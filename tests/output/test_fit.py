"""Tables fit the screen: at 80 and 40 columns nothing is cut (no ellipsis), every loss name
and every value is shown whole, and no line is wider than the screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from lossctl.output.columns import column_format
from lossctl.output.fit import narrowest, turned
from lossctl.output.grid import Grid

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


def _shown(invoke, columns: int, *args: str) -> str:
    result = invoke(*args, env={"COLUMNS": str(columns)}, cwd=SAMPLES)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("columns", [80, 40])
def test_compare_of_every_regression_loss_fits(invoke, columns):
    files = ["model_a.csv", "model_b.csv"]
    results = invoke("compare", *files, "--format", "json", cwd=SAMPLES).json()["results"]
    out = _shown(invoke, columns, "compare", *files)
    assert "…" not in out
    assert max(map(len, out.splitlines())) <= columns
    for r in results:  # each loss's values shown alike across the models (output.columns)
        show = column_format([other["value"] for other in results if other["spec"] == r["spec"]])
        assert r["spec"] in out and show(r["value"]) in out
    if columns == 80:  # two models and twenty losses: turned, a column per model
        header = next(line for line in out.splitlines() if "model_a.csv" in line)
        assert "model_b.csv" in header


@pytest.mark.parametrize("columns", [80, 40])
def test_example_ids_are_never_cut(invoke, columns):
    ids = [e["id"] for e in invoke("examples", "--format", "json").json()]
    out = _shown(invoke, columns, "examples")
    assert "…" not in out
    assert all(example_id in out for example_id in ids)


def test_a_grid_that_fits_is_drawn_as_it_is(invoke):
    out = _shown(invoke, 80, "compute", "-l", "mse", "-l", "mae", "model_a.csv")
    assert "┃ loss" in out and "│ mse " in out


def test_turning_moves_each_cell_and_its_mark():
    grid = Grid(
        title="t",
        headers=["input", "n", "mse", "mae"],
        rows=[["a.csv", "3", "1.5", "2"], ["b.csv", "3", "0.5", "4"]],
        numeric=[False, True, True, True],
        best={(1, 2), (0, 3)},
    )
    other = turned(grid)
    assert other.headers == ["", "a.csv", "b.csv"]
    for r, row in enumerate(grid.rows):
        for c in range(1, len(row)):
            assert other.rows[c - 1][r + 1] == row[c]
            assert other.rows[c - 1][0] == grid.headers[c]
    assert other.best == {(1, 2), (2, 1)}
    # Width: the columns' widest cells (5, 1, 3, 1 and the headers 5, 1, 3, 3), a best value's
    # " *" (mse 0.5 * and mae 2 *: 5 and 3), plus 3 per column and 1: 5+1+5+3 + 13 = 27.
    assert narrowest(grid, " *") == 27


def test_a_turned_check_table_keeps_its_numbers_whole(invoke, tmp_path):
    # mae of these rows is 0.30000000000000004 (the float after 0.3), checked against max 0.3:
    # the table shows 17 digits to tell them apart, and a turned table must not fold them.
    (tmp_path / "ulp.csv").write_text("y_true,y_pred\n0,0.30000000000000004\n0,0.30000000000000004\n")
    out = invoke("check", "-l", "mae", "--max", "0.3", "ulp.csv", env={"COLUMNS": "50"}, cwd=tmp_path).stdout
    assert "0.30000000000000004" in out and "…" not in out
