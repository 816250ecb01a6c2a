"""The median absolute error, exact in bounded memory (scikit-learn ``median_absolute_error``).

A median is no function of running sums: the absolute errors are kept in sorted runs
(``runs``: spilled to disk past a million values, merged across Dask workers) and the median
found in them with exact weight sums: the averaged inverted CDF at one half (Hyndman & Fan
1996, definition 2), ``(a + b) / 2`` with ``a`` the smallest error whose cumulative weight
reaches half the total and ``b`` the smallest whose cumulative weight exceeds it, so that an
even number of equal weights gives ``numpy.median`` and weights give scikit-learn's
``_weighted_percentile(average=True)``.
"""

from __future__ import annotations

from fractions import Fraction

from lossctl.losses.batch import Batch
from lossctl.losses.errors import LossError
from lossctl.losses.regression import absolute_error
from lossctl.losses.runs import Runs, inverted_cdf, totals
from lossctl.losses.spec import LossSpec
from lossctl.losses.state import finite_terms, representable
from lossctl.losses.tasks import REGRESSION


class MedianState:
    """The absolute errors, and their sample weights, in sorted runs."""

    def __init__(self) -> None:
        self.errors = Runs()

    @property
    def n(self) -> int:
        return self.errors.count

    def update(self, batch: Batch) -> None:
        try:
            self.errors.add(finite_terms(absolute_error, batch), batch.sample_weight)
        except ValueError as exc:
            raise LossError(str(exc)) from None

    def merge(self, other: MedianState) -> MedianState:
        try:
            self.errors.merge(other.errors)
        except ValueError as exc:
            raise LossError(str(exc)) from None
        return self

    def result(self) -> float:
        if self.n == 0:
            raise LossError("no samples")
        weight, _ = totals(self.errors)
        if weight == 0:
            raise LossError("the sample weights sum to zero")
        half = Fraction(weight, 2)
        [low], [high] = inverted_cdf(self.errors, [half]), inverted_cdf(self.errors, [half], beyond=True)
        return representable((low + high) / 2)


def _median_state(spec: LossSpec, params: dict) -> MedianState:
    return MedianState()


SPECS = (
    LossSpec(
        name="median-absolute-error",
        aliases=("medae",),
        family="regression",
        summary="The median of the absolute errors: robust to any minority of outliers.",
        formula="median_w |y - p|",
        latex=r"\operatorname{median}_i |y_i - \hat y_i|",
        reference="scikit-learn median_absolute_error; Hyndman & Fan (1996), Sample quantiles, definition 2",
        tasks=(REGRESSION,),
        per_sample=absolute_error,
        make_state=_median_state,
        conventions=(
            "The averaged inverted CDF at one half: numpy.median without weights, scikit-learn's weighted "
            "percentile (average=True) with them, found with exact weight sums. Exact in bounded memory: the "
            "errors are sorted in runs (on disk past a million) for the search."
        ),
        peers="sklearn.metrics.median_absolute_error",
        properties="a quantile, not a mean: its breakdown point is one half; no interval (--ci)",
    ),
)
