"""003 §5.4's log read by re-running its recipe: sample_data/rerun_003_training.py."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).parents[2] / "sample_data" / "rerun_003_training.py"


@pytest.fixture(scope="module")
def rerun():
    spec = importlib.util.spec_from_file_location("rerun_003_training", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gradients_agree_with_finite_differences(rerun):
    # Central differences of the batch loss in a few coordinates of every parameter; the
    # truncation error is O(h^2) = 1e-12 and rounding about 1e-16/h = 1e-10.
    x, y = rerun.digits()
    rng = np.random.default_rng(3)
    parameters = rerun.initial_parameters(rng)
    batch = rng.choice(len(y), size=16, replace=False)
    _, gradients = rerun.loss_and_gradients(parameters, x[batch], y[batch])
    h = 1e-6
    for p, g in zip(parameters, gradients, strict=True):
        for index in [tuple(rng.integers(0, n) for n in p.shape) for _ in range(3)]:
            saved = p[index]
            p[index] = saved + h
            up, _ = rerun.loss_and_gradients(parameters, x[batch], y[batch])
            p[index] = saved - h
            down, _ = rerun.loss_and_gradients(parameters, x[batch], y[batch])
            p[index] = saved
            assert g[index] == pytest.approx((up - down) / (2 * h), abs=1e-7)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_first_logged_mean_falls_far_below_ln_10(rerun, seed):
    losses = rerun.train(seed, 100)
    # An untrained network with small logits guesses near uniformly: its first batch is near ln 10.
    assert losses[0] == pytest.approx(math.log(10), abs=0.1)
    # What the document's first line averages: batches 1-100. Adam at 1e-3 takes it far below.
    assert losses.mean() < math.log(10) - 0.8
    assert losses.mean() < 2.383
