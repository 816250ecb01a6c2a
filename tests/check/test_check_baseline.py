"""Baseline checks: a ``lossctl compute --format json`` result read back; only a worse value
fails, by more than max(atol, rtol * |baseline|)."""

from __future__ import annotations

import json

import pytest

from ._data import MSE


@pytest.fixture
def base(repo, invoke) -> str:
    """base.json: mse(preds.csv) = 4/3, written by lossctl compute."""
    result = invoke("compute", "--loss", "mse", "--format", "json", "-o", "base.json", "preds.csv")
    assert result.exit_code == 0
    return "base.json"


def only_check(result) -> dict:
    [check] = json.loads(result.stdout)["checks"]
    return check


def test_round_trip_a_better_file_passes(invoke, base):
    result = invoke("check", "better.csv", "--loss", "mse", "--baseline", base, "--format", "json")
    assert result.exit_code == 0  # 1/3 < 4/3: an improvement passes
    check = only_check(result)
    assert (check["value"], check["baseline"], check["limit"], check["op"]) == (1 / 3, 4 / 3, 4 / 3, "<=")
    assert check["name"] == "mse baseline base.json"


def test_round_trip_a_worse_file_fails(invoke, base):
    result = invoke("check", "worse.csv", "--loss", "mse", "--baseline", base)
    assert result.exit_code == 1  # 3 > 4/3 + 0
    assert result.stderr == (
        "FAIL mse baseline base.json [worse.csv]: "
        "mse 3.0 > 1.3333333333333333 (baseline 1.3333333333333333 + tolerance 0.0)\n"
        "1 check: 0 passed, 1 failed, 0 warned\n"
    )


def test_round_trip_the_same_file_passes_without_tolerance(invoke, base):
    assert invoke("check", "preds.csv", "--loss", "mse", "--baseline", base).exit_code == 0
    assert MSE["preds.csv"] == 4 / 3


# base4.csv: y_true = 0 x 4, y_pred = 1 x 4 -> mse = 1 (the baseline);
# cand4.csv: y_pred = [1, 1, 1, 2] -> mse = (1 + 1 + 1 + 4) / 4 = 1.75, worse by 0.75.
@pytest.mark.parametrize(
    ("tolerances", "code"),
    [
        ((), 1),  # limit 1
        (("--rtol", "0.75"), 0),  # limit 1 + 0.75 * |1| = 1.75: equality passes
        (("--rtol", "0.5"), 1),  # limit 1.5
        (("--atol", "0.75"), 0),  # limit 1.75
        (("--atol", "0.5", "--rtol", "0.25"), 1),  # max(0.5, 0.25) = 0.5 -> 1.5 (a sum, 0.75, would pass)
        (("--atol", "0.25", "--rtol", "0.75"), 0),  # max(0.25, 0.75) = 0.75 -> 1.75
    ],
)
def test_tolerance_is_the_larger_of_atol_and_rtol_times_the_baseline(repo, invoke, tolerances, code):
    (repo / "base4.csv").write_text("y_true,y_pred\n0,1\n0,1\n0,1\n0,1\n", encoding="utf-8")
    (repo / "cand4.csv").write_text("y_true,y_pred\n0,1\n0,1\n0,1\n0,2\n", encoding="utf-8")
    assert invoke("compute", "--loss", "mse", "--format", "json", "-o", "b4.json", "base4.csv").exit_code == 0
    result = invoke("check", "cand4.csv", "--loss", "mse", "--baseline", "b4.json", *tolerances, "--format", "json")
    assert result.exit_code == code
    assert only_check(result)["value"] == 1.75


def test_the_baseline_result_of_the_same_file_name_is_used(repo, invoke):
    assert (
        invoke("compare", "-l", "mse", "preds.csv", "worse.csv", "--format", "json", "-o", "both.json").exit_code == 0
    )
    new = repo / "new"
    new.mkdir()
    (new / "preds.csv").write_text((repo / "worse.csv").read_text(), encoding="utf-8")  # mse 3
    (new / "worse.csv").write_text((repo / "preds.csv").read_text(), encoding="utf-8")  # mse 4/3
    result = invoke(
        "check", "new/preds.csv", "new/worse.csv", "--loss", "mse", "--baseline", "both.json", "--format", "json"
    )
    # new/preds.csv: 3 > baseline of preds.csv 4/3 fails; new/worse.csv: 4/3 <= baseline of worse.csv 3 passes.
    assert result.exit_code == 1
    checks = [(c["input"], c["value"], c["baseline"], c["verdict"]) for c in json.loads(result.stdout)["checks"]]
    assert checks == [("new/preds.csv", 3.0, 4 / 3, "fail"), ("new/worse.csv", 4 / 3, 3.0, "pass")]

    unmatched = invoke("check", "better.csv", "--loss", "mse", "--baseline", "both.json")
    assert (unmatched.exit_code, unmatched.stderr) == (
        2,
        "Error: both.json: several results for mse, and none from a file named 'better.csv'\n",
    )


def test_a_baseline_without_the_loss_is_exit_2(invoke, base):
    result = invoke("check", "preds.csv", "--loss", "mae", "--baseline", base)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: base.json: no result for mae (results for: mse)\n",
    )


def test_a_baseline_that_is_not_a_lossctl_result_is_exit_2(repo, invoke):
    (repo / "other.json").write_text('{"metrics": {"mse": 1.0}}', encoding="utf-8")
    result = invoke("check", "preds.csv", "--loss", "mse", "--baseline", "other.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: other.json: not a lossctl result")


def test_a_missing_baseline_is_exit_2_before_any_input_is_read(repo, invoke):
    result = invoke("check", "missing.csv", "--loss", "mse", "--baseline", "nowhere.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: nowhere.json: cannot read the baseline")


def test_a_config_baseline_is_relative_to_the_config(repo, invoke, base, monkeypatch):
    (repo / "pyproject.toml").write_text(
        '[tool.lossctl]\nfiles = ["worse.csv"]\n[[tool.lossctl.checks]]\nloss = "mse"\nbaseline = "base.json"\n'
        'atol = 1.0\nseverity = "warn"\n',
        encoding="utf-8",
    )
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    result = invoke("check", "--format", "json")
    # mse(worse.csv) = 3 > 4/3 + 1 = 7/3: a breach, reported as a warning.
    assert result.exit_code == 0
    check = only_check(result)
    assert (check["input"], check["verdict"], check["baseline"], check["limit"]) == (
        "../worse.csv",
        "warn",
        4 / 3,
        4 / 3 + 1,
    )
