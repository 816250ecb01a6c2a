"""jensen-shannon against scipy.spatial.distance.jensenshannon (random rows, SciPy's documented
examples, labels, logits, a base) and against mpmath at 80 digits for nearly equal
distributions, where the direct sum of p log(p / m) cancels."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon

import lossctl

from ._support import assert_close, rng_for


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("base", [None, 2.0, 10.0])
def test_random_rows_give_scipys_mean_distance(base):
    rng = rng_for("jensen-shannon", base)
    t, p = rng.dirichlet(np.ones(5), 200), rng.dirichlet(np.full(5, 0.3), 200)
    t[:3], p[3:6] = np.eye(5)[:3], np.eye(5)[1:4]  # zeros: 0 log 0 = 0
    params = {} if base is None else {"base": base}
    assert_close(lossctl.compute("jensen-shannon", t, p, **params), jensenshannon(t, p, base=base, axis=1).mean())


def test_labels_logits_and_weights():
    rng = rng_for("jensen-shannon", "labels")
    labels, z, w = rng.integers(0, 4, 100), rng.normal(0.0, 3.0, (100, 4)), rng.uniform(0.1, 2.0, 100)
    expected = jensenshannon(np.eye(4)[labels], softmax(z), axis=1)
    got = lossctl.compute("js", labels.astype(float), z, from_logits=True, sample_weight=w)
    assert_close(got, np.sum(w * expected) / np.sum(w))


def test_scipys_documented_examples():
    # scipy.spatial.distance.jensenshannon's docstring: 1.0 (base 2), 0.46450140402245893, 0.0.
    assert_close(lossctl.compute("js", np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0]]), base=2.0), 1.0)
    assert_close(lossctl.compute("js", np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]])), 0.46450140402245893)
    assert lossctl.compute("js", np.array([[1.0, 0.0, 0.0]]), np.array([[1.0, 0.0, 0.0]])) == 0.0


def exact(t: list[float], p: list[float]) -> float:
    """sqrt(sum (t log(t / m) + p log(p / m)) / 2) at 80 digits, from the float inputs."""
    with mpmath.workdps(80):
        total = mpmath.mpf(0)
        for a, b in zip(map(mpmath.mpf, t), map(mpmath.mpf, p), strict=True):
            m = (a + b) / 2
            total += (a * mpmath.log(a / m) if a else 0) + (b * mpmath.log(b / m) if b else 0)
        return float(mpmath.sqrt(total / 2))


@pytest.mark.parametrize("shift", [1, 1000, 2**30, 2**45])
def test_nearly_equal_distributions_keep_their_distance(shift):
    # Rows that sum to exactly 1 in float64, the second moved by shift units of 2**-54 between
    # two classes: a distance of about 1e-17 to 1e-4 (SciPy's direct sum gives 5.6e-17 for the
    # first, 15% off).
    step = shift * 2.0**-54
    t = [0.25, 0.25, 0.5]
    p = [0.25 + step, 0.25 - step, 0.5]
    assert sum(p) == 1.0
    assert_close(lossctl.compute("js", np.array([t]), np.array([p])), exact(t, p))


def test_the_distance_is_symmetric_and_bounded():
    rng = rng_for("jensen-shannon", "bounds")
    t, p = rng.dirichlet(np.ones(3), 50), rng.dirichlet(np.ones(3), 50)
    assert_close(lossctl.compute("js", t, p), lossctl.compute("js", p, t))
    disjoint = lossctl.compute("js", np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))
    assert_close(disjoint, math.sqrt(math.log(2.0)))  # the largest distance, in nats


def test_a_base_must_exceed_1():
    with pytest.raises(lossctl.losses.ParameterError, match="base=1 is outside its domain"):
        lossctl.compute("js", np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]]), base=1.0)
