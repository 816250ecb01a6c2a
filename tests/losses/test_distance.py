"""The 1-D Wasserstein distance in bounded memory: with runs spilled to disk and merged range by
range it is scipy.stats.wasserstein_distance to 1e-12, the same float whatever the split of the
rows and the order of the merges, and the same after a trip through pickle (a Dask worker's)."""

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

from lossctl.losses import Batch, LossError, resolve
from lossctl.losses import runs as runs_module

from ._support import assert_close, rng_for

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


def folded(u, v, w, rows: int = 250):
    """One state, fed ``rows`` rows at a time."""
    state = resolve("wasserstein-distance").state()
    for lo in range(0, len(u), rows):
        part = slice(lo, lo + rows)
        state.update(Batch({"y_true": u[part], "y_pred": v[part], "sample_weight": None if w is None else w[part]}))
    return state


def state_of(u, v, w, cuts) -> list:
    loss = resolve("wasserstein-distance")
    states = []
    for lo, hi in zip([0, *cuts], [*cuts, len(u)], strict=True):
        state = loss.state()
        state.update(Batch({"y_true": u[lo:hi], "y_pred": v[lo:hi], "sample_weight": None if w is None else w[lo:hi]}))
        states.append(state)
    return states


@pytest.mark.parametrize("kind", ["continuous", "ties", "magnitudes"])
@pytest.mark.parametrize("weighted", [False, True])
def test_spilled_runs_give_scipys_distance(small_memory, kind, weighted):
    u, v = samples(kind, 5000, "scipy")
    w = rng_for("weights", kind).uniform(0.1, 3.0, len(u)) if weighted else None
    state = folded(u, v, w)
    assert sum(run.paths is not None for run in state.u.sorted_runs()) > 1  # several run files
    assert_close(state.result(), scipy.stats.wasserstein_distance(u, v, w, w))


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
        (whole,) = state_of(u, v, w, [])
        cuts = sorted(data.draw(st.sets(st.integers(1, n - 1), max_size=6)))
        states = state_of(u, v, w, cuts)
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


def test_three_million_rows_in_bounded_memory(tmp_path, peak_mib):
    """A 3M-row CSV's distance: its two samples (48 MiB of values) go to run files, and memory
    grows by less than 100 MiB over a 10-row file's; whatever the rows, the growth is the
    buffers' and one range's (the sort of every sample in memory grew by 490 MiB here)."""
    rng = rng_for("memory")
    n = 3_000_000
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
