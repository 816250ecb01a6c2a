"""``--ci``: an interval beside every value, in the table and in the JSON."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from .conftest import document, ok


def test_ci_alone_before_the_file_is_95_percent(run, files):
    doc = document(run("compute", "-l", "mse", "--ci", "r.csv", "--format", "json"))
    (result,) = doc["results"]
    # Squared errors [0, 0, 0, 16]: mean 4, s^2 = (3 * 16 + 144) / 3 = 64, s / sqrt(4) = 4.
    z = NormalDist().inv_cdf(0.975)
    assert result["ci"] == {
        "level": 0.95,
        "low": pytest.approx(4 - 4 * z),
        "high": pytest.approx(4 + 4 * z),
        "method": "normal",
    }


def test_level_method_and_seed(run, files):
    first = document(
        run(
            "compute",
            "-l",
            "mae",
            "--ci",
            "0.8",
            "--ci-method",
            "bootstrap",
            "--seed",
            "9",
            "r.csv",
            "--format",
            "json",
        )
    )
    again = document(
        run("compute", "-l", "mae", "r.csv", "--ci=0.8", "--ci-method=bootstrap", "--seed=9", "--format", "json")
    )
    ci = first["results"][0]["ci"]
    assert ci == again["results"][0]["ci"]
    assert (ci["level"], ci["method"]) == (0.8, "bootstrap")
    # Absolute errors [0, 0, 0, 4]: every resample's mean is a multiple of 4/4 = 1 within [0, 4].
    assert 0 <= ci["low"] <= ci["high"] <= 4


def test_table_shows_the_interval_column(run, files):
    out = ok(run("compute", "-l", "mse", "-l", "rmse", "r.csv", "--ci")).stdout
    assert "95% interval" in out
    rmse_row = next(line for line in out.splitlines() if line.startswith("│ rmse"))
    low, high = (float(x) for x in rmse_row.split("[")[1].split("]")[0].split(", "))
    z = NormalDist().inv_cdf(0.975)
    assert low == pytest.approx(math.sqrt(max(4 - 4 * z, 0.0)), abs=1e-5)
    assert high == pytest.approx(math.sqrt(4 + 4 * z), rel=1e-5)


def test_a_loss_without_an_interval_says_why(run, files):
    result = ok(run("compute", "-l", "mse", "-l", "wasserstein-distance", "r.csv", "--ci", "--format", "json"))
    results = document(result)["results"]
    assert "ci" in results[0] and "ci" not in results[1]
    assert "wasserstein-distance: no interval for a loss of the whole samples" in result.stderr


def test_ci_level_is_checked(run, files):
    result = run("compute", "-l", "mse", "--ci", "1.5", "r.csv")
    assert result.exit_code == 2 and "--ci" in result.stderr


def test_compare_cells_carry_the_interval(run, files):
    out = ok(run("compare", "-l", "mse", "--ci", "r.csv", "b.csv")).stdout
    # b.csv: every error 1.5, so its squared errors do not vary: the interval is [2.25, 2.25].
    assert "2.25 [2.25, 2.25]" in out
