"""``--ci`` on the skill and calibration scores: an interval for d2 and the equal-width
calibration scores, a reason for mce."""

from __future__ import annotations

import numpy as np

from .conftest import document, ok, write


def _binary(path) -> None:
    rng = np.random.default_rng(3)
    p = rng.random(600)
    y = (rng.random(600) < np.maximum(p - 0.1, 0.0)).astype(int)
    write(path, "y_true,y_pred\n" + "".join(f"{a},{b!r}\n" for a, b in zip(y.tolist(), p.tolist(), strict=True)))


def test_ece_and_d2_get_an_interval_and_mce_says_why_not(run, tmp_path):
    _binary(tmp_path / "cal.csv")
    result = ok(run("compute", "-l", "ece", "-l", "d2:bce", "-l", "mce", "cal.csv", "--ci", "--format", "json"))
    ece, d2, mce = document(result)["results"]
    for scored in (ece, d2):
        ci = scored["ci"]
        assert (ci["level"], ci["method"]) == (0.95, "normal")
        assert ci["low"] < scored["value"] < ci["high"] and ci["se"] > 0
    assert "ci" not in mce
    assert "mce: no interval for a maximum over bins" in result.stderr


def test_the_table_shows_the_interval_of_ece(run, tmp_path):
    _binary(tmp_path / "cal.csv")
    out = ok(run("compute", "-l", "ece", "cal.csv", "--ci", "--ci-method", "bootstrap")).stdout
    row = next(line for line in out.splitlines() if line.startswith("│ ece"))
    low, high = (float(x) for x in row.split("[")[1].split("]")[0].split(", "))
    assert 0 <= low < high <= 1


def test_explain_says_how_the_interval_of_ece_is_made(run):
    out = ok(run("explain", "ece")).stdout
    line = next(line for line in out.splitlines() if line.startswith("intervals (--ci)"))
    assert "jackknife" in line and "bootstrap" in line and "biased upward" in line


def test_explain_brier_uncertainty_says_it_has_no_binning_bias(run):
    """brier-uncertainty is base_rate (1 - base_rate): no bins, so the warning of the binned
    scores' upward bias is not its."""
    out = run("explain", "brier-uncertainty").stdout
    line = next(line for line in out.splitlines() if line.startswith("intervals (--ci): "))
    assert "no bias from binning" in line and "biased upward" not in line
