"""Divergences and pair losses through ``lossctl compute`` on CSV files: jensen-shannon on a
class matrix; expected values from SciPy or by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon

from .conftest import document, value, write


def test_jensen_shannon_of_a_class_matrix(run, files):
    # Two rows: targets [1, 0] and [0.5, 0.5] (t_*), probabilities [0.5, 0.5] and [0.25, 0.75].
    write(files / "js.csv", "t_0,t_1,prob_0,prob_1\n1,0,0.5,0.5\n0.5,0.5,0.25,0.75\n")
    t, p = np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([[0.5, 0.5], [0.25, 0.75]])
    args = ("compute", "-l", "jensen-shannon", "js.csv", "--y-true", "t_*", "--format", "json")
    assert value(run(*args)) == pytest.approx(jensenshannon(t, p, axis=1).mean(), rel=1e-12)
    doc = document(run("compute", "-l", "js:base=2", *args[3:]))
    assert doc["results"][0]["spec"] == "jensen-shannon:base=2"
    assert doc["results"][0]["value"] == pytest.approx(jensenshannon(t, p, base=2, axis=1).mean(), rel=1e-12)
    # Row 1 by hand: m = [0.75, 0.25], KL(t||m) = log(4/3), KL(p||m) = 0.5 log(2/3) + 0.5 log 2.
    row_1 = math.sqrt((math.log(4 / 3) + 0.5 * math.log(2 / 3) + 0.5 * math.log(2)) / 2)
    assert jensenshannon(t[0], p[0]) == pytest.approx(row_1, rel=1e-12)
