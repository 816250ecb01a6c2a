"""``reduction=sum`` for every mean of per-sample losses: PyTorch's and Keras' 'sum' reduction,
checked against the sum of torch's own per-sample values (tests/reference/torch_fixtures.npz),
with sample weights against sum(w * l) computed exactly (math.fsum)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import lossctl
from lossctl.losses import ParameterError, catalog

from ._support import assert_close

FIXTURES = Path(__file__).parents[1] / "reference" / "torch_fixtures.npz"
DATA = dict(np.load(FIXTURES, allow_pickle=False))
CASES = [c for c in json.loads(str(DATA["meta"])) if f"per_sample/{c['id']}" in DATA]


def arrays_of(case: dict) -> dict[str, np.ndarray]:
    return {role: DATA[f"inputs/{case['size']}/{name}"] for role, name in case["roles"].items()}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['loss']}-{c['id']}")
def test_the_sum_of_torchs_per_sample_losses(case):
    if not any(p.name == "reduction" for p in lossctl.losses.get_spec(case["loss"]).params):
        pytest.skip(f"{case['loss']} is no mean of per-sample losses")
    params = {k: v for k, v in case["params"].items() if k != "reduction"}
    expected = math.fsum(DATA[f"per_sample/{case['id']}"].tolist())
    got = lossctl.compute(case["loss"], **arrays_of(case), **params, reduction="sum")
    assert_close(got, expected, atol=1e-15)


def test_weighted_sum_by_hand():
    # |errors| [0, 0, 2] with weights [1, 1, 2]: sum(w |e|) = 4; the mean divides by 4: 1.
    y, p, w = [1.0, 2.0, 3.0], [1.0, 2.0, 5.0], [1.0, 1.0, 2.0]
    assert lossctl.compute("mae", y, p, sample_weight=w, reduction="sum") == 4.0
    assert lossctl.compute("mae", y, p, sample_weight=w) == 1.0


def test_every_mean_of_per_sample_losses_takes_it_and_no_other_loss_does():
    takes = {s.name for s in catalog() if any(p.name == "reduction" for p in s.params)}
    assert {"mse", "mae", "huber", "bce", "cross-entropy", "triplet", "margin-ranking", "jensen-shannon"} <= takes
    # a root (rmse), a whole-sample statistic, a score: no sum to take
    assert not takes & {"rmse", "wasserstein-distance", "energy-distance", "r2", "ece", "max-error", "d2:mse"}
    with pytest.raises(ParameterError, match="reduction must be one of mean, sum"):
        lossctl.compute("mse", [1.0], [2.0], reduction="none")
