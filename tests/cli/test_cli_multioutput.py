"""Multi-output regression on the command line: ``--y-true 'y_*' --y-pred 'p_*'`` pairs target
and prediction columns; ``--multioutput`` averages them as scikit-learn's ``multioutput``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn import metrics

import lossctl
from lossctl.engine.evaluate import evaluate
from lossctl.options.request import build_request

rng = np.random.default_rng(17)
Y = rng.normal(0.0, 1.0, (300, 2)) * np.array([1.0, 10.0])
P = Y + rng.normal(0.0, 1.0, (300, 2))
COLUMNS = {"y_a": Y[:, 0], "y_b": Y[:, 1], "p_a": P[:, 0], "p_b": P[:, 1]}
GLOBS = ["--y-true", "y_*", "--y-pred", "p_*"]


@pytest.fixture
def path(tmp_path: Path) -> str:
    out = tmp_path / "outputs.csv"
    rows = zip(*(values.tolist() for values in COLUMNS.values()), strict=True)
    out.write_text(",".join(COLUMNS) + "\n" + "".join(",".join(map(repr, row)) + "\n" for row in rows))
    return str(out)


def test_raw_gives_each_outputs_value_and_their_mean(invoke, path):
    doc = invoke("compute", "-l", "mse", "-l", "r2", *GLOBS, "--multioutput", "raw", path, "--format", "json").json()
    assert doc["inputs"][0]["multioutput"] == "raw"
    assert doc["inputs"][0]["roles"] == {"y_true": ["y_a", "y_b"], "y_pred": ["p_a", "p_b"]}
    for result, reference in zip(doc["results"], (metrics.mean_squared_error, metrics.r2_score), strict=True):
        assert result["value"] == pytest.approx(reference(Y, P), rel=1e-12)
        raw = reference(Y, P, multioutput="raw_values")
        assert [c["output"] for c in result["components"]] == ["y_a", "y_b"]
        assert [c["value"] for c in result["components"]] == pytest.approx(raw.tolist(), rel=1e-12)
    table = invoke("compute", "-l", "mse", *GLOBS, "--multioutput", "raw", path).stdout
    assert "mse of y_a" in table and "mse of y_b" in table


def test_variance_weighted_r2_as_scikit_learn(invoke, path):
    doc = invoke("compute", "-l", "r2", *GLOBS, "--multioutput", "variance-weighted", path, "--format", "json").json()
    expected = metrics.r2_score(Y, P, multioutput="variance_weighted")
    assert doc["results"][0]["value"] == pytest.approx(expected, rel=1e-12)
    assert "components" not in doc["results"][0]


def test_chunks_and_row_groups_give_the_apis_floats(tmp_path):
    target = tmp_path / "outputs.parquet"
    pq.write_table(pa.table(COLUMNS), target, row_group_size=37)
    request = build_request(str(target), ["mse", "mae", "r2"], y_true="y_*", y_pred="p_*", chunk_rows=29)
    evaluation, _ = evaluate(request)
    for result in evaluation.results:
        assert result.value == lossctl.compute(result.label, Y, P)


def test_compare_takes_every_regression_loss_per_output(invoke, path):
    result = invoke("compare", *GLOBS, path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    values = {r["loss"]: r["value"] for r in result.json()["results"]}
    assert values["mae"] == pytest.approx(metrics.mean_absolute_error(Y, P), rel=1e-12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-l", "mse", "--y-true", "y_*", "--y-pred", "p_a"], "matches 2 columns and --y-pred 'p_a' 1"),
        (["-l", "bce", *GLOBS], "bce is no regression loss"),
    ],
)
def test_outputs_that_do_not_pair_are_one_line(invoke, path, args, message):
    result = invoke("compute", *args, path)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
