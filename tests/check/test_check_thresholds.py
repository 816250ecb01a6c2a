"""Threshold checks from the command line: verdicts, inclusive boundaries at full precision,
severities, exit codes, how ``--loss`` pairs with the options after it."""

from __future__ import annotations

import json
import math

from ._data import MAE, MSE


def test_a_check_under_its_max_passes(repo, invoke):
    result = invoke("check", "preds.csv", "--loss", "mse", "--max", "1.5")
    assert result.exit_code == 0
    assert "mse max 1.5" in result.stdout and "PASS" in result.stdout
    assert result.stderr == "1 check: 1 passed, 0 failed, 0 warned\n"


def test_a_check_over_its_max_fails_with_the_values_in_full(repo, invoke):
    # mae(preds.csv) = 2/3 = 0.6666666666666666 > 0.5
    result = invoke("check", "preds.csv", "--loss", "mae", "--max", "0.5")
    assert result.exit_code == 1
    assert result.stderr == (
        "FAIL mae max 0.5 [preds.csv]: mae 0.6666666666666666 > max 0.5\n1 check: 0 passed, 1 failed, 0 warned\n"
    )


def test_max_is_inclusive_at_full_precision(repo, invoke):
    # mse(preds.csv) = (0^2 + 0^2 + 2^2) / 3 = 4/3, which is the double 1.3333333333333333.
    # (The text "1.3333333333333332" reads back as that same double; the double just below
    # 4/3 is 1.333333333333333.)
    assert MSE["preds.csv"] == 1.3333333333333333
    below = math.nextafter(4 / 3, 0.0)
    assert repr(below) == "1.333333333333333"

    equal = invoke("check", "preds.csv", "--loss", "mse", "--max", "1.3333333333333333")
    assert equal.exit_code == 0

    just_below = invoke("check", "preds.csv", "--loss", "mse", "--max", "1.333333333333333")
    assert just_below.exit_code == 1
    assert "mse 1.3333333333333333 > max 1.333333333333333\n" in just_below.stderr


def test_min_is_inclusive(repo, invoke):
    # mae(preds.csv) = 2/3 = 0.6666666666666666; the next double up is 0.6666666666666667.
    assert repr(math.nextafter(2 / 3, 1.0)) == "0.6666666666666667"
    assert invoke("check", "preds.csv", "--loss", "mae", "--min", "0.6666666666666666").exit_code == 0
    above = invoke("check", "preds.csv", "--loss", "mae", "--min", "0.6666666666666667")
    assert above.exit_code == 1
    assert "mae 0.6666666666666666 < min 0.6666666666666667\n" in above.stderr


def test_each_loss_takes_the_options_that_follow_it(repo, invoke):
    # mse = 4/3 <= 1.5 passes and mae = 2/3 > 0.5 fails; paired the other way round both
    # verdicts would flip (mse 4/3 > 0.5, mae 2/3 <= 1.5).
    result = invoke(
        "check", "preds.csv", "--loss", "mse", "--max", "1.5", "--loss", "mae", "--max", "0.5", "--format", "json"
    )
    assert result.exit_code == 1
    checks = json.loads(result.stdout)["checks"]
    assert [(c["spec"], c["limit"], c["verdict"]) for c in checks] == [("mse", 1.5, "pass"), ("mae", 0.5, "fail")]


def test_files_may_come_anywhere_among_the_options(repo, invoke):
    result = invoke("check", "--loss", "mse", "preds.csv", "--max", "1.5", "better.csv", "--format", "json")
    assert result.exit_code == 0
    checks = json.loads(result.stdout)["checks"]
    assert [(c["input"], c["value"]) for c in checks] == [
        ("preds.csv", MSE["preds.csv"]),
        ("better.csv", MSE["better.csv"]),
    ]


def test_a_warn_check_reports_without_failing(repo, invoke):
    result = invoke("check", "preds.csv", "--loss", "mae", "--max", "0.5", "--severity", "warn", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["passed"] is True
    assert [(c["verdict"], c["severity"]) for c in document["checks"]] == [("warn", "warn")]
    assert result.stderr == (
        "WARN mae max 0.5 [preds.csv]: mae 0.6666666666666666 > max 0.5\n1 check: 0 passed, 0 failed, 1 warned\n"
    )


def test_exit_zero_reports_the_failure_and_exits_0(repo, invoke):
    result = invoke("check", "preds.csv", "--loss", "mae", "--max", "0.5", "--exit-zero", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["passed"] is False
    assert result.stderr.endswith("1 check: 0 passed, 1 failed, 0 warned (--exit-zero: exit 0)\n")


def test_one_failure_among_passes_fails_the_run(repo, invoke):
    result = invoke(
        "check",
        "preds.csv",
        "worse.csv",
        "--loss",
        "mae",
        "--max",
        "0.9",
        "--loss",
        "mse",
        "--max",
        "5",
        "--format",
        "json",
    )
    # mae: 2/3 <= 0.9 passes on preds.csv, 1 > 0.9 fails on worse.csv; mse: 4/3 and 3 <= 5 pass.
    assert result.exit_code == 1
    verdicts = [(c["input"], c["spec"], c["verdict"]) for c in json.loads(result.stdout)["checks"]]
    assert verdicts == [
        ("preds.csv", "mae", "pass"),
        ("worse.csv", "mae", "fail"),
        ("preds.csv", "mse", "pass"),
        ("worse.csv", "mse", "pass"),
    ]
    assert MAE["worse.csv"] == 1.0


def test_a_nan_value_fails(repo, invoke):
    (repo / "holes.csv").write_text("y_true,y_pred\n1,1\n2,\n", encoding="utf-8")
    result = invoke("check", "holes.csv", "--nan", "propagate", "--loss", "mse", "--max", "1", "--format", "json")
    assert result.exit_code == 1
    [check] = json.loads(result.stdout)["checks"]
    assert check["value"] is None
    assert check["message"] == "mse is nan, which fails <= max 1.0"


def test_the_loss_spec_is_canonical_and_its_parameters_apply(repo, invoke):
    # huber, delta = 1: errors 0, 0, 2 -> 0, 0, delta * (|2| - delta/2) = 1.5 -> mean 0.5.
    result = invoke("check", "preds.csv", "--loss", "huber:delta=1.0", "--max", "0.5", "--format", "json")
    assert result.exit_code == 0
    [check] = json.loads(result.stdout)["checks"]
    assert (check["name"], check["loss"], check["spec"], check["value"]) == (
        "huber:delta=1.0 max 0.5",
        "huber",
        "huber",
        0.5,
    )


def test_a_missing_input_is_exit_2(repo, invoke):
    result = invoke("check", "missing.csv", "--loss", "mse", "--max", "1")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: missing.csv")


def test_an_unknown_loss_is_exit_2(repo, invoke):
    result = invoke("check", "preds.csv", "--loss", "msee", "--max", "1")
    assert result.exit_code == 2
    assert "msee" in result.stderr


def test_usage_errors_are_exit_2_with_one_line(repo, invoke):
    cases = {
        (
            "--max",
            "1",
            "--loss",
            "mse",
        ): "Error: --max 1.0 comes before any --loss: check options apply to the --loss before them\n",
        (
            "--loss",
            "mse",
            "--max",
            "1",
            "--max",
            "2",
        ): "Error: --loss mse: --max given twice; repeat --loss for another check\n",
        ("--loss", "mse", "--max", "1", "--min", "0"): (
            "Error: --loss mse: a check needs exactly one of --max, --min, --baseline, --baseline-file; found --max, --min"
            " (write one check per condition)\n"
        ),
        ("--loss", "mse"): (
            "Error: --loss mse: a check needs exactly one of --max, --min, --baseline, --baseline-file; found none"
            " (write one check per condition)\n"
        ),
        ("--loss", "mse", "--max", "1", "--rtol", "0.1"): (
            "Error: --loss mse: --rtol applies to a baseline only; give --baseline or --baseline-file\n"
        ),
        ("--loss", "mse", "--max", "1", "--loss", "mse", "--max", "1"): (
            "Error: two checks are named 'mse max 1.0'; give one a --name\n"
        ),
        ("--loss", "mse", "--max", "inf"): "Error: --loss mse --max: must be a finite number, not inf\n",
        (
            "--loss",
            "mse",
            "--max",
            "1",
            "--nan",
            "skip",
        ): "Error: --nan: must be one of error, drop, propagate, not 'skip'\n",
        (): (
            "Error: no checks: give --loss SPEC --max X (or --min, --baseline),"
            " or [[tool.lossctl.checks]] in pyproject.toml or lossctl.toml\n"
        ),
    }
    for args, message in cases.items():
        result = invoke("check", "preds.csv", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", message), args


def test_a_check_without_any_file_is_exit_2(repo, invoke):
    result = invoke("check", "--loss", "mse", "--max", "1")
    assert result.exit_code == 2
    assert result.stderr == "Error: mse max 1.0: no input file; give FILE, or files = [...] in the configuration\n"


def test_a_scheduler_without_the_dask_engine_is_refused_as_compute_refuses_it(repo, invoke):
    """``--scheduler`` names a Dask cluster; without ``--engine dask`` both commands exit 2
    with the same line (check used to ignore it and pass)."""
    scheduler = ("--scheduler", "tcp://127.0.0.1:1")
    checked = invoke("check", "preds.csv", "--loss", "mse", "--max", "5", *scheduler)
    computed = invoke("compute", "-l", "mse", *scheduler, "preds.csv")
    expected = "Error: --scheduler names a Dask cluster: add --engine dask\n"
    assert (checked.exit_code, checked.stdout, checked.stderr) == (2, "", expected)
    assert (computed.exit_code, computed.stderr) == (2, expected)
