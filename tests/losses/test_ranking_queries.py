"""ranking-softmax of lists given as rows grouped by a query id: optax's values (stored by
``tests/reference/make_ranking_fixtures.py``, which pads each case's lists to one length and
masks the padding with ``where``: the tests need no jax), the same float however the rows are
ordered, split and merged, and the documented example worked by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import lossctl
from lossctl.losses import get_spec
from lossctl.losses.errors import InputDomainError, LossError

from ._support import assert_close, merged_in_parts, rng_for

FIXTURES = json.loads((Path(__file__).parents[1] / "reference" / "ranking_fixtures.json").read_text())
CASES = FIXTURES["cases"]


def arrays(case: dict) -> dict[str, np.ndarray]:
    return {key: np.array(case[key]) for key in ("query", "relevance", "score", "weight")}


def compute(case: dict, loss: str = "ranking-softmax") -> float:
    a = arrays(case)
    return lossctl.compute(loss, a["relevance"], a["score"], query=a["query"], sample_weight=a["weight"])


@pytest.mark.parametrize("k", range(len(CASES)))
def test_optax_gives_the_same_value(k):
    assert_close(compute(CASES[k]), CASES[k]["expected"])


def test_optax_documented_example_by_hand():
    """optax's docstring: lists [2, 1, (0)] and [1, 0.5, 1.5], labels [1, 0, (0)] and
    [0, 0, 1], the third item of the first list masked out: 0.497. By hand, each list's loss
    is log sum_j exp(s_j) - s_relevant."""
    first = math.log(math.exp(2.0) + math.exp(1.0)) - 2.0
    second = math.log(math.exp(1.0) + math.exp(0.5) + math.exp(1.5)) - 1.5
    value = lossctl.compute(
        "ranking-softmax", [1.0, 0.0, 0.0, 0.0, 1.0], [2.0, 1.0, 1.0, 0.5, 1.5], query=[7, 7, 9, 9, 9]
    )
    assert_close(value, (first + second) / 2.0)
    assert f"{value:.3f}" == "0.497"


def test_cut_anywhere_and_merged_in_order_changes_no_bit():
    """Each list's loss is computed from the whole list, the lists' summed exactly: cuts inside
    a query (its rows joined at the merge) or between queries give the same float."""
    loss = get_spec("ranking-softmax").configure()
    rng = rng_for("ranking split")
    for case in sorted(CASES, key=lambda c: -len(c["query"]))[:6]:
        a = arrays(case)
        rows = {"y_true": a["relevance"], "y_pred": a["score"], "query": a["query"], "sample_weight": a["weight"]}
        whole = compute(case)
        for parts in (2, 3, 6):
            cuts = sorted(rng.choice(np.arange(1, len(a["query"])), parts - 1, replace=False).tolist())
            assert merged_in_parts(loss, rows, cuts, in_order=True).result() == whole
        every_row = merged_in_parts(loss, rows, list(range(1, len(a["query"]))), in_order=True)  # a part per row
        assert every_row.result() == whole


def test_empty_parts_change_nothing():
    """Parts of no rows (a chunk whose rows were all dropped) between, before and after others."""
    case = CASES[2]
    a = arrays(case)
    rows = {"y_true": a["relevance"], "y_pred": a["score"], "query": a["query"], "sample_weight": a["weight"]}
    n = len(a["query"])
    state = merged_in_parts(get_spec("ranking-softmax").configure(), rows, [0, 0, n // 2, n // 2, n, n], in_order=True)
    assert state.result() == compute(case)


def test_a_query_that_comes_back_names_its_row_and_id():
    with pytest.raises(
        InputDomainError, match="query id 'a' came back after other queries: .*sort the file by query"
    ) as caught:
        lossctl.compute("ranking-softmax", [1, 0, 1, 0], [2.0, 1.0, 0.0, 3.0], query=["a", "b", "a", "b"])
    assert caught.value.index == 2  # the first row of a query already closed


def test_a_query_that_comes_back_in_a_later_part_is_the_error_of_the_merged_result():
    loss = get_spec("ranking-softmax").configure()
    rows = {"y_true": np.array([1.0, 0.0, 1.0, 0.0]), "y_pred": np.zeros(4), "query": np.array([1, 2, 3, 1])}
    with pytest.raises(LossError, match="query id 1 came back"):
        merged_in_parts(loss, rows, [2], in_order=True).result()


def test_text_and_integer_ids_group_alike():
    """The same lists under ids 7, 9 and 'x', 'y': the same value."""
    relevance, scores = [1.0, 0.0, 0.0, 0.0, 1.0], [2.0, 1.0, 1.0, 0.5, 1.5]
    numbers = lossctl.compute("ranking-softmax", relevance, scores, query=[7, 7, 9, 9, 9])
    text = lossctl.compute("ranking-softmax", relevance, scores, query=["x", "x", "y", "y", "y"])
    assert numbers == text


def test_scores_of_1e300_do_not_overflow():
    """Each list's largest score is subtracted first: the values of scores shifted by 1e300
    are those of the scores (the shift is exact for scores that are multiples of 2**1000)."""
    scores = np.array([2.0, 1.0, 3.0, 0.0]) * 2.0**1000
    value = lossctl.compute("ranking-softmax", [1.0, 0.0, 0.0, 1.0], scores, query=[1, 1, 1, 2])
    # list 1: s_max - s_relevant = 2**1000 dominates (the other terms underflow); list 2: one item, 0
    assert value == 2.0**1000 / 2.0


def test_a_negative_relevance_names_its_row():
    with pytest.raises(InputDomainError, match=">= 0") as caught:
        lossctl.compute("ranking-softmax", [1.0, -1.0], [0.0, 1.0], query=[1, 1])
    assert caught.value.index == 1


def test_the_command_line_groups_rows_by_the_query_column(invoke, tmp_path):
    case = CASES[1]
    path = tmp_path / "ltr.csv"
    lines = ["qid,relevance,score,weight"]
    lines += [
        f"{q!r},{r!r},{s!r},{w!r}"
        for q, r, s, w in zip(*(case[k] for k in ("query", "relevance", "score", "weight")), strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    ran = invoke("compute", "-l", "ranking-softmax", path, "--format", "json")
    assert ran.exit_code == 0, ran.stderr
    assert ran.json()["results"][0]["value"] == compute(case)


def test_the_command_line_names_the_missing_query_column(invoke, tmp_path):
    path = tmp_path / "noquery.csv"
    path.write_text("relevance,score\n1,2\n0,1\n")
    ran = invoke("compute", "-l", "ranking-softmax", path)
    assert ran.exit_code == 2
    assert "no query column" in ran.stderr and "--query" in ran.stderr


def test_reduction_sum_is_the_sum_over_the_lists():
    """reduction=sum is optax's reduce_fn=jnp.sum: the two lists of the documented example,
    each worked by hand, added."""
    first = math.log(math.exp(2.0) + math.exp(1.0)) - 2.0
    second = math.log(math.exp(1.0) + math.exp(0.5) + math.exp(1.5)) - 1.5
    value = lossctl.compute(
        "ranking-softmax:reduction=sum", [1.0, 0.0, 0.0, 0.0, 1.0], [2.0, 1.0, 1.0, 0.5, 1.5], query=[7, 7, 9, 9, 9]
    )
    assert_close(value, first + second)


def test_an_interval_of_lists_grouped_by_query_says_why_there_is_none(invoke, tmp_path):
    path = tmp_path / "ltr.csv"
    path.write_text("qid,relevance,score\n1,1,2\n1,0,1\n2,0,1\n2,1,3\n")
    ran = invoke("compute", "-l", "ranking-softmax", "--ci", path)
    assert ran.exit_code == 0
    assert "no interval for lists grouped by a query column" in ran.stderr


def write_case(path: Path, case: dict) -> Path:
    lines = ["qid,relevance,score,weight"]
    lines += [
        f"{q},{r!r},{s!r},{w!r}"
        for q, r, s, w in zip(*(case[k] for k in ("query", "relevance", "score", "weight")), strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("chunk_rows", [1, 3, 7, 1 << 16])
def test_the_engine_streams_text_ids_in_chunks_of_any_size(tmp_path, chunk_rows):
    """A file of text query ids read a few rows at a time: optax's value, the same float
    whatever the chunks (a query open at a chunk's end goes on in the next)."""
    from lossctl.engine.evaluate import evaluate
    from lossctl.options.request import build_request

    case = max((c for c in CASES if isinstance(c["query"][0], str)), key=lambda c: len(c["query"]))
    path = write_case(tmp_path / "ltr.csv", case)
    evaluation, _ = evaluate(build_request(str(path), ["ranking-softmax"], chunk_rows=chunk_rows))
    assert evaluation.results[0].value == compute(case)
    assert_close(evaluation.results[0].value, case["expected"])


def test_the_command_line_names_file_column_row_and_id_of_an_unsorted_query(invoke, tmp_path):
    path = tmp_path / "unsorted.csv"
    path.write_text("qid,relevance,score\nq1,1,2\nq2,0,1\nq1,0,1\nq2,1,3\n")
    ran = invoke("compute", "-l", "ranking-softmax", path)
    assert ran.exit_code == 2
    assert len(ran.stderr.strip().splitlines()) == 1
    for part in (
        str(path),
        "column 'qid'",
        "row 3",
        "query id 'q1' came back after other queries",
        "sort the file by query",
    ):
        assert part in ran.stderr


def test_a_column_named_group_is_the_query_column(invoke, tmp_path):
    """The documented example with its query column named ``group``: 0.497 (worked above)."""
    path = tmp_path / "grouped.csv"
    path.write_text("group,relevance,score\n7,1,2\n7,0,1\n9,0,1\n9,0,0.5\n9,1,1.5\n")
    ran = invoke("compute", "-l", "ranking-softmax", path, "--format", "json")
    assert ran.exit_code == 0, ran.stderr
    assert f"{ran.json()['results'][0]['value']:.3f}" == "0.497"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_empty_text_query_id_is_a_missing_value(invoke, tmp_path, fmt):
    """An empty cell of a text query column (empty text in CSV, null in Parquet) is no query
    named "": the NaN policy's missing value, an error naming its row, or a row --nan drop
    leaves out. By hand, without row 3: q1's list (scores 2 and 1, the first relevant) loses
    log(e^2 + e^1) - 2 = 0.313262, q2's (relevance 0) nothing: the mean is 0.156631."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / f"ltr.{fmt}"
    table = pa.table(
        {"qid": ["q1", "q1", None, "q2"], "relevance": [1.0, 0.0, 0.0, 0.0], "score": [2.0, 1.0, 3.0, 1.0]}
    )
    if fmt == "csv":
        path.write_text("qid,relevance,score\nq1,1,2\nq1,0,1\n,0,3\nq2,0,1\n")
    else:
        pq.write_table(table, path)
    failed_run = invoke("compute", "-l", "ranking-softmax", path)
    assert failed_run.exit_code == 2
    assert "column 'qid', row 3: missing value" in failed_run.stderr and "Traceback" not in failed_run.stderr
    ran = invoke("compute", "-l", "ranking-softmax", "--nan", "drop", path, "--format", "json")
    assert ran.exit_code == 0, ran.stderr
    assert_close(ran.json()["results"][0]["value"], (math.log(math.exp(2.0) + math.exp(1.0)) - 2.0) / 2.0)
