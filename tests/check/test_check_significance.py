"""The significance gate: a check with ``significance`` fails only on a real regression, against
a baseline predictions file (paired) or a stored result written with ``compute --ci``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

N = 2000


def model(path: Path, y: np.ndarray, errors: np.ndarray) -> str:
    path.write_text(
        "y_true,y_pred\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(y.tolist(), (y + errors).tolist(), strict=True))
    )
    return path.name


@pytest.fixture
def models(repo: Path, invoke) -> dict[str, str]:
    """main.csv and two candidates on the same 2,000 rows, each with its own N(0, 1) errors,
    rescaled so that the candidates' MSE is exactly 0.5% and 10% above main's; and main.json,
    main's MSE with its interval."""
    rng = np.random.default_rng(21)
    y = rng.normal(0.0, 1.0, N)
    base = rng.normal(0.0, 1.0, N)
    target = np.mean(base**2)
    out = {"main": model(repo / "main.csv", y, base)}
    for name, factor in (("slightly", 1.005), ("worse", 1.10)):
        errors = rng.normal(0.0, 1.0, N)
        out[name] = model(repo / f"{name}.csv", y, errors * np.sqrt(factor * target / np.mean(errors**2)))
    assert invoke("compute", "-l", "mse", "--ci", "main.csv", "--format", "json", "-o", "main.json").exit_code == 0
    return out


def gate(invoke, candidate: str, *extra: str):
    """Both kinds of baseline in one run: paired against main.csv, unpaired against main.json."""
    return invoke(
        "check", candidate,
        "-l", "mse", "--baseline-file", "main.csv", "--significance", "0.05", *extra, "--name", "paired",
        "-l", "mse", "--baseline", "main.json", "--significance", "0.05", *extra, "--name", "stored",
        "--format", "json",
    )  # fmt: skip


def test_half_a_percent_on_noisy_rows_passes(invoke, models):
    result = gate(invoke, models["slightly"])
    assert result.exit_code == 0, result.stderr
    checks = json.loads(result.stdout)["checks"]
    for check in checks:
        assert check["value"] == pytest.approx(1.005 * check["baseline"], rel=1e-12)
        assert check["verdict"] == "pass" and check["p_value"] > 0.05
        low, high = check["diff_interval"]
        assert low < check["value"] - check["baseline"] < high
    # Without significance the same rise fails the plain baseline check.
    plain = invoke("check", models["slightly"], "-l", "mse", "--baseline-file", "main.csv")
    assert plain.exit_code == 1


def test_ten_percent_worse_fails(invoke, models):
    result = gate(invoke, models["worse"])
    assert result.exit_code == 1
    checks = json.loads(result.stdout)["checks"]
    assert [c["verdict"] for c in checks] == ["fail", "fail"]
    assert all(c["p_value"] < 0.05 and c["diff_interval"][0] > 0 for c in checks)
    assert "a regression, significant at 0.05" in result.stderr


def test_min_effect_absolute_or_relative(invoke, models):
    assert gate(invoke, models["worse"], "--min-effect", "2%").exit_code == 1
    assert gate(invoke, models["worse"], "--min-effect", "20%").exit_code == 0
    assert gate(invoke, models["worse"], "--min-effect", "0.5").exit_code == 0  # mse rose by about 0.1


def test_a_stored_baseline_without_an_interval_is_an_input_error(invoke, models):
    assert invoke("compute", "-l", "mse", "main.csv", "--format", "json", "-o", "plain.json").exit_code == 0
    result = invoke("check", models["worse"], "-l", "mse", "--baseline", "plain.json", "--significance", "0.05")
    assert result.exit_code == 2
    assert "has no interval" in result.stderr and "lossctl compute --ci" in result.stderr


def test_a_baseline_file_of_other_rows_is_an_input_error(invoke, repo, models):
    (repo / "short.csv").write_text("y_true,y_pred\n1,2\n2,2\n")
    result = invoke("check", models["worse"], "-l", "mse", "--baseline-file", "short.csv", "--significance", "0.05")
    assert result.exit_code == 2 and "the same rows" in result.stderr


def test_a_baseline_file_of_the_rows_in_another_order_is_an_input_error(invoke, repo, models):
    # Paired row by row, a shuffled baseline would pair unrelated rows: refused, not tested.
    lines = (repo / "main.csv").read_text().splitlines()
    (repo / "shuffled.csv").write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")
    result = invoke("check", models["worse"], "-l", "mse", "--baseline-file", "shuffled.csv", "--significance", "0.05")
    assert result.exit_code == 2, result.stderr
    assert "shuffled.csv: its labels differ from those of the same rows" in result.stderr


def test_junit_carries_the_test(invoke, models):
    result = invoke(
        "check", models["worse"], "-l", "mse", "--baseline-file", "main.csv", "--significance", "0.05",
        "--junit-xml", "report.xml",
    )  # fmt: skip
    assert result.exit_code == 1
    report = Path("report.xml").read_text()
    assert "p = " in report and "a regression, significant at 0.05" in report


def test_significance_needs_a_baseline(invoke, models):
    result = invoke("check", models["worse"], "-l", "mse", "--max", "2", "--significance", "0.05")
    assert result.exit_code == 2 and "--significance applies to a baseline only" in result.stderr


def test_configuration_keys(invoke, repo, models):
    (repo / "lossctl.toml").write_text(
        f'files = ["{models["worse"]}"]\n'
        "[[checks]]\n"
        'loss = "mse"\n'
        'baseline_file = "main.csv"\n'
        "significance = 0.05\n"
        'min_effect = "20%"\n'
    )
    assert invoke("check").exit_code == 0  # a real rise of 10%, but below the minimal effect
    (repo / "lossctl.toml").write_text(
        f'files = ["{models["worse"]}"]\n[[checks]]\nloss = "mse"\nbaseline_file = "main.csv"\nsignificance = 0.7\n'
    )
    result = invoke("check")
    assert result.exit_code == 2 and "significance level in (0, 0.5)" in result.stderr


def test_a_result_without_an_interval_is_an_input_error(invoke, repo, models):
    (repo / "one.csv").write_text("y_true,y_pred\n1,2\n")
    result = invoke("check", "one.csv", "-l", "mse", "--baseline", "main.json", "--significance", "0.05")
    assert result.exit_code == 2 and "no interval for mse" in result.stderr
    result = invoke(
        "check", models["worse"], "-l", "max-error", "--baseline-file", "main.csv", "--significance", "0.05"
    )
    assert result.exit_code == 2 and "no paired comparison" in result.stderr


def test_a_score_regresses_when_it_falls(invoke, models):
    # r2 = 1 - SSE / SST on the same targets: the 10% rise of the MSE is a fall of r2, a
    # regression; main against the worse model as its baseline is a rise, never a failure.
    def r2_gate(candidate: str, baseline: str):
        return invoke(
            "check", candidate, "-l", "r2", "--baseline-file", baseline, "--significance", "0.05", "--format", "json"
        )

    worse = r2_gate(models["worse"], "main.csv")
    assert worse.exit_code == 1
    check = json.loads(worse.stdout)["checks"][0]
    assert check["value"] < check["baseline"] and check["p_value"] < 0.05 and check["diff_interval"][1] < 0
    assert r2_gate(models["slightly"], "main.csv").exit_code == 0
    risen = r2_gate("main.csv", models["worse"])
    assert risen.exit_code == 0 and json.loads(risen.stdout)["checks"][0]["p_value"] > 0.5


def test_a_stored_standard_error_is_taken_over_the_intervals_width():
    # An RMSE's interval is not symmetric about its value: the stored se (the delta method's)
    # is what the test needs. diff = 0.3; se = hypot(0.1, 0.2) with the stored se; without it
    # the baseline's se is the width over 2 z: 10 / (2 * 1.96) = 2.55.
    from statistics import NormalDist

    from lossctl.check.significance import stored_regression
    from lossctl.losses.intervals import Interval

    new = Interval(0.95, 1.0, 1.6, "normal", 0.1)
    z = NormalDist().inv_cdf(0.975)
    with_se = stored_regression(1.3, new, 1.0, {"level": 0.95, "low": 0.0, "high": 10.0, "se": 0.2}, 0.05)
    assert with_se.p_value == pytest.approx(1.0 - NormalDist().cdf(0.3 / math.hypot(0.1, 0.2)), rel=1e-12)
    without = stored_regression(1.3, new, 1.0, {"level": 0.95, "low": 0.0, "high": 10.0}, 0.05)
    assert without.p_value == pytest.approx(1.0 - NormalDist().cdf(0.3 / math.hypot(0.1, 10.0 / (2 * z))), rel=1e-12)
