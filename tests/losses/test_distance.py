"""The 1-D Wasserstein and energy distances in bounded memory: with runs spilled to disk and
merged range by range they are scipy.stats.wasserstein_distance and energy_distance to 1e-12
(weights of each sample's own, samples of different sizes), the same float whatever the split
of the rows and the order of the merges, and the same after a trip through pickle (a Dask
worker's)."""

from __future__ import annotations

import gc
import pickle

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

import lossctl
from lossctl.losses import Batch, LossError, resolve
from lossctl.losses import runs as runs_module

from ._support import assert_close, rng_for

SCIPY = {"wasserstein-distance": scipy.stats.wasserstein_distance, "energy-distance": scipy.stats.energy_distance}
SMALL = {"BUFFER_VALUES": 300, "RANGE_VALUES": 200, "SAMPLE_EVERY": 8, "READ_VALUES": 7}


@pytest.fixture
def small_memory(monkeypatch):
    """Runs written every 300 values, read 7 values at a time, in ranges of about 200."""
    for name, value in SMALL.items():
        monkeypatch.setattr(runs_module, name, value)


def samples(kind: str, n: int, seed: str) -> tuple[np.ndarray, np.ndarray]:
    rng = rng_for("distance", kind, n, seed)
    if kind == "continuous":
        return rng.standard_normal(n), 2.0 * rng.standard_normal(n) + 0.5
    if kind == "ties":  # a few values, each repeated more often than a range holds
        return rng.integers(0, 4, n).astype(float), rng.integers(1, 6, n).astype(float)
    return rng.standard_normal(n) * 10.0 ** rng.integers(-200, 200, n), rng.lognormal(0, 3, n)


def folded(u, v, w, rows: int = 250, loss: str = "wasserstein-distance"):
    """One state, fed ``rows`` rows at a time."""
    state = resolve(loss).state()
    for lo in range(0, len(u), rows):
        part = slice(lo, lo + rows)
        state.update(Batch({"y_true": u[part], "y_pred": v[part], "sample_weight": None if w is None else w[part]}))
    return state


def state_of(u, v, w, cuts, name: str = "wasserstein-distance") -> list:
    loss = resolve(name)
    states = []
    for lo, hi in zip([0, *cuts], [*cuts, len(u)], strict=True):
        state = loss.state()
        state.update(Batch({"y_true": u[lo:hi], "y_pred": v[lo:hi], "sample_weight": None if w is None else w[lo:hi]}))
        states.append(state)
    return states


@pytest.mark.parametrize("loss", list(SCIPY))
@pytest.mark.parametrize("kind", ["continuous", "ties", "magnitudes"])
@pytest.mark.parametrize("weighted", [False, True])
def test_spilled_runs_give_scipys_distance(small_memory, kind, weighted, loss):
    u, v = samples(kind, 5000, "scipy")
    w = rng_for("weights", kind).uniform(0.1, 3.0, len(u)) if weighted else None
    state = folded(u, v, w, loss=loss)
    assert sum(run.paths is not None for run in state.u.sorted_runs()) > 1  # several run files
    assert_close(state.result(), SCIPY[loss](u, v, w, w))


@pytest.mark.parametrize("loss", list(SCIPY))
@pytest.mark.parametrize("kind", ["continuous", "ties", "magnitudes"])
@pytest.mark.parametrize("weights", ["none", "u", "v", "both"])
def test_samples_of_different_sizes_and_weights_of_their_own(small_memory, kind, weights, loss):
    """SciPy's u_weights and v_weights, and two sizes, through the API: the shorter sample is
    padded with missing values as a file's shorter column is, and then left out."""
    u, v = samples(kind, 3000, "sizes")
    v = v[:1700]
    rng = rng_for("own weights", kind)
    u_weights = rng.uniform(0.1, 3.0, len(u)) if weights in ("u", "both") else None
    v_weights = rng.integers(0, 4, len(v)).astype(float) if weights in ("v", "both") else None
    if v_weights is not None:
        v_weights[0] = 1.0  # a zero weight leaves a value out, but not every value
    expected = SCIPY[loss](u, v, u_weights, v_weights)
    assert_close(lossctl.compute(loss, u, v, u_weights=u_weights, v_weights=v_weights), expected)
    assert_close(lossctl.compute(loss, v, u, u_weights=v_weights, v_weights=u_weights), expected)  # symmetric


# The examples of SciPy's docstrings, with the values they print.
DOCUMENTED = [
    ("wasserstein-distance", [0, 1, 3], [5, 6, 8], {}, 5.0),
    ("wasserstein-distance", [0, 1], [0, 1], {"u_weights": [3, 1], "v_weights": [2, 2]}, 0.25),
    (
        "wasserstein-distance",
        [3.4, 3.9, 7.5, 7.8],
        [4.5, 1.4],
        {"u_weights": [1.4, 0.9, 3.1, 7.2], "v_weights": [3.2, 3.5]},
        4.0781331438047861,
    ),
    ("energy-distance", [0], [2], {}, 2.0000000000000004),
    ("energy-distance", [0, 8], [0, 8], {"u_weights": [3, 1], "v_weights": [2, 2]}, 1.0000000000000002),
    (
        "energy-distance",
        [0.7, 7.4, 2.4, 6.8],
        [1.4, 8.0],
        {"u_weights": [2.1, 4.2, 7.4, 8.0], "v_weights": [7.6, 8.8]},
        0.88003340976158217,
    ),
]


@pytest.mark.parametrize(("loss", "u", "v", "weights", "documented"), DOCUMENTED)
def test_scipys_documented_examples(loss, u, v, weights, documented):
    assert_close(lossctl.compute(loss, u, v, **weights), documented)


def test_energy_distance_by_hand():
    # u = {0}, v = {2}: F_u - F_v = 1 on [0, 2): sqrt(2 * 2) = 2 (SciPy's docstring: 2.0000).
    assert lossctl.compute("energy-distance", [0.0], [2.0]) == 2.0
    # u = {0, 1}, v = {0, 1, 2}: F_u - F_v = 1/2 - 1/3 = 1/6 on [0, 1), 1 - 2/3 = 1/3 on [1, 2):
    # sqrt(2 (1/36 + 1/9)) = sqrt(5/18) = 0.5270462766947299.
    assert_close(lossctl.compute("energy-distance", [0.0, 1.0], [0.0, 1.0, 2.0]), (5 / 18) ** 0.5)


def test_a_nan_given_to_the_api_is_refused():
    with pytest.raises(lossctl.losses.InputDomainError, match="NaN"):
        lossctl.compute("energy-distance", [0.0, np.nan], [1.0])


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_the_same_float_whatever_the_split_and_the_merge_order(data):
    saved = {name: getattr(runs_module, name) for name in SMALL}
    sizes = {"BUFFER_VALUES": 97, "RANGE_VALUES": 61, "SAMPLE_EVERY": 5, "READ_VALUES": 3}
    for name, value in sizes.items():  # not monkeypatch: hypothesis runs many examples per call
        setattr(runs_module, name, value)
    try:
        kind = data.draw(st.sampled_from(["continuous", "ties", "magnitudes"]))
        n = data.draw(st.integers(2, 700))
        u, v = samples(kind, n, "split")
        w = rng_for("split weights", n).uniform(0.1, 3.0, n) if data.draw(st.booleans()) else None
        name = data.draw(st.sampled_from(list(SCIPY)))
        (whole,) = state_of(u, v, w, [], name)
        cuts = sorted(data.draw(st.sets(st.integers(1, n - 1), max_size=6)))
        states = state_of(u, v, w, cuts, name)
        while len(states) > 1:
            i, j = data.draw(st.lists(st.integers(0, len(states) - 1), min_size=2, max_size=2, unique=True))
            states[i].merge(pickle.loads(pickle.dumps(states[j])))  # as a Dask worker sends it
            del states[j]
        assert states[0].result() == whole.result()
    finally:
        for name, value in saved.items():
            setattr(runs_module, name, value)


def test_a_distance_beyond_the_float64_range_is_refused_and_equal_samples_are_0():
    # Hand values: one value at -1.5e308, the other at 1.5e308: W1 = 3e308 > 1.8e308.
    (state,) = state_of(np.array([-1.5e308]), np.array([1.5e308]), None, [])
    with pytest.raises(LossError, match="beyond the float64 range"):
        state.result()
    # The same two values in both samples: the CDFs agree everywhere, W1 = 0.
    both = np.array([-1.5e308, 1.5e308])
    (state,) = state_of(both, both.copy(), None, [])
    assert state.result() == 0.0


def test_a_million_and_a_half_rows_in_bounded_memory(tmp_path, peak_mib):
    """A 1.5M-row CSV's distance: its two samples (24 MiB of values, more than a buffer's
    million each) go to run files, and memory grows by less than 100 MiB over a 10-row file's;
    whatever the rows, the growth is the buffers' and one range's (some 40 MiB here; the sort
    of every sample in memory grew by 490 MiB on twice the rows)."""
    rng = rng_for("memory")
    n = 1_500_000
    u, v = rng.standard_normal(n), 1.5 * rng.standard_normal(n) + 0.2
    large = tmp_path / "large.csv"
    pa_csv.write_csv(pa.table({"y_true": u, "y_pred": v}), large)
    small = tmp_path / "small.csv"
    small.write_text("y_true,y_pred\n" + "1,0.5\n" * 10)
    baseline = peak_mib("compute", "-l", "wasserstein-distance", small)
    assert peak_mib("compute", "-l", "wasserstein-distance", large) - baseline < 100


def test_a_merged_state_keeps_the_run_files_of_the_state_it_took_in(small_memory):
    u, v = samples("continuous", 2000, "merge")
    first, second = folded(u[:1000], v[:1000], None), folded(u[1000:], v[1000:], None)
    first.merge(second)
    del second
    gc.collect()  # the second state's directory must outlive it: the first reads its runs
    assert_close(first.result(), scipy.stats.wasserstein_distance(u, v))
