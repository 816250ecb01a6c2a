"""A bad row on a worker is the local engine's one-line error, naming the file and its row
there; what the Dask engine cannot do is refused with the reason."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dask_cluster import on_dask
from dask_data import table, write

from lossctl.engine.evaluate import evaluate
from lossctl.engine.request import Request
from lossctl.errors import InputError, UsageError
from lossctl.options.request import build_request


def errors(request: Request, scheduler: str) -> tuple[str, str]:
    """The one-line messages of the local and the Dask engine, which must both fail."""
    with pytest.raises(InputError) as mine:
        evaluate(request)
    with pytest.raises(InputError) as theirs:
        evaluate(on_dask(request, scheduler))
    return str(mine.value), str(theirs.value)


@pytest.fixture
def binary_rows() -> dict[str, np.ndarray]:
    return table("binary", 6000)


def test_a_bad_label_in_one_partition(tmp_path, binary_rows, scheduler):
    binary_rows["y_true"][4321] = 3.0  # the third file's second row group
    root = write(tmp_path / "bad", binary_rows, files=3, row_group_rows=800)
    mine, theirs = errors(build_request(str(root), ["bce", "brier"]), scheduler)
    assert theirs == mine
    assert theirs.startswith(f"{root / 'part-002.parquet'}, column 'y_true', row 322: ")  # dataset row 4322


def test_the_first_bad_row_wins(tmp_path, binary_rows, scheduler):
    binary_rows["y_pred"][[5500, 1700]] = [1.5, -0.5]
    root = write(tmp_path / "bad", binary_rows, files=3, row_group_rows=500)
    mine, theirs = errors(build_request(str(root), ["brier"], chunk_rows=256), scheduler)
    assert theirs == mine
    assert theirs.startswith(f"{root / 'part-000.parquet'}, column 'y_pred', row 1701: ")


def test_a_missing_value(tmp_path, binary_rows, scheduler):
    binary_rows["y_pred"][3000] = np.nan
    root = write(tmp_path / "nan", binary_rows, files=3, row_group_rows=700, partition="day")
    mine, theirs = errors(build_request(str(root), ["bce"]), scheduler)
    assert theirs == mine
    assert theirs.startswith(f"{root / 'day=b' / 'part-001.parquet'}, column 'y_pred', row 1001: missing value")


def test_a_text_cell_in_a_parquet_file(tmp_path, binary_rows, scheduler):
    root = write(tmp_path / "text", binary_rows, files=3, row_group_rows=900)
    last = root / "part-002.parquet"
    data = pq.read_table(last)
    text = pa.array([f"{v:.6f}" for v in data["y_pred"].to_pylist()])
    text = pa.array([*text.to_pylist()[:10], "oops", *text.to_pylist()[11:]])
    pq.write_table(data.set_column(1, "y_pred", text), last, row_group_size=900)
    mine, theirs = errors(build_request(str(root), ["bce"]), scheduler)
    assert theirs == mine
    assert theirs.startswith(f"{last}, column 'y_pred', row 11: 'oops' is not a number")


def test_a_ragged_csv_file(tmp_path, scheduler):
    root = write(tmp_path / "csv", table("regression", 900), files=3, row_group_rows=900, fmt="csv")
    with open(root / "part-001.csv", "a") as f:
        f.write("1.0,2.0\n")
    mine, theirs = errors(build_request(str(root), ["mse"]), scheduler)
    assert theirs == mine
    assert str(root / "part-001.csv") in theirs


def test_a_failed_loss_is_skipped_alike_in_compare(tmp_path, binary_rows, both):
    binary_rows["y_true"][5000] = 3.0
    root = write(tmp_path / "bad", binary_rows, files=3, row_group_rows=800)
    mine, theirs = both(build_request(str(root), chunk_rows=1000))
    assert theirs[1] == mine[1]
    assert f"bce skipped: {root / 'part-002.parquet'}, column 'y_true', row 1001: " in theirs[1][0]
    assert [r.label for r in theirs[0].results] == [r.label for r in mine[0].results]


def test_the_command_line_prints_the_same_line(tmp_path, binary_rows, scheduler, invoke):
    binary_rows["y_true"][2500] = -1.0
    root = str(write(tmp_path / "bad", binary_rows, files=2, row_group_rows=1000))
    mine = invoke("compute", "-l", "focal", root)
    theirs = invoke("compute", "-l", "focal", "--engine", "dask", "--scheduler", scheduler, root)
    assert (theirs.exit_code, theirs.stdout) == (mine.exit_code, mine.stdout) == (2, "")
    assert theirs.stderr == mine.stderr
    assert theirs.stderr.count("\n") == 1 and "row 2501" in theirs.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"path": "-"}, "not standard input"),
        ({"labels": "labels.csv"}, "reads labels from the prediction files"),
        ({"per_sample": lambda rows, values: None}, "--per-sample writes every row"),
    ],
)
def test_options_it_cannot_honour(datasets, change, message):
    options = {"path": str(datasets["regression"]), **change}
    request = build_request(options.pop("path"), ["mse"], **options)
    with pytest.raises(UsageError, match=message):
        evaluate(on_dask(request, "tcp://127.0.0.1:1"))
