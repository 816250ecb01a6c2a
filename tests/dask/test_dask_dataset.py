"""Multi-file inputs (lossctl.io.dataset): which files, in which order, with which partition
columns, and the errors of a dataset that does not hold together. Read by the local engine;
the Dask engine reads the same parts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import fsspec
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dask_data import table, write

from lossctl.engine.evaluate import evaluate
from lossctl.errors import InputError
from lossctl.io import open_source
from lossctl.io.dataset import open_dataset
from lossctl.io.locations import is_dataset
from lossctl.options.request import build_request


def column(source, name: str, other: bool = False, chunk_rows: int = 1 << 20) -> np.ndarray:
    chunks = source.iter_chunks([] if other else [name], [name] if other else [], chunk_rows=chunk_rows)
    return np.concatenate([chunk.arrays[name] for chunk in chunks])


def test_files_in_path_order_without_hidden_or_foreign_files(tmp_path):
    rows = table("regression", 900)
    root = write(tmp_path / "d", rows, files=3, row_group_rows=200)
    (root / "_SUCCESS").write_text("")
    (root / ".part-000.parquet.crc").write_bytes(b"x")
    (root / "README.md").write_text("notes")
    hidden = root / "_temporary"
    hidden.mkdir()
    pq.write_table(pa.table({"y_true": [1.0], "y_pred": [2.0], "weight": [1.0]}), hidden / "x.parquet")
    dataset = open_dataset(str(root))
    assert [Path(f.path).name for f in dataset.files] == ["part-000.parquet", "part-001.parquet", "part-002.parquet"]
    assert np.array_equal(column(open_source(str(root)), "y_true", chunk_rows=128), rows["y_true"])


def test_hive_partitions_are_columns(tmp_path):
    for year, region, value in [(2023, "eu", 1.0), (2023, "us", 2.0), (2024, "eu", 3.0)]:
        directory = tmp_path / "d" / f"year={year}" / f"region={region}"
        directory.mkdir(parents=True)
        pq.write_table(pa.table({"y_true": [value] * 3, "y_pred": [value] * 3}), directory / "p.parquet")
    source = open_source(str(tmp_path / "d"))
    assert source.columns == ["y_true", "y_pred", "year", "region"]
    assert column(source, "year", other=True).tolist() == [2023] * 6 + [2024] * 3
    assert column(source, "region", other=True).tolist() == ["eu"] * 3 + ["us"] * 3 + ["eu"] * 3
    evaluation, _ = evaluate(build_request(str(tmp_path / "d"), ["mse"], group_by="year"))
    assert [(r.group, r.n) for r in evaluation.results] == [(None, 9), (2023, 6), (2024, 3)]


def test_a_glob_selects_files_and_keeps_partitions_below_its_root(tmp_path):
    root = write(tmp_path / "d", table("binary", 1000), files=4, row_group_rows=500, partition="day")
    assert is_dataset(str(root / "*" / "part-00[13].parquet"))
    dataset = open_dataset(str(root / "*" / "part-00[13].parquet"))
    assert [(Path(f.path).name, f.partition) for f in dataset.files] == [
        ("part-001.parquet", (("day", "a"),)),
        ("part-003.parquet", (("day", "b"),)),
    ]


def test_rows_are_numbered_across_files_and_located_in_each(tmp_path):
    rows = table("binary", 3000)
    root = write(tmp_path / "d", rows, files=3, row_group_rows=400)
    source = open_source(str(root))
    starts = [chunk.start for chunk in source.iter_chunks(["y_true"], chunk_rows=700)]
    assert starts == list(range(0, 3000, 700))
    assert source.locate("y_true", 2345) == (str(root / "part-002.parquet"), "y_true", 345)
    dataset = open_dataset(str(root))
    parts = dataset.parts([dataset.reader.layout(f) for f in dataset.files])
    assert [(part.start, part.offset) for part in parts] == [
        (0, 0),
        (400, 400),
        (800, 800),
        (1000, 0),
        (1400, 400),
        (1800, 800),
        (2000, 0),
        (2400, 400),
        (2800, 800),
    ]
    middle = dataset.reader.source(parts[4:6])
    assert [(c.start, c.num_rows) for c in middle.iter_chunks(["y_pred"], chunk_rows=300)] == [(1400, 300), (1700, 300)]
    assert middle.locate("y_pred", 1999) == (str(root / "part-001.parquet"), "y_pred", 999)


def test_datasets_that_do_not_hold_together(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no data")
    with pytest.raises(InputError, match="no data file in this directory"):
        open_source(str(empty))
    with pytest.raises(InputError, match="no data file matches this pattern"):
        open_source(str(tmp_path / "*.parquet"))

    mixed = write(tmp_path / "mixed", table("regression", 100), files=1, row_group_rows=100)
    write(mixed, table("regression", 100), files=1, row_group_rows=100, fmt="csv")
    with pytest.raises(InputError, match=r"several formats \(csv, parquet\)"):
        open_source(str(mixed))

    uneven = write(tmp_path / "uneven", table("regression", 100), files=2, row_group_rows=100, partition="k")
    pq.write_table(pa.table({"y_true": [1.0]}), uneven / "loose.parquet")
    with pytest.raises(InputError, match=r"partition directories \(none\) differ"):
        open_source(str(uneven))

    narrow = write(tmp_path / "narrow", table("regression", 100), files=2, row_group_rows=100)
    pq.write_table(pa.table({"y_true": [1.0], "y_hat": [1.0]}), narrow / "part-001.parquet")
    with pytest.raises(InputError) as error:
        evaluate(build_request(str(narrow), ["mse"]))
    assert str(error.value).startswith(f"{narrow / 'part-001.parquet'}, column 'y_pred': this file of the dataset")


def touched(path: Path) -> None:
    """``path`` written again with the same bytes, its modification time a second later."""
    info = path.stat()
    path.write_bytes(path.read_bytes())
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("when", ["before it is read", "while it is read"])
def test_a_file_changed_since_the_listing_is_an_error(tmp_path, fmt, when):
    """The rows of a dataset are planned from its files as they were listed: a file written
    to before or while it is read is an error that names it, not a read of other rows."""
    root = write(tmp_path / "d", table("regression", 900), files=3, row_group_rows=150, fmt=fmt)
    source = open_source(str(root))
    chunks = source.iter_chunks(["y_true"], chunk_rows=100, exact=False)
    first = next(chunks)
    assert first.start == 0
    changed = root / f"part-{0 if when == 'while it is read' else 1:03d}.{fmt}"
    touched(changed)
    with pytest.raises(InputError) as error:
        list(chunks)
    assert str(error.value) == f"{changed}: the file changed while it was being read"


def test_fsspec_urls_read_in_place_or_through_a_copy(tmp_path):
    rows = table("regression", 1200)
    local_root = write(tmp_path / "d", rows, files=2, row_group_rows=500, partition="region")
    write(tmp_path / "c", rows, files=2, row_group_rows=500, fmt="csv")
    memory = fsspec.filesystem("memory")
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        memory.pipe(f"/lossctl-test/{path.relative_to(tmp_path).as_posix()}", path.read_bytes())
    try:
        for url, fmt in [("memory://lossctl-test/d", "parquet"), ("memory://lossctl-test/c/*.csv", "csv")]:
            source = open_source(url)
            assert (source.name, source.format) == (url, fmt)
            assert np.array_equal(column(source, "y_pred", chunk_rows=256), rows["y_pred"])
        regions = column(open_source("memory://lossctl-test/d"), "region", other=True)
        assert regions.tolist() == ["a"] * 600 + ["b"] * 600
        assert evaluate(build_request("memory://lossctl-test/d", ["mse"]))[0].rows == 1200
        with pytest.raises(InputError, match="no such file or directory"):
            open_source("memory://lossctl-test/nothing")
    finally:
        memory.rm("/lossctl-test", recursive=True)
    assert open_dataset(local_root.as_uri(), storage_options={"auto_mkdir": False}).reader.storage_options == {
        "auto_mkdir": False
    }


PANDAS_CHECK = """
import sys
from lossctl.io import open_source
list(open_source(sys.argv[1]).iter_chunks(["y_true"], ["k"]))
print("pandas" in sys.modules)
"""


def test_reading_a_dataset_does_not_import_pandas(tmp_path):
    root = write(tmp_path / "d", table("binary", 100), files=2, row_group_rows=50, partition="k")
    run = subprocess.run([sys.executable, "-c", PANDAS_CHECK, str(root)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
