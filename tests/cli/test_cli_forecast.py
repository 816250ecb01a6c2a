"""Forecast files on the command line: columns found by name or named by option, the scores
that fit them computed by default, the same values as the Python API, and coverage never
marked best."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lossctl

FIXTURES = np.load(Path(__file__).resolve().parents[1] / "reference" / "forecast_fixtures.npz")
Y, MU, SIGMA, MEMBERS = (FIXTURES[name] for name in ("y", "mu", "sigma", "members"))


def write(path: Path, columns: dict[str, np.ndarray]) -> str:
    names = list(columns)
    rows = zip(*(columns[name].tolist() for name in names), strict=True)
    path.write_text(",".join(names) + "\n" + "".join(",".join(map(repr, row)) + "\n" for row in rows))
    return str(path)


@pytest.fixture
def forecast(tmp_path: Path) -> str:
    members = {f"member_{j}": MEMBERS[:, j] for j in range(MEMBERS.shape[1])}
    columns = {"y_true": Y, "mean": MU, "std": SIGMA, "lower": MU - 2 * SIGMA, "upper": MU + 2 * SIGMA, **members}
    return write(tmp_path / "forecast.csv", columns)


def test_the_scores_that_fit_are_found_and_agree_with_the_api(invoke, forecast):
    doc = invoke("compare", forecast, "--format", "json").json()
    assert doc["inputs"][0]["task"] == "forecast"
    values = {r["loss"]: r["value"] for r in doc["results"]}
    assert set(values) == {"interval-score", "coverage", "crps-gaussian", "crps-ensemble"}
    lower, upper = MU - 2 * SIGMA, MU + 2 * SIGMA
    assert values["crps-gaussian"] == lossctl.compute("crps-gaussian", Y, MU, scale=SIGMA)
    assert values["crps-ensemble"] == lossctl.compute("crps-ensemble", Y, None, members=MEMBERS)
    assert values["interval-score"] == lossctl.compute("interval-score", Y, None, lower=lower, upper=upper)
    assert values["coverage"] == np.mean((lower <= Y) & (Y <= upper))


def test_columns_named_by_option(invoke, tmp_path):
    path = write(tmp_path / "q.csv", {"obs": Y, "q05": MU - SIGMA, "q95": MU + SIGMA, "mu": MU, "s2": SIGMA**2})
    result = invoke(
        "compute", "-l", "interval-score:alpha=0.1", "-l", "gaussian-nll", path,
        "--y-true", "obs", "--lower", "q05", "--upper", "q95", "--variance", "s2", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    values = [r["value"] for r in result.json()["results"]]
    expected_interval = lossctl.compute("interval-score", Y, None, lower=MU - SIGMA, upper=MU + SIGMA, alpha=0.1)
    assert values == [expected_interval, lossctl.compute("gaussian-nll", Y, MU, variance=SIGMA**2)]


def test_a_named_score_without_its_column_is_exit_2_naming_the_option(invoke, forecast):
    result = invoke("compute", "-l", "gaussian-nll", forecast)
    assert result.exit_code == 2
    assert "gaussian-nll needs a column of the variance" in result.stderr and "--variance" in result.stderr


def test_coverage_is_never_marked_best(invoke, tmp_path):
    a = write(tmp_path / "a.csv", {"y_true": Y, "lower": MU - SIGMA, "upper": MU + SIGMA})
    b = write(tmp_path / "b.csv", {"y_true": Y, "lower": MU - 3 * SIGMA, "upper": MU + 3 * SIGMA})
    out = invoke("compare", a, b, env={"COLUMNS": "200"}).stdout  # a row per file, the long paths whole
    rows = [line for line in out.splitlines() if ".csv" in line and "│" in line]
    assert len(rows) == 2 and sum(row.count("*") for row in rows) == 1  # interval-score only
    doc = invoke("compare", a, b, "--format", "json").json()
    assert {r["loss"]: r["higher_is_better"] for r in doc["results"]}["coverage"] is None


def test_coverage_fails_its_baseline_on_a_change_either_way(invoke, tmp_path):
    narrow = write(tmp_path / "narrow.csv", {"y_true": Y, "lower": MU - 0.5 * SIGMA, "upper": MU + 0.5 * SIGMA})
    wide = write(tmp_path / "wide.csv", {"y_true": Y, "lower": MU - 3 * SIGMA, "upper": MU + 3 * SIGMA})
    base = tmp_path / "base.json"
    middle = write(tmp_path / "middle.csv", {"y_true": Y, "lower": MU - SIGMA, "upper": MU + SIGMA})
    assert invoke("compute", "-l", "coverage", middle, "--format", "json", "-o", base).exit_code == 0
    stored = json.loads(base.read_text())["results"][0]["value"]
    for path in (narrow, wide):
        result = invoke("check", path, "-l", "coverage", "--baseline", base)
        assert result.exit_code == 1, result.stderr
        assert f"from the baseline {stored!r}, beyond the tolerance" in result.stderr


def test_quantile_columns_are_found_with_their_levels(invoke, tmp_path):
    # Columns q_90, q_10 and q_50 (percents): put in the order of their levels, 0.1, 0.5, 0.9.
    columns = {"y_true": Y, "q_90": MU + SIGMA, "q_10": MU - SIGMA, "q_50": MU}
    path = write(tmp_path / "q.csv", columns)
    doc = invoke("compare", path, "--format", "json").json()
    [result] = doc["results"]
    assert result["loss"] == "quantile-set" and result["params"]["levels"] == [0.1, 0.5, 0.9]
    stacked = np.column_stack([columns["q_10"], columns["q_50"], columns["q_90"]])
    assert result["value"] == lossctl.compute("quantile-set", Y, None, quantiles=stacked, levels=(0.1, 0.5, 0.9))
    # Each level's own pinball loss beside the mean: the quantile loss of that column alone.
    each = [lossctl.compute("quantile", Y, stacked[:, k], quantile=q) for k, q in enumerate((0.1, 0.5, 0.9))]
    assert result["components"] == [{"level": q, "value": v} for q, v in zip((0.1, 0.5, 0.9), each, strict=True)]
    table = invoke("compute", "-l", "quantile-set", path).stdout
    assert all(f"quantile-set at {q}" in table for q in ("0.1", "0.5", "0.9"))
    # Named by option, with the levels given.
    other = write(tmp_path / "o.csv", {"y_true": Y, "low": MU - SIGMA, "high": MU + SIGMA})
    named = invoke("compute", "-l", "quantile-set:levels=[0.1,0.9]", "--quantiles", "[lh]*", other, "--format", "json")
    assert named.exit_code == 0, named.stderr
    expected = lossctl.compute("quantile-set", Y, None, quantiles=stacked[:, ::2], levels=(0.1, 0.9))
    assert named.json()["results"][0]["value"] == expected
