"""Scale-free errors as fractions of the targets: symmetric MAPE and weighted MAPE, as
torchmetrics defines them (fractions, not percentages: 0.1 is 10%)."""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.regression import absolute_error
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import REGRESSION

TORCHMETRICS_EPS = 1.17e-06
"""torchmetrics' floor of the denominators (its ``epsilon``)."""


def symmetric_percentage_error(batch: Batch) -> np.ndarray:
    """``2 |y - p| / max(|y| + |p|, 1.17e-6)`` (torchmetrics
    ``SymmetricMeanAbsolutePercentageError``); in [0, 2]."""
    denominator = np.abs(batch.vector("y_true")) + np.abs(batch.vector("y_pred"))
    np.maximum(denominator, TORCHMETRICS_EPS, out=denominator)
    return 2.0 * batch.abs_residual() / denominator


def absolute_target(batch: Batch) -> np.ndarray:
    """``|y|``: the denominator terms of wmape."""
    return np.abs(batch.vector("y_true"))


SPECS = (
    LossSpec(
        name="smape",
        aliases=("symmetric-mean-absolute-percentage-error",),
        family="regression",
        summary="Symmetric mean absolute percentage error, as a fraction in [0, 2].",
        formula="mean(2 |y - p| / max(|y| + |p|, 1.17e-6))",
        latex=r"\frac{1}{n}\sum_i \frac{2|y_i - \hat y_i|}{\max(|y_i| + |\hat y_i|, \epsilon)}",
        reference="Makridakis (1993), Accuracy measures, Int. J. Forecasting 9(4); torchmetrics SymmetricMeanAbsolutePercentageError",
        tasks=(REGRESSION,),
        per_sample=symmetric_percentage_error,
        conventions="torchmetrics' form: a fraction in [0, 2] (not 0-100 or 0-200), denominators floored at 1.17e-6.",
        peers="torchmetrics.regression.SymmetricMeanAbsolutePercentageError",
        properties="bounded; symmetric in the sense that |y| and |p| share the denominator; 2 when one of them is 0",
    ),
    LossSpec(
        name="wmape",
        aliases=("weighted-mean-absolute-percentage-error",),
        family="regression",
        summary="Weighted MAPE: the total absolute error over the total absolute target.",
        formula="sum |y - p| / sum |y|",
        latex=r"\frac{\sum_i |y_i - \hat y_i|}{\sum_i |y_i|}",
        reference="torchmetrics WeightedMeanAbsolutePercentageError",
        tasks=(REGRESSION,),
        per_sample=absolute_error,
        denominator=absolute_target,
        conventions=(
            "A ratio of sums, not a mean of ratios, so rows with small targets do not dominate; with "
            "sample weights sum w |r| / sum w |y|. torchmetrics floors the denominator at 1.17e-6; "
            "lossctl refuses a zero total instead of dividing by the floor."
        ),
        peers="torchmetrics.regression.WeightedMeanAbsolutePercentageError",
        properties="scale-free; defined unless every target is 0",
    ),
)
