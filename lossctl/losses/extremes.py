"""The largest absolute error: a worst case, not a mean (scikit-learn ``max_error``)."""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import LossError
from lossctl.losses.regression import absolute_error
from lossctl.losses.spec import LossSpec
from lossctl.losses.state import representable
from lossctl.losses.tasks import REGRESSION


class MaxState:
    """``max |y_true - y_pred|`` over the rows of positive weight (all rows without weights):
    a maximum is exact and mergeable in any order."""

    def __init__(self) -> None:
        self.largest = -np.inf
        self.n = 0

    def update(self, batch: Batch) -> None:
        errors = batch.abs_residual()
        w = batch.sample_weight
        if w is not None:
            errors = errors[w > 0]
        if len(errors):
            self.largest = max(self.largest, float(errors.max()))
            self.n += len(errors)

    def merge(self, other: MaxState) -> MaxState:
        self.largest = max(self.largest, other.largest)
        self.n += other.n
        return self

    def result(self) -> float:
        if self.n == 0:
            raise LossError("no samples (of positive weight) to take the largest error of")
        return representable(self.largest)


def max_state(spec: LossSpec, params: dict) -> MaxState:
    return MaxState()


SPECS = (
    LossSpec(
        name="max-error",
        aliases=("maximum-absolute-error",),
        family="regression",
        summary="The largest absolute error: the worst case.",
        formula="max |y_true - y_pred|",
        latex=r"\max_i |y_i - \hat y_i|",
        reference="scikit-learn max_error",
        tasks=(REGRESSION,),
        per_sample=absolute_error,
        make_state=max_state,
        conventions=(
            "A maximum, not a mean; with sample weights, the maximum over the rows of positive weight "
            "(scikit-learn's max_error takes no weights). --worst lists the rows that reach it."
        ),
        peers="sklearn.metrics.max_error",
        properties="a worst case: one row decides it; no interval (--ci) of a maximum",
    ),
)
