"""Scores (higher is better) at the gate: ``min`` thresholds, baselines that fail on a fall,
and the best marked as the highest. r2 of the check files, by hand: y = [1, 2, 3] has mean 2
and total sum of squares 2, so r2 = 1 - SSE / 2: preds.csv (SSE 4) -1, better.csv (SSE 1)
0.5, worse.csv (SSE 9) -3.5."""

from __future__ import annotations

import json

import pytest

R2 = {"preds.csv": -1.0, "better.csv": 0.5, "worse.csv": -3.5}


def test_min_on_a_score(repo, invoke):
    assert invoke("check", "better.csv", "-l", "r2", "--min", "0.5").exit_code == 0  # inclusive
    failed = invoke("check", "better.csv", "-l", "r2", "--min", "0.8")
    assert failed.exit_code == 1
    assert "r2 0.5 < min 0.8" in failed.stderr


def test_a_score_fails_its_baseline_when_it_falls(repo, invoke):
    assert invoke("compute", "-l", "r2", "better.csv", "--format", "json", "-o", "base.json").exit_code == 0
    fell = invoke("check", "preds.csv", "-l", "r2", "--baseline", "base.json")
    assert fell.exit_code == 1
    assert "r2 -1.0 < 0.5 (baseline 0.5 - tolerance 0.0)" in fell.stderr
    assert invoke("check", "better.csv", "-l", "r2", "--baseline", "base.json").exit_code == 0
    # A tolerance of 1.5 below the baseline admits -1.0, not -3.5.
    assert invoke("check", "preds.csv", "-l", "r2", "--baseline", "base.json", "--atol", "1.5").exit_code == 0
    assert invoke("check", "worse.csv", "-l", "r2", "--baseline", "base.json", "--atol", "1.5").exit_code == 1


def test_a_score_that_rises_passes_its_baseline(repo, invoke):
    assert invoke("compute", "-l", "r2", "worse.csv", "--format", "json", "-o", "base.json").exit_code == 0
    assert invoke("check", "better.csv", "-l", "r2", "--baseline", "base.json").exit_code == 0


def test_json_says_which_way_is_better(repo, invoke):
    result = invoke("compute", "-l", "r2", "-l", "mse", "better.csv", "--format", "json")
    entries = {r["loss"]: r for r in json.loads(result.stdout)["results"]}
    assert entries["r2"]["value"] == R2["better.csv"]
    assert entries["r2"]["higher_is_better"] is True
    assert entries["mse"]["higher_is_better"] is False


def test_compare_marks_the_highest_score_and_the_lowest_loss(repo, invoke):
    result = invoke("compare", "preds.csv", "better.csv", "worse.csv", "-l", "r2", "-l", "mse")
    assert result.exit_code == 0, result.stderr
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if ".csv" in line and "│" in line}
    assert rows["better.csv"].count("*") == 2  # r2 0.5 is the highest, mse 1/3 the lowest
    assert "*" not in rows["preds.csv"] + rows["worse.csv"]


@pytest.mark.parametrize("config", ["min = 0.8", "max = 0.8"])
def test_configured_bounds_on_a_score(repo, invoke, config):
    (repo / "lossctl.toml").write_text(f'files = ["better.csv"]\n[[checks]]\nloss = "r2"\n{config}\n')
    result = invoke("check", "--config", "lossctl.toml")
    assert result.exit_code == (1 if config.startswith("min") else 0), result.stderr


def test_max_on_a_calibration_error(repo, invoke):
    # preds.csv is no classifier: a binary file of probabilities. ECE of y = [0, 1, 1, 0] and
    # p = [0.2, 0.8, 0.6, 0.4] with 2 bins: [0, 0.5) holds 0.2 and 0.4 (confidence 0.3, outcome
    # 0), [0.5, 1] 0.8 and 0.6 (0.7, outcome 1); ECE = 0.5 * 0.3 + 0.5 * 0.3 = 0.3.
    (repo / "clf.csv").write_text("y_true,y_pred\n0,0.2\n1,0.8\n1,0.6\n0,0.4\n")
    assert invoke("check", "clf.csv", "-l", "ece:bins=2", "--max", "0.31").exit_code == 0
    failed = invoke("check", "clf.csv", "-l", "ece:bins=2", "--max", "0.29")
    assert failed.exit_code == 1 and "ece:bins=2 0.3" in failed.stderr
