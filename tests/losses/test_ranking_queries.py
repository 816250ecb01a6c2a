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
from lossctl.losses.errors import InputDomainError

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


def test_the_order_of_the_rows_split_and_merged_changes_no_bit():
    case = max(CASES, key=lambda c: len(c["query"]))
    a = arrays(case)
    whole = compute(case)
    loss = get_spec("ranking-softmax").configure()
    rows = {"y_true": a["relevance"], "y_pred": a["score"], "query": a["query"], "sample_weight": a["weight"]}
    rng = rng_for("ranking split")
    for _ in range(5):
        order = rng.permutation(len(a["query"]))
        shuffled = {role: column[order] for role, column in rows.items()}
        cuts = sorted(rng.choice(np.arange(1, len(order)), 3, replace=False).tolist())
        assert merged_in_parts(loss, shuffled, cuts).result() == whole


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
