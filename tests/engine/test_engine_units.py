"""The engine's small parts, each against a hand-made case: row numbers, groups, task
detection, the request builder, and losses resolved once per pass."""

from __future__ import annotations

import numpy as np
import pytest

from lossctl.engine import plan as plan_module
from lossctl.engine.detect import detect_task, task_of_values
from lossctl.engine.evaluate import evaluate
from lossctl.engine.groups import MISSING_GROUP, split_by_group
from lossctl.engine.request import CHUNK_ROWS, ColumnChoice
from lossctl.engine.rows import RowNumbers
from lossctl.engine.task import MATRIX, SCALAR, SCORES, Task, layout_of_roles
from lossctl.errors import UsageError
from lossctl.losses.tasks import BINARY, MULTICLASS, REGRESSION, WEIGHTS
from lossctl.options.request import build_request


def test_row_numbers_after_dropping_rows():
    rows = RowNumbers(100, 6)
    kept = rows.subset(np.array([True, False, True, True, False, True]))  # rows 101 and 104 dropped
    assert len(kept) == 4 and kept[1] == 102 and kept.array().tolist() == [100, 102, 103, 105]
    again = kept.subset(np.array([False, True, False, True]))
    assert again.array().tolist() == [102, 105]


def test_groups_of_text_and_numbers_with_missing_values():
    text = np.array(["b", "a", None, "b", ""], dtype=object)
    assert [(k, r.tolist()) for k, r in split_by_group(text)] == [("b", [0, 3]), ("a", [1]), (MISSING_GROUP, [2, 4])]
    numbers = np.array([2.0, np.nan, 1.0, 2.0])
    assert [(k, r.tolist()) for k, r in split_by_group(numbers)] == [(1.0, [2]), (2.0, [0, 3]), (MISSING_GROUP, [1])]


@pytest.mark.parametrize(
    ("y_true", "y_pred", "from_logits", "expected"),
    [
        ([0.0, 1.0, 1.0], [0.2, 0.9, 1.0], False, Task(BINARY)),
        ([0.0, 1.0, 1.0], [-2.0, 3.5, 1.0], False, Task(SCORES)),  # unbounded: decision scores
        ([0.0, 1.0, 1.0], [-2.0, 3.5, 1.0], True, Task(BINARY, from_logits=True)),
        ([-1.0, 1.0, 1.0], [0.2, 0.9, 0.1], False, Task(SCORES)),
        ([0.5, 2.0, 1.0], [0.2, 0.9, 0.1], False, Task(REGRESSION)),
        ([np.nan, np.nan], [0.2, 0.9], False, Task(REGRESSION)),
    ],
)
def test_task_of_values(y_true, y_pred, from_logits, expected):
    assert task_of_values(np.array(y_true), np.array(y_pred), from_logits=from_logits) == expected


def test_task_from_the_layout_or_the_user():
    assert detect_task(MATRIX, None, True, None) == Task(MULTICLASS, from_logits=True)
    assert detect_task("none", None, False, None) == Task(WEIGHTS)
    assert detect_task(SCALAR, BINARY, False, None) == Task(BINARY)  # --task wins
    assert layout_of_roles({"matrix": object()}) == MATRIX
    assert Task(SCORES).describe() == "binary (decision scores)"


def test_the_request_builder_applies_defaults_and_splits_by_concern():
    request = build_request("p.csv", ["mse"], y_true="t", delta=0.5, nan=None)
    assert request.source.columns == ColumnChoice("t", None, None)
    assert (request.source.nan, request.source.encoding) == ("error", "utf-8")  # declared defaults
    assert request.losses.parameters == {"delta": 0.5} and request.losses.from_logits is False
    assert (request.execution.engine, request.execution.chunk_rows) == ("local", CHUNK_ROWS)
    with pytest.raises(TypeError, match="unknown option 'dleta'"):
        build_request("p.csv", dleta=0.5)


def test_a_scheduler_without_the_dask_engine_is_refused():
    with pytest.raises(UsageError, match="--scheduler names a Dask cluster: add --engine dask"):
        evaluate(build_request("never-read.csv", ["mse"], scheduler="tcp://127.0.0.1:1"))


@pytest.mark.parametrize(("header", "resolutions"), [("y_true,y_pred", 1), ("y_true,logit", 2)])
def test_a_named_loss_is_resolved_once_per_pass(tmp_path, monkeypatch, header, resolutions):
    """Once; a second time only when the column names say logits (a different configuration:
    the loss then reads logits)."""
    calls = []
    original = plan_module.resolve

    def counting(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(plan_module, "resolve", counting)
    path = tmp_path / "p.csv"
    path.write_text(f"{header}\n1,0.5\n0,0.25\n")
    evaluation, _ = evaluate(build_request(str(path), ["bce"]))
    assert calls == ["bce"] * resolutions
    assert evaluation.task.from_logits is (resolutions == 2)
