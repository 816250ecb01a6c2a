"""Elementary scores of quantile and expectile forecasts, the points of a Murphy diagram.

Ehm, Gneiting, Jordan and Krueger (2016), "Of quantiles and expectiles: consistent scoring
functions, Choquet representations and forecast rankings", J. R. Stat. Soc. B 78(3), eq. (5)
and (9): every consistent scoring function of an alpha-quantile (of a tau-expectile) is a
mixture over the threshold theta of the elementary scores

    quantile:   S_theta(x, y) = (1[y < x] - alpha) (1[theta < x] - 1[theta < y])
    expectile:  S_theta(x, y) = |1[y < x] - tau| ((y - theta)_+ - (x - theta)_+ - (y - x) 1[theta < x])

with x the forecast (y_pred) and y the outcome (y_true). Both are >= 0; integrated over theta
they give the pinball loss and half the expectile loss. A forecast whose mean elementary score
is lower or equal at every theta is better under every consistent scoring function.

The scores are losses that the catalog does not list (``lossctl sweep --murphy`` makes them),
so that a Murphy diagram is a sweep of theta folded by the same states as any other loss; the
``extent`` specs give the smallest and largest label or prediction, the default thresholds'
span.
"""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import LossError
from lossctl.losses.params import UNIT, Param
from lossctl.losses.spec import Loss, LossSpec
from lossctl.losses.state import representable
from lossctl.losses.tasks import REGRESSION

FUNCTIONALS = ("quantile", "expectile")


def elementary_quantile(batch: Batch, *, level: float, theta: float) -> np.ndarray:
    """``(1[y < x] - level) (1[theta < x] - 1[theta < y])``."""
    y, x = batch.vector("y_true"), batch.vector("y_pred")
    side = np.where(y < x, 1.0 - level, -level)
    return side * ((theta < x).astype(np.float64) - (theta < y))


def elementary_expectile(batch: Batch, *, level: float, theta: float) -> np.ndarray:
    """``|1[y < x] - level| ((y - theta)_+ - (x - theta)_+ - (y - x) 1[theta < x])``, which is
    ``|1[y < x] - level| |y - theta|`` for theta in ``[min(x, y), max(x, y))`` and 0 elsewhere
    (case by case: for y < x the bracket is theta - y on [y, x), for x < y it is y - theta on
    [x, y)). Computed in that form: exactly 0 outside, never a rounding error below 0."""
    y, x = batch.vector("y_true"), batch.vector("y_pred")
    weight = np.where(y < x, 1.0 - level, level)
    inside = (np.minimum(x, y) <= theta) & (theta < np.maximum(x, y))
    return weight * np.abs(y - theta) * inside


def _spec(functional: str, per_sample, formula: str) -> LossSpec:
    return LossSpec(
        name=f"elementary-{functional}",
        family="murphy",
        summary=f"The elementary score of a {functional} forecast at the threshold theta.",
        formula=formula,
        latex=formula,
        reference="Ehm, Gneiting, Jordan & Krueger (2016), J. R. Stat. Soc. B 78(3), 505-562",
        tasks=(REGRESSION,),
        per_sample=per_sample,
        params=(
            Param("level", 0.5, f"the level of the {functional}", domain=UNIT),
            Param("theta", 0.0, "the threshold"),
        ),
    )


ELEMENTARY = {
    "quantile": _spec("quantile", elementary_quantile, "(1[y < x] - level) (1[theta < x] - 1[theta < y])"),
    "expectile": _spec(
        "expectile",
        elementary_expectile,
        "|1[y < x] - level| ((y - theta)_+ - (x - theta)_+ - (y - x) 1[theta < x])",
    ),
}


def elementary_score(functional: str, level: float, theta: float) -> Loss:
    """The elementary score of an ``functional`` (quantile or expectile) forecast of ``level``
    at ``theta``."""
    return ELEMENTARY[functional].configure(level=level, theta=theta)


class ExtentState:
    """The smallest (``lowest``) or largest value of the labels and predictions: exact and
    mergeable in any order."""

    def __init__(self, lowest: bool) -> None:
        self.lowest = lowest
        self.value = np.inf if lowest else -np.inf
        self.n = 0

    def update(self, batch: Batch) -> None:
        y, x = batch.vector("y_true"), batch.vector("y_pred")
        if len(y):
            pick = min if self.lowest else max
            ends = (y.min(), x.min()) if self.lowest else (y.max(), x.max())
            self.value = pick(self.value, float(pick(ends)))
            self.n += len(y)

    def merge(self, other: ExtentState) -> ExtentState:
        self.value = min(self.value, other.value) if self.lowest else max(self.value, other.value)
        self.n += other.n
        return self

    def result(self) -> float:
        if self.n == 0:
            raise LossError("no samples")
        return representable(self.value)


def _extent(lowest: bool) -> LossSpec:
    which = "smallest" if lowest else "largest"
    return LossSpec(
        name=f"{which}-value",
        family="murphy",
        summary=f"The {which} label or prediction: an end of a Murphy diagram's thresholds.",
        formula=f"{'min' if lowest else 'max'}(y_true, y_pred)",
        latex=f"{'min' if lowest else 'max'}(y, \\hat y)",
        reference="Ehm, Gneiting, Jordan & Krueger (2016), section 3.3",
        tasks=(REGRESSION,),
        per_sample=None,
        make_state=lambda spec, params: ExtentState(lowest),
    )


EXTENT = (_extent(True).configure(), _extent(False).configure())
"""The smallest and the largest label or prediction, as losses of a pass."""
