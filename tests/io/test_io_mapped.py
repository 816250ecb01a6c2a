"""Inputs opened again for each piece they are read in (`RawFile.arrow_input`): CSV windows
and Parquet row groups, mapped, or through a plain file for a streamed row group. Each opening
is checked against the file as it was opened, and so is the file after the last piece, so a
file changed mid-read is an error rather than a mix of two files; no map outlives what was
read from it."""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from lossctl.errors import InputError
from lossctl.io import columnar, open_source
from lossctl.io.files import open_raw
from lossctl.io.windows import MappedWindows


def csv_pieces(path, whole: bool):
    """Windows of a 101-line CSV, 64 bytes at a time, or the whole text in one."""
    path.write_bytes(b"a,b\n" + b"1,2\n" * 100)
    return iter(MappedWindows(open_raw(str(path)), 4096 if whole else 64))


def parquet_pieces(path, whole: bool = False):
    """Chunks of a Parquet file, one row group of 10 rows at a time, or one group of 100."""
    rows = 100 if whole else 10
    pq.write_table(pa.table({"a": np.arange(100.0)}), path, row_group_size=rows)
    return open_source(str(path)).iter_chunks(["a"], chunk_rows=rows)


def streamed_parquet_pieces(path, whole: bool):
    """Chunks of a Parquet file of one row group of 100 rows, streamed (WHOLE_ROW_GROUP_CELLS
    set below 100) 10 rows at a time, or in one batch."""
    pq.write_table(pa.table({"a": np.arange(100.0)}), path)
    return open_source(str(path)).iter_chunks(["a"], chunk_rows=100 if whole else 10)


def maps_of(path) -> int:
    """How many maps of `path` the process holds (Linux's list of its maps names the file)."""
    with open("/proc/self/maps") as listing:
        return len({line.split()[0] for line in listing if line.rstrip().endswith(str(path))})


def settled_maps(path, expected: int) -> int:
    """`maps_of(path)` once it is `expected`, or after 5 s: Arrow's threads may let go of what
    they read from a map shortly after the call that read it has returned."""
    deadline = time.monotonic() + 5.0
    while maps_of(path) != expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return maps_of(path)


@pytest.mark.parametrize("whole", [False, True], ids=["between pieces", "after the last piece"])
@pytest.mark.parametrize(
    "pieces", [csv_pieces, parquet_pieces, streamed_parquet_pieces], ids=["csv", "parquet", "streamed parquet"]
)
@pytest.mark.parametrize("change", ["replaced", "grown", "rewritten", "deleted"])
def test_a_file_changed_while_it_is_read_is_an_error(tmp_path, monkeypatch, pieces, whole, change):
    """The pieces come from the file that was opened, or stop with an error: never a mix of
    two, even when the file changes after the last piece was handed out."""
    monkeypatch.setattr(columnar, "WHOLE_ROW_GROUP_CELLS", 50)  # streams groups of 100 rows
    path = tmp_path / "x"
    read = pieces(path, whole)
    next(read)
    if change == "replaced":
        (tmp_path / "y").write_bytes(path.read_bytes())
        os.replace(tmp_path / "y", path)
    elif change == "grown":
        with open(path, "ab") as file:
            file.write(b"3,4\n")
    elif change == "rewritten":  # the same bytes, written again later
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    else:
        path.unlink()
    with pytest.raises(InputError) as caught:
        list(read)
    expected = (
        "cannot be read any more (No such file or directory)"
        if change == "deleted"
        else "changed while it was being read"
    )
    assert str(caught.value) == f"{path}: the file {expected}"


def test_a_streamed_row_group_cut_short_is_an_error(tmp_path, monkeypatch):
    """A row group streamed batch by batch is read through a plain file, not a map: the file
    cut short in the middle of it is a one-line error, not the end of the process (SIGBUS)."""
    monkeypatch.setattr(columnar, "WHOLE_ROW_GROUP_CELLS", 50)
    path = tmp_path / "x.parquet"
    rng = np.random.default_rng(0)  # random values: pages that do not compress to nothing
    pq.write_table(pa.table({"a": rng.random(200_000)}), path, data_page_size=1 << 12)
    read = open_source(str(path)).iter_chunks(["a"], chunk_rows=1000)
    next(read)
    os.truncate(path, path.stat().st_size // 2)
    with pytest.raises(InputError) as caught:
        list(read)
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc/self/maps")
def test_mapped_windows_are_unmapped_when_released(tmp_path):
    """One map at a time while a window is held, none once it is released, although the table
    parsed from it lives on; `offset` says how far the windows reach."""
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 10_000)
    windows = MappedWindows(open_raw(str(path)), 4096)
    reached, tables = [], []
    for window in windows:
        assert settled_maps(path, 1) == 1 and window.to_pybytes()[-1:] == b"\n"
        tables.append(pcsv.read_csv(pa.BufferReader(window), read_options=pcsv.ReadOptions(column_names=["a", "b"])))
        reached.append(windows.offset)
    del window
    assert settled_maps(path, 0) == 0
    assert sum(table.num_rows for table in tables) == 10_001  # the header read as a row
    assert reached == sorted(reached) and reached[-1] == path.stat().st_size and len(reached) > 5


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc/self/maps")
def test_parquet_maps_one_row_group_at_a_time(tmp_path):
    """While the chunks of a row group are read, one map of the file is held; none once the
    read is over, although the chunks read live on."""
    path = tmp_path / "x.parquet"
    read = parquet_pieces(path)
    assert settled_maps(path, 0) == 0  # the footer's map was closed once it was read
    chunks = []
    for chunk in read:
        assert settled_maps(path, 1) == 1
        chunks.append(chunk)
    assert settled_maps(path, 0) == 0
    np.testing.assert_array_equal(np.concatenate([chunk.arrays["a"] for chunk in chunks]), np.arange(100.0))
