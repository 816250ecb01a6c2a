"""``engine.crossings``: brackets from a grid narrowed by multisection passes, on curves whose
crossings are known in closed form (no file is read: the evaluator is a function)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossctl.engine.crossings import POINTS_PER_PASS, find_crossings

# Three models: f0(x) = x, f1(x) = 2 (crosses f0 at 2), f2(x) = 6 - x (crosses f0 at 3 and f1 at 4).
CURVES = (lambda x: x, lambda x: 2.0, lambda x: 6.0 - x)
CROSSINGS = {("m0", "m1"): 2.0, ("m0", "m2"): 3.0, ("m1", "m2"): 4.0}
MODELS = ["m0", "m1", "m2"]


def values_on(x: np.ndarray) -> np.ndarray:
    return np.array([[f(float(v)) for v in x] for f in CURVES])


class Counting:
    """The evaluator of one pass per call; counts the passes and the points asked for."""

    def __init__(self) -> None:
        self.calls = 0
        self.points = 0

    def __call__(self, wanted: dict[int, list[float]]) -> dict[int, list[float]]:
        self.calls += 1
        self.points += sum(map(len, wanted.values()))
        return {m: [CURVES[m](x) for x in xs] for m, xs in wanted.items()}


def test_every_pair_is_found_within_its_tolerance_in_three_passes():
    x = np.linspace(0.31, 5.71, 7)  # none of 2, 3, 4 is a grid point
    evaluate = Counting()
    found, passes = find_crossings(x, values_on(x), MODELS, evaluate, log=False)
    assert passes == evaluate.calls == 3
    assert {c.between: c.at for c in found}.keys() == CROSSINGS.keys()
    step = x[1] - x[0]
    for c in found:
        # each pass cuts the bracket (POINTS_PER_PASS + 1)-fold: 16**3 after three passes
        assert c.tolerance == pytest.approx(step / (POINTS_PER_PASS + 1) ** 3 / 2, rel=1e-9)
        assert abs(c.at - CROSSINGS[c.between]) <= c.tolerance
    assert [c.at for c in found] == sorted(c.at for c in found)


def test_a_tolerance_sets_the_number_of_passes():
    x = np.linspace(0.31, 5.71, 7)
    found, passes = find_crossings(x, values_on(x), MODELS, Counting(), log=False, tolerance=1e-10)
    # half the bracket width 0.9 after k passes is 0.45 / 16**k <= 1e-10: k = 8
    assert passes == math.ceil(math.log(0.45 / 1e-10, 16))
    for c in found:
        assert c.tolerance <= 1e-10
        assert abs(c.at - CROSSINGS[c.between]) <= c.tolerance


def test_a_log_grid_is_narrowed_geometrically():
    x = np.geomspace(0.1, 100, 5)
    evaluate = Counting()
    found, _ = find_crossings(x, values_on(x), MODELS, evaluate, log=True, tolerance=1e-9)
    for c in found:
        assert abs(c.at - CROSSINGS[c.between]) <= c.tolerance <= 1e-9


def test_an_exact_tie_on_the_grid_is_the_crossing_and_costs_no_pass():
    x = np.array([1.0, 2.0, 3.0])  # f0 and f1 tie at 2
    found, passes = find_crossings(x, values_on(x)[:2], MODELS[:2], Counting(), log=False)
    assert passes == 0
    assert [(c.between, c.at, c.tolerance) for c in found] == [(("m0", "m1"), 2.0, 0.0)]


def test_no_change_of_rank_no_crossing():
    x = np.linspace(5, 6, 4)  # f0 above f1 throughout
    evaluate = Counting()
    assert find_crossings(x, values_on(x)[:2], MODELS[:2], evaluate, log=False) == ([], 0)
    assert evaluate.calls == 0


def test_a_point_without_a_value_breaks_the_curve():
    # NaN at x = 2 (a loss without a value there) between two points where the models change
    # order: no change of sign is told across the gap, nothing is taken for a tie, no error.
    x = np.array([1.0, 2.0, 3.0])
    values = np.array([[1.0, math.nan, 3.0], [2.0, math.nan, 2.0]])
    evaluate = Counting()
    assert find_crossings(x, values, MODELS[:2], evaluate, log=False) == ([], 0)
    assert evaluate.calls == 0
