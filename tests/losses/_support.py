"""Shared helpers of the loss-core tests: seeded inputs, hypothesis strategies, comparisons."""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
from hypothesis import strategies as st

RTOL = 1e-12
SIZES = (1, 2, 7, 1000)


def assert_close(actual: Any, expected: Any, rtol: float = RTOL, atol: float = 0.0) -> None:
    """Equal to ``rtol`` relative (1e-12 by default) in float64, no absolute slack unless given."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def rng_for(*key: Any) -> np.random.Generator:
    """A generator seeded by the test's own key (stable across runs: crc32, not ``hash``)."""
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def binary_labels(rng: np.random.Generator, n: int) -> np.ndarray:
    """Labels in {0, 1} with both classes present when n >= 2 (row 0 negative, last positive):
    scikit-learn infers the label set from y_true and mislabels a single-class sample."""
    y = rng.integers(0, 2, n).astype(float)
    y[0] = 0.0
    if n >= 2:
        y[-1] = 1.0
    return y


def sample_weights(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.uniform(0.1, 3.0, n)


def row_distributions(rng: np.random.Generator, n: int, classes: int) -> np.ndarray:
    return rng.dirichlet(np.full(classes, 1.5), n)


# -- hypothesis strategies -------------------------------------------------------------------


def magnitudes(low: float = 1e-6, high: float = 1e3) -> st.SearchStrategy[float]:
    """Non-negative floats: 0 or in [low, high]; never so small that a square is subnormal."""
    return st.one_of(st.just(0.0), st.floats(low, high, allow_nan=False, allow_infinity=False))


def reals(low: float = 1e-6, high: float = 1e3) -> st.SearchStrategy[float]:
    """Signed floats: 0 or with |x| in [low, high]."""
    return st.tuples(magnitudes(low, high), st.booleans()).map(lambda t: -t[0] if t[1] else t[0])


def unit_floats() -> st.SearchStrategy[float]:
    """Probabilities in [0, 1], the end points included."""
    return st.one_of(st.sampled_from([0.0, 1.0]), st.floats(1e-9, 1 - 1e-9))


def spill_small_runs(monkeypatch) -> None:
    """Sorted runs of 64 values read back 256 at a time (``losses.runs``): a few thousand rows
    then spill to dozens of run files, as millions do with the real sizes."""
    from lossctl.losses import runs

    monkeypatch.setattr(runs, "BUFFER_VALUES", 64)
    monkeypatch.setattr(runs, "RANGE_VALUES", 256)
    monkeypatch.setattr(runs, "SAMPLE_EVERY", 8)


def merged_in_parts(loss, arrays: dict[str, np.ndarray], cuts: list[int], *, in_order: bool = False) -> Any:
    """``loss``'s state of ``arrays`` folded in parts cut at ``cuts``, every other part sent
    through pickle (as a Dask worker's is), merged in a scrambled order (the last part first),
    or ``in_order`` (as the engines merge adjacent parts: a state that needs its rows' order)."""
    import pickle

    from lossctl.losses import Batch

    states = []
    for k, part in enumerate(np.split(np.arange(len(next(iter(arrays.values())))), cuts)):
        state = loss.state()
        state.update(Batch({role: values[part] for role, values in arrays.items()}))
        states.append(pickle.loads(pickle.dumps(state)) if k % 2 else state)
    merged = loss.state() if in_order else states.pop()
    for state in states:
        merged.merge(state)
    return merged
