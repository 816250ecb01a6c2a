"""Sorted runs hold one zero: -0.0 and 0.0 are equal, a sort leaves equal values in no fixed
order, so a sample's -0.0 is kept as 0.0 and no reported value takes its sign from the order
of the rows."""

from __future__ import annotations

import math

import numpy as np

from lossctl.losses import Batch, resolve
from lossctl.losses.runs import Runs, aligned_ranges


def test_a_run_keeps_one_sign_of_zero():
    runs = Runs()
    runs.add(np.array([0.0, -0.0, 2.0, -0.0]), None)
    [[(values, _)]] = list(aligned_ranges(runs))
    assert [math.copysign(1.0, v) for v in values.tolist()] == [1.0, 1.0, 1.0, 1.0]


def test_equal_mass_edges_at_zero_do_not_depend_on_the_order_of_the_rows():
    edges = []
    for p in ([-0.0, 0.0, 0.5, 0.9], [0.0, -0.0, 0.5, 0.9]):
        state = resolve("ece:bins=2,binning=equal-mass").state()
        state.update(Batch({"y_true": np.array([0.0, 1.0, 1.0, 0.0]), "y_pred": np.array(p)}))
        edges.append([math.copysign(1.0, b[side]) for b in state.bins() for side in ("low", "high")])
    assert edges[0] == edges[1] == [1.0] * 4
