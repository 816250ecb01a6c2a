"""Two samples compared as distributions (wasserstein-distance, energy-distance) through
``lossctl compute``: samples of different sizes (a shorter column ending in empty cells, or two
files), weights of each sample's own, and the NaN policy on a gap. Expected values from SciPy.

u.csv: y_true [1, 3, 4, 0], y_pred [2, 5] then two empty cells.
"""

from __future__ import annotations

import math

import pytest
import scipy.stats

from .conftest import document, failed, ok, value, write

SCIPY = {"wasserstein-distance": scipy.stats.wasserstein_distance, "energy-distance": scipy.stats.energy_distance}
U, V = [1.0, 3.0, 4.0, 0.0], [2.0, 5.0]
U_WEIGHTS, V_WEIGHTS = [1.0, 2.0, 3.0, 1.0], [2.0, 1.0]


@pytest.fixture
def samples(files):
    write(files / "u.csv", "y_true,y_pred\n1,2\n3,5\n4,\n0,\n")
    write(files / "w.csv", "y_true,y_pred,u_weights,v_weights\n1,2,1,2\n3,5,2,1\n4,,3,\n0,,1,\n")
    write(files / "named.csv", "a,b,wa,wb\n1,2,1,2\n3,5,2,1\n4,,3,\n0,,1,\n")
    write(files / "true.csv", "y_true\n1\n3\n4\n0\n")
    write(files / "pred.csv", "y_pred\n2\n5\n")
    write(files / "gap.csv", "y_true,y_pred\n1,2\n,5\n4,\n0,\n")
    return files


@pytest.mark.parametrize("loss", list(SCIPY))
def test_a_shorter_column_is_a_smaller_sample(run, samples, loss):
    doc = document(run("compute", "-l", loss, "u.csv", "--format", "json"))
    (result,) = doc["results"]
    assert result["value"] == pytest.approx(SCIPY[loss](U, V), rel=1e-12)
    assert result["n"] == 4
    assert "dropped_rows" not in doc["inputs"][0]


@pytest.mark.parametrize("loss", list(SCIPY))
def test_two_files_of_different_lengths(run, samples, loss):
    expected = SCIPY[loss](U, V)
    assert value(run("compute", "-l", loss, "pred.csv", "true.csv", "--format", "json")) == pytest.approx(expected)
    assert value(run("compute", "-l", loss, "true.csv", "pred.csv", "--format", "json")) == pytest.approx(expected)


@pytest.mark.parametrize("loss", list(SCIPY))
def test_weights_of_each_samples_own(run, samples, loss):
    expected = SCIPY[loss](U, V, U_WEIGHTS, V_WEIGHTS)
    assert value(run("compute", "-l", loss, "w.csv", "--format", "json")) == pytest.approx(expected, rel=1e-12)
    named = ("--y-true", "a", "--y-pred", "b", "--u-weights", "wa", "--v-weights", "wb")
    doc = document(run("compute", "-l", loss, "named.csv", *named, "--format", "json"))
    assert doc["results"][0]["value"] == pytest.approx(expected, rel=1e-12)
    assert doc["inputs"][0]["roles"]["u_weights"] == ["wa"]


def test_both_distances_in_one_pass(run, samples):
    doc = document(run("compute", "-l", "wasserstein-distance", "-l", "energy-distance", "u.csv", "--format", "json"))
    assert [r["value"] for r in doc["results"]] == pytest.approx([SCIPY[loss](U, V) for loss in SCIPY], rel=1e-12)


def test_a_gap_before_the_columns_last_value_follows_the_nan_policy(run, samples):
    # gap.csv: y_true has an empty cell at row 2 and values after it; y_pred ends at row 2.
    failed(run("compute", "-l", "energy-distance", "gap.csv"), "gap.csv, column 'y_true', row 2", "missing value")
    doc = document(run("compute", "-l", "energy-distance", "gap.csv", "--nan", "drop", "--format", "json"))
    assert doc["results"][0]["value"] == pytest.approx(scipy.stats.energy_distance([1, 4, 0], [2, 5]), rel=1e-12)
    assert doc["inputs"][0]["dropped_rows"] == 1
    doc = document(run("compute", "-l", "energy-distance", "gap.csv", "--nan", "propagate", "--format", "json"))
    assert doc["results"][0]["value"] is None


def test_a_row_wise_loss_still_reads_rows(run, samples):
    """With mse in the pass, an empty cell is a missing value of its row, as before."""
    failed(run("compute", "-l", "energy-distance", "-l", "mse", "u.csv"), "u.csv, column 'y_pred', row 3")
    result = ok(run("compute", "-l", "energy-distance", "-l", "mse", "u.csv", "--nan", "drop", "--format", "json"))
    assert "dropped" in result.stderr


def test_energy_distance_is_computed_when_named(run, files):
    doc = document(run("compare", "r.csv", "--format", "json"))
    assert "energy-distance" not in [r["loss"] for r in doc["results"]]
    # r.csv: [1, 2, 3, 4] against [1, 2, 3, 8]: F_u - F_v = 1/4 on [4, 8): sqrt(2 * 4 / 16).
    assert value(run("compute", "-l", "energy", "r.csv", "--format", "json")) == pytest.approx(math.sqrt(0.5))
