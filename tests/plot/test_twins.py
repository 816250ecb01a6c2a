"""Twins: losses shown once in the report because they are the same number on every input and
the same on every sample, not merely the same mean."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from lossctl.plot.samples import SampleCollector
from lossctl.plot.twins import twins, twins_note


def evaluation(values: dict[str, float]) -> SimpleNamespace:
    results = [SimpleNamespace(label=label, group=None, value=v) for label, v in values.items()]
    return SimpleNamespace(results=results)


def collector(per_sample: dict[str, list[float]]) -> SampleCollector:
    kept = SampleCollector()
    kept(np.arange(len(next(iter(per_sample.values())))), {k: np.array(v) for k, v in per_sample.items()})
    return kept


def test_the_same_values_on_every_sample_make_twins():
    # huber and smooth-l1 at 1: r = 0.5 gives 0.125, r = 3 gives 2.5; a mean of 1.3125.
    e = evaluation({"huber": 1.3125, "smooth-l1": 1.3125 * (1 + 1e-15), "mse": 4.625})
    c = collector({"huber": [0.125, 2.5], "smooth-l1": [0.125, 2.5], "mse": [0.25, 9.0]})
    assert twins([e], [c]) == {"smooth-l1": "huber"}
    assert twins_note({"smooth-l1": "huber"}).endswith(": huber = smooth-l1.")


def test_the_same_mean_of_different_samples_is_no_twin():
    # [1, 3] and [2, 2] both have the mean 2.
    e = evaluation({"a": 2.0, "b": 2.0})
    assert twins([e], [collector({"a": [1.0, 3.0], "b": [2.0, 2.0]})]) == {}


def test_a_different_value_on_one_input_is_no_twin():
    same = {"a": [1.0, 3.0], "b": [1.0, 3.0]}
    first, second = evaluation({"a": 2.0, "b": 2.0}), evaluation({"a": 2.0, "b": 2.0 * (1 + 1e-9)})
    assert twins([first, second], [collector(same), collector(same)]) == {}
    assert twins([first, first], [collector(same), collector(same)]) == {"b": "a"}
