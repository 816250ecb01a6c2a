"""ranking-softmax of rows grouped by a query column on the Dask engine: a query cut by a row
group or a file is joined where the adjacent parts' states merge (in row order), so the value is
the local engine's, bit for bit, and optax's lists' mean; a query that comes back in a later part
is an error, not a wrong number."""

from __future__ import annotations

import numpy as np
import pytest
from dask_cluster import on_dask
from dask_data import write

import lossctl
from lossctl.engine.evaluate import evaluate
from lossctl.errors import InputError
from lossctl.options.request import build_request


def ltr_rows(queries: int, seed: int) -> dict[str, np.ndarray]:
    """Contiguous lists of 1 to 60 items under text ids in no order, graded labels 0..4."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 61, queries)
    ids = np.array([f"q{k}" for k in rng.permutation(queries)], dtype=object)
    n = int(sizes.sum())
    return {
        "qid": np.repeat(ids, sizes),
        "relevance": rng.integers(0, 5, n).astype(float),
        "score": rng.normal(0.0, 3.0, n),
    }


def test_queries_cut_by_row_groups_and_files_give_the_local_value(tmp_path, scheduler):
    rows = ltr_rows(150, 1)
    root = write(tmp_path / "ltr", rows, files=3, row_group_rows=500)  # about 4,500 rows: cuts inside lists
    request = build_request(str(root), ["ranking-softmax"], chunk_rows=128)
    mine, theirs = evaluate(request)[0], evaluate(on_dask(request, scheduler))[0]
    whole = lossctl.compute("ranking-softmax", rows["relevance"], rows["score"], query=rows["qid"])
    assert mine.results[0].value == theirs.results[0].value == whole


def test_a_query_that_comes_back_in_a_later_file_is_a_one_line_error(tmp_path, scheduler):
    rows = ltr_rows(150, 2)
    rows["qid"][-3:] = rows["qid"][0]  # the first query again, in the last file
    root = write(tmp_path / "unsorted", rows, files=3, row_group_rows=500)
    request = build_request(str(root), ["ranking-softmax"])
    with pytest.raises(InputError) as local:  # read in order: the row of the repeat
        evaluate(request)
    assert str(local.value).startswith(f"{root / 'part-002.parquet'}, column 'qid', row ")
    with pytest.raises(InputError) as dask:  # found where two parts merge: the file and the id
        evaluate(on_dask(request, scheduler))
    for caught in (local, dask):
        message = str(caught.value)
        assert f"query id {rows['qid'][0]!r} came back after other queries" in message
        assert "sort the file by query" in message and "\n" not in message
