"""Agreement with PyTorch, through fixtures made by ``tests/reference/make_torch_fixtures.py``.

The fixture holds seeded inputs and the values torch 2.x computed on them in float64; these
tests need no torch. Regenerate with ``.venv/bin/python tests/reference/make_torch_fixtures.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lossctl
from lossctl.losses import Batch, resolve

from ._support import assert_close

FIXTURES = Path(__file__).parents[1] / "reference" / "torch_fixtures.npz"
DATA = dict(np.load(FIXTURES, allow_pickle=False))
CASES = json.loads(str(DATA["meta"]))


def case_id(case: dict) -> str:
    params = ",".join(f"{k}={v}" for k, v in case["params"].items() if v not in (None, 0.0) or k == "gamma")
    weighted = "-weighted" if case["weighted"] else ""
    return f"{case['loss']}:{params}-n{case['size']}{weighted}-{case['id']}"


def arrays_of(case: dict) -> dict[str, np.ndarray]:
    arrays = {role: DATA[f"inputs/{case['size']}/{name}"] for role, name in case["roles"].items()}
    if case["weighted"]:
        arrays["sample_weight"] = DATA[f"inputs/{case['size']}/sample_weight"]
    return arrays


def test_fixture_records_torch_version_and_covers_every_loss():
    assert str(DATA["torch_version"]).startswith("2.")
    losses = {case["loss"] for case in CASES}
    expected = {"huber", "smooth-l1", "bce", "focal", "cross-entropy", "kl-divergence", "distillation", "triplet"}
    expected |= {"ranking-softmax", "multi-margin", "nll", "poisson-nll", "hinge-embedding"}
    expected |= {"multilabel-bce", "multilabel-soft-margin", "multilabel-margin"}
    expected |= {"margin-ranking", "cosine-embedding"}
    assert {"ignore_index", "log_target"} <= {key for case in CASES for key in case["params"]}
    assert losses == expected
    assert {case["size"] for case in CASES} >= {1, 2, 7, 1000}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_value_matches_torch(case):
    arrays = arrays_of(case)
    weight = arrays.pop("sample_weight", None)
    value = lossctl.compute(case["loss"], sample_weight=weight, **arrays, **case["params"])
    assert np.isfinite(value)
    assert_close(value, float(DATA[f"expected/{case['id']}"]))


PER_SAMPLE = [case for case in CASES if f"per_sample/{case['id']}" in DATA]


@pytest.mark.parametrize("case", PER_SAMPLE, ids=case_id)
def test_per_sample_values_match_torch(case):
    # Exact zeros included (a clamped triplet, the hit of a logit of 1000): no absolute slack.
    loss = resolve(case["loss"], case["params"])
    expected = DATA[f"per_sample/{case['id']}"]
    assert_close(loss.per_sample(Batch(arrays_of(case))), expected)
