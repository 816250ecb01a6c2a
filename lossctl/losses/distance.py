"""The 1-D Wasserstein and energy distances of two samples, exact in bounded memory and on any
engine.

``W1(u, v) = integral |F_u(x) - F_v(x)| dx`` and ``E(u, v) = sqrt(2 integral (F_u(x) -
F_v(x))^2 dx)``: between consecutive distinct values x_k < x_k+1 of the two samples merged,
the CDFs are constant, so the integrals are sums of ``|F_u(x_k) - F_v(x_k)|^p (x_k+1 - x_k)``
(p = 1, p = 2), as scipy.stats.wasserstein_distance and energy_distance (their
``_cdf_distance``; Szekely (2002), E-statistics, for the energy distance as that integral).
The two samples may differ in size and have weights of their own. The samples are kept as
sorted runs (``runs``) and read back a range of values at a time. ``F(x_k)`` is the weight of
the values up to x_k over the sample's total: the weights are added one after the other in
the merged order (by value, then weight, u before v), so every CDF value is the same float
whatever the split of the rows; the products are
summed exactly (``summation``), so the distance is the same float on every engine. Weighted,
a first pass over the ranges gives each sample's total in the same way, so that the CDF ends
at exactly 1.
"""

from __future__ import annotations

import math

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import LossError
from lossctl.losses.runs import Run, Runs, aligned_ranges
from lossctl.losses.samples import sample
from lossctl.losses.spec import LossSpec
from lossctl.losses.state import representable
from lossctl.losses.summation import Accumulator
from lossctl.losses.tasks import DISTRIBUTION


class DistanceState:
    """The two samples (``y_true``: u, ``y_pred``: v) of a distance between distributions, in
    runs; ``power`` 1 gives W1, 2 the energy distance."""

    why_no_interval = (
        "a loss of the whole samples (a distance between two distributions, no sum over rows: "
        "deleting a replicate group changes every CDF value, a pass over the merged runs per group, 64 passes)"
    )

    def __init__(self, power: int) -> None:
        self.power = power
        self.u, self.v = Runs(), Runs()

    @property
    def n(self) -> int:
        """The values of the larger sample: the rows that hold one."""
        return max(self.u.count, self.v.count)

    def update(self, batch: Batch) -> None:
        try:
            self.u.add(*sample(batch, "y_true"))
            self.v.add(*sample(batch, "y_pred"))
        except ValueError as exc:
            raise LossError(str(exc)) from None

    def merge(self, other: DistanceState) -> DistanceState:
        try:
            self.u.merge(other.u)
            self.v.merge(other.v)
        except ValueError as exc:
            raise LossError(str(exc)) from None
        return self

    def result(self) -> float:
        if not self.u.count or not self.v.count:
            raise LossError("no samples" if not (self.u.count or self.v.count) else "one of the samples is empty")
        integral = cdf_distance(self.u, self.v, self.power)
        return representable(integral if self.power == 1 else math.sqrt(2.0 * integral))


def cdf_distance(u: Runs, v: Runs, power: int) -> float:
    """``integral |F_u - F_v|^power dx`` of the two samples (see the module's docstring),
    summed exactly and rounded once."""
    totals = _totals(u, v)
    if not (totals[0] > 0 and totals[1] > 0):
        raise LossError("the sample weights sum to zero")
    distance = Accumulator()
    carry = [0.0, 0.0]  # each sample's weight up to the end of the ranges before
    last: tuple[float, float] | None = None  # the last distinct value so far, and |F_u - F_v| at it
    for ranges in aligned_ranges(u, v):
        points, cumulative = _merged(ranges, carry)
        if not len(points):
            continue
        gaps = np.abs(cumulative[0] / totals[0] - cumulative[1] / totals[1]) ** power
        with np.errstate(over="ignore"):
            if last is not None:
                _add(distance, np.array([last[1]]), np.array([points[0] - last[0]]))
            _add(distance, gaps[:-1], np.diff(points))
        last = (float(points[-1]), float(gaps[-1]))
    return distance.value


def _add(distance: Accumulator, gaps: np.ndarray, widths: np.ndarray) -> None:
    """Add ``sum(gaps * widths)``; a width beyond 1.8e308 (between values of opposite signs)
    counts only where the CDFs differ there."""
    differ = gaps != 0
    if not distance.add(gaps[differ], widths[differ]):
        raise LossError("the distance is beyond the float64 range: the CDFs differ over more than 1.8e308")


def _totals(u: Runs, v: Runs) -> list[float]:
    """Each sample's total weight, summed as the CDFs are (its count when unweighted)."""
    if not (u.weighted or v.weighted):
        return [float(u.count), float(v.count)]
    carry = [0.0, 0.0]
    for ranges in aligned_ranges(u, v):
        _merged(ranges, carry)
    return carry


def _merged(ranges: list[Run], carry: list[float]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct values of one range of both samples, in order, and each sample's weight
    up to each of them: its weights added one after the other in the merged order (from
    ``carry``, its weight before the range, which is updated), so the sum is the same float
    however the rows were split. A stable sort of the two sorted runs put end to end merges
    them in one pass."""
    (u_values, u_weights), (v_values, v_weights) = ranges
    n_u = len(u_values)
    values = np.concatenate((u_values, v_values))
    order = np.argsort(values, kind="stable")
    values = values[order]
    cumulative = []
    for i, (own, weights) in enumerate(((slice(0, n_u), u_weights), (slice(n_u, None), v_weights))):
        steps = np.zeros(len(values))
        steps[own] = 1.0 if weights is None else weights
        running = np.cumsum(np.concatenate(([carry[i]], steps[order])))  # sequential
        carry[i] = float(running[-1])
        cumulative.append(running[1:])
    last_of_value = np.append(values[1:] != values[:-1], True) if len(values) else np.empty(0, dtype=bool)
    return values[last_of_value], [c[last_of_value] for c in cumulative]


def _wasserstein_state(spec: LossSpec, params: dict) -> DistanceState:
    return DistanceState(1)


def _energy_state(spec: LossSpec, params: dict) -> DistanceState:
    return DistanceState(2)


_SAMPLES = (
    "Compares the two columns as samples (their order does not matter), each with its own weights "
    "(--u-weights and --v-weights columns; --weight weighs both) and of its own size: two columns of "
    "different lengths (the shorter one ending in empty cells) or two files (--labels, joined row by "
    "row, the shorter padded). Exact in bounded memory: the samples are sorted in runs on disk (about "
    "16 MiB at a time in memory) and merged range by range; on the Dask engine the parts' runs are merged."
)


SPECS = (
    LossSpec(
        name="wasserstein-distance",
        aliases=("w1", "earth-movers-distance", "emd"),
        family="wasserstein",
        summary="1-D Wasserstein-1 distance between the y_true and y_pred samples.",
        formula="integral |F_true(x) - F_pred(x)| dx",
        latex=r"W_1(u, v) = \int_{-\infty}^{\infty} |F_u(x) - F_v(x)|\,dx",
        reference="Villani (2009), Optimal Transport; scipy.stats.wasserstein_distance",
        tasks=(DISTRIBUTION,),
        per_sample=None,
        make_state=_wasserstein_state,
        conventions=_SAMPLES + " As scipy.stats.wasserstein_distance(y_true, y_pred, u_weights, v_weights).",
        peers="scipy.stats.wasserstein_distance",
        properties="a metric between distributions; no per-sample values",
    ),
    LossSpec(
        name="energy-distance",
        aliases=("energy",),
        family="wasserstein",
        summary="1-D energy distance between the y_true and y_pred samples.",
        formula="sqrt(2 integral (F_true(x) - F_pred(x))^2 dx) = sqrt(2 E|X-Y| - E|X-X'| - E|Y-Y'|)",
        latex=r"D(u, v) = \sqrt{2 \int_{-\infty}^{\infty} (F_u(x) - F_v(x))^2\,dx}",
        reference="Szekely (2002), E-statistics: the energy of statistical samples; scipy.stats.energy_distance",
        tasks=(DISTRIBUTION,),
        per_sample=None,
        make_state=_energy_state,
        conventions=(
            _SAMPLES + " As scipy.stats.energy_distance(y_true, y_pred, u_weights, v_weights): the square root "
            "of twice the Cramer-von Mises integral (some texts call its square, 2 E|X-Y| - E|X-X'| - E|Y-Y'|, "
            "the energy distance: square the value for it)."
        ),
        peers="scipy.stats.energy_distance; dcor.energy_distance (its square)",
        properties="a metric between distributions; 0 iff the distributions are equal; no per-sample values",
    ),
)
