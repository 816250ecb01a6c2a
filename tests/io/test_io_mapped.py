"""Inputs read through fresh memory maps (`RawFile.mapped`): CSV windows and Parquet row
groups. Each map is checked against the file as it was opened, so a file changed mid-read is
an error rather than a mix of two files, and no map outlives what was read from it."""

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
from lossctl.io import open_source
from lossctl.io.files import open_raw
from lossctl.io.streams import MappedWindows


def csv_pieces(path):
    """Windows of a 101-line CSV, 64 bytes at a time."""
    path.write_bytes(b"a,b\n" + b"1,2\n" * 100)
    return iter(MappedWindows(open_raw(str(path)), 64))


def parquet_pieces(path):
    """Chunks of a Parquet file of ten row groups, one group at a time."""
    pq.write_table(pa.table({"a": np.arange(100.0)}), path, row_group_size=10)
    return open_source(str(path)).iter_chunks(["a"], batch_rows=10)


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


@pytest.mark.parametrize("pieces", [csv_pieces, parquet_pieces], ids=["csv", "parquet"])
@pytest.mark.parametrize("change", ["replaced", "grown", "rewritten", "deleted"])
def test_a_file_changed_while_it_is_read_is_an_error(tmp_path, pieces, change):
    """The pieces come from the file that was opened, or stop with an error: never a mix of two."""
    path = tmp_path / "x"
    read = pieces(path)
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
        next(read)
    expected = (
        "cannot be read any more (No such file or directory)"
        if change == "deleted"
        else "changed while it was being read"
    )
    assert str(caught.value) == f"{path}: the file {expected}"


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
