"""The normalized root mean squared error: RMSE over a scale of the targets, as torchmetrics'
``NormalizedRootMeanSquaredError`` (the "scatter index" with the mean).

``nrmse = sqrt(sum w r^2 / sum w) / d`` with ``d`` the targets' mean, range (max - min),
standard deviation (population: divided by sum w) or l2 norm (``sqrt(sum w y^2)``), all from
the exact sums that r2 keeps (``skill``) and the least and greatest target of positive weight,
so the value is the same float however the rows were split.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import LossError
from lossctl.losses.params import Choice, Names
from lossctl.losses.skill import ExplainedState
from lossctl.losses.spec import LossSpec
from lossctl.losses.summation import UNIT
from lossctl.losses.tasks import REGRESSION

MEAN, RANGE, STD, L2 = "mean", "range", "std", "l2"


class NormalizedState(ExplainedState):
    """The sums of r2 and the span of the targets (of positive weight)."""

    def __init__(self, normalization: str) -> None:
        super().__init__(centered=False)
        self.normalization = normalization
        self.span = (math.inf, -math.inf)
        self.shifted = [(1, 2)] if normalization == STD else []  # the mean and l2 read raw sums

    def update(self, batch: Batch) -> None:
        super().update(batch)
        y, w = batch.vector("y_true"), batch.sample_weight
        kept = y if w is None else y[w > 0]
        if len(kept):
            self.span = (min(self.span[0], float(kept.min())), max(self.span[1], float(kept.max())))

    def merge(self, other: NormalizedState) -> NormalizedState:
        super().merge(other)
        self.span = (min(self.span[0], other.span[0]), max(self.span[1], other.span[1]))
        return self

    def result(self) -> float:
        if self.n == 0:
            raise LossError("no samples")
        weight, target, squares, residual_squares = self.sums()
        if weight == 0:
            raise LossError("the sample weights sum to zero")
        rmse = math.sqrt(Fraction(residual_squares, weight))
        scale = self._scale(weight, target, squares)
        if scale <= 0.0:
            raise LossError(
                f"the targets' {self.normalization} is {scale:g}: an RMSE is normalized by a positive scale",
                hint="normalization=range or std" if self.normalization == MEAN else None,
            )
        return rmse / scale

    def _scale(self, weight: int, target: int, squares: int) -> float:
        if self.normalization == MEAN:
            return float(Fraction(target, weight))
        if self.normalization == RANGE:
            return self.span[1] - self.span[0]
        if self.normalization == STD:
            return math.sqrt(Fraction(squares * weight - target * target, weight * weight))
        return math.sqrt(Fraction(squares, 1 << UNIT))

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        """The value of every row of ``sums`` (floats): the range is no sum over rows, so it
        has no resampled value."""
        if self.normalization == RANGE:
            raise LossError("no interval of an RMSE over the range: the range is no sum over rows")
        weight, target, squares, residual_squares = (sums[..., k] for k in range(4))
        scale = {
            MEAN: lambda: target / weight,
            STD: lambda: np.sqrt(np.maximum(squares * weight - target * target, 0.0)) / weight,
            L2: lambda: np.sqrt(squares),
        }[self.normalization]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sqrt(residual_squares / weight) / scale()


def _state(spec: LossSpec, params: dict) -> NormalizedState:
    return NormalizedState(params["normalization"])


SPECS = (
    LossSpec(
        name="nrmse",
        aliases=("normalized-root-mean-squared-error", "scatter-index"),
        family="regression",
        summary="RMSE over a scale of the targets: their mean (default), range, std or l2 norm.",
        formula="sqrt(sum w r^2 / sum w) / d, d = mean | max - min | std | sqrt(sum w y^2) of y",
        latex=r"\frac{\sqrt{\frac{1}{n}\sum_i (y_i - \hat y_i)^2}}{d(y)}",
        reference="torchmetrics NormalizedRootMeanSquaredError",
        tasks=(REGRESSION,),
        per_sample=None,
        params=(
            Choice(
                "normalization",
                MEAN,
                "the scale of the targets: mean, range (max - min), std (population) or l2 (norm)",
                domain=Names((MEAN, RANGE, STD, L2)),
            ),
        ),
        make_state=_state,
        conventions=(
            "torchmetrics' four normalizations; with sample weights the mean and std are weighted, the l2 "
            "norm is sqrt(sum w y^2) (weights count rows: integer weights are repeated rows) and the range "
            "is that of the rows of positive weight. A scale of 0 or less (a mean <= 0) is refused, where "
            "torchmetrics would divide by it."
        ),
        peers="torchmetrics.regression.NormalizedRootMeanSquaredError(normalization)",
        properties="scale-free; >= 0, 0 for a perfect model",
    ),
)
