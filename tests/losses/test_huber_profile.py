"""Huber at many deltas from one ordering of a batch's residuals (``huber_profile``): the
profile changes the cost, never the value. Each sum is checked against the exact sum of the
per-sample terms ``huber`` computes at that delta (``summation.exact_sum``, itself checked
against rational arithmetic in test_summation.py): the same integer, bit for bit."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import lossctl
from lossctl.losses import huber_profile
from lossctl.losses.batch import Batch
from lossctl.losses.huber_profile import BLOCK_ROWS, DIRECT, huber_sum
from lossctl.losses.regression import huber
from lossctl.losses.summation import exact_sum

from ._support import rng_for


def direct(batch: Batch, delta: float) -> int | None:
    return exact_sum(huber(batch, delta=delta), batch.sample_weight)


def profiled(batch: Batch, deltas: list[float]) -> list[int | None]:
    """The sums at ``deltas`` once the batch has a profile (after its first ``DIRECT``)."""
    for _ in range(DIRECT):
        huber_sum(batch, delta=1.0)
    return [huber_sum(batch, delta=d) for d in deltas]


@pytest.fixture
def fresh_thread(monkeypatch):
    """No batch asked before on this thread (the profile remembers the last batch's deltas)."""
    monkeypatch.setattr(huber_profile, "_last", threading.local())


def test_the_first_deltas_of_a_batch_are_summed_directly(fresh_thread):
    batch = Batch({"y_true": np.arange(10.0), "y_pred": np.zeros(10)})
    assert [huber_sum(batch, delta=2.0) for _ in range(DIRECT)] == [None] * DIRECT


def test_a_batch_after_one_asked_for_several_deltas_builds_its_profile_at_once(fresh_thread):
    first, second = (Batch({"y_true": np.arange(10.0) + k, "y_pred": np.zeros(10)}) for k in range(2))
    for delta in (1.0, 2.0, 3.0):
        huber_sum(first, delta=delta)
    assert huber_sum(second, delta=2.0) == direct(second, 2.0)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_every_delta_gives_the_direct_sum(weighted, seed):
    rng = rng_for("huber profile", weighted, seed)
    n = int(rng.integers(1, 3 * BLOCK_ROWS))
    y = rng.standard_normal(n) * 10 ** rng.uniform(-3, 3)
    p = y + rng.standard_normal(n) * 10 ** rng.uniform(-3, 3, n)
    p[: n // 4] = y[: n // 4]  # exact fits: residuals of zero
    w = rng.random(n) if weighted else None
    batch = Batch({"y_true": y, "y_pred": p, "sample_weight": w})
    a = np.abs(y - p)
    deltas = [
        *(10 ** rng.uniform(-6, 6, 20)),
        float(a[-1]) or 1.0,  # a delta equal to a residual: that row is inside (|r| <= delta)
        float(np.nextafter(a[-1], 0.0)) or 1.0,  # just below it: outside
        float(a.max()) or 1.0,
        5e-324,
        1e300,
    ]
    assert profiled(batch, deltas) == [direct(batch, d) for d in deltas]


def test_rows_sharing_the_key_of_the_delta_are_compared_one_by_one():
    """Residuals 1.0, 1.01, ..., 1.03 share the five leading fraction bits (one key): a delta
    among them splits the key's rows."""
    residuals = np.array([1.03, 1.0, 1.02, 1.01, 5.0, 0.5] * 100)
    batch = Batch({"y_true": residuals, "y_pred": np.zeros(len(residuals))})
    deltas = [1.0, 1.005, 1.015, 1.025, 1.03]
    assert profiled(batch, deltas) == [direct(batch, d) for d in deltas]


def test_a_quadratic_term_beyond_float64_leaves_the_sum_to_the_direct_path():
    """|r| = 1e200: 0.5 r^2 overflows, so no profile is built; at delta = 1 the linear term
    is finite and the direct sum gives the value, at delta = 1e300 it names the row."""
    batch = Batch({"y_true": np.array([1e200, 1.0, 2.0] * 20), "y_pred": np.zeros(60)})
    assert profiled(batch, [1.0, 1e300]) == [None, None]
    assert lossctl.compute("huber:delta=1", np.array([1e200, 1.0]), np.zeros(2)) == pytest.approx(5e199)


def test_a_sweep_of_one_batch_equals_separate_computes_bit_for_bit():
    """Through the states: fifty huber losses folded from the same batches (as ``sweep``
    folds them) against each computed alone, in chunks of 4,096 rows."""
    rng = rng_for("huber states")
    y = rng.standard_normal(20_000)
    p = y + rng.standard_normal(20_000) * 0.6
    w = rng.random(20_000)
    deltas = np.logspace(-2, 2, 50)
    states = [lossctl.losses.get_spec("huber").configure(delta=float(d)).state() for d in deltas]
    for start in range(0, len(y), 4096):
        part = slice(start, start + 4096)
        batch = Batch({"y_true": y[part], "y_pred": p[part], "sample_weight": w[part]})
        for state in states:
            state.update(batch)
    alone = [lossctl.compute(f"huber:delta={float(d)!r}", y, p, sample_weight=w) for d in deltas]
    assert [state.result() for state in states] == alone
