"""Skill scores of regression: R^2 and explained variance, exact and streamed.

Both compare the model with the best constant prediction, the (weighted) mean of the targets:
``R^2 = 1 - sum w r^2 / sum w (y - ybar)^2`` and ``EV = 1 - Var_w(r) / Var_w(y)`` with
``r = y - p`` (scikit-learn ``r2_score`` and ``explained_variance_score``). A variance computed
in one pass as ``sum w y^2 - (sum w y)^2 / sum w`` cancels catastrophically when the mean is
large against the spread; here every sum is exact (each square ``w y y`` is split into two
floats by Dekker's product and summed with the exact accumulator), so the difference is
exact, the score is rounded once, and it is the same float however the rows were split.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import LossError
from lossctl.losses.products import two_product
from lossctl.losses.replication import GROUPS
from lossctl.losses.spec import LossSpec
from lossctl.losses.state import accumulate, finite_terms
from lossctl.losses.summation import UNIT, Accumulator, GroupedAccumulator
from lossctl.losses.tasks import REGRESSION

SUMS = ("weight", "target", "target_squares", "residual_squares", "residual")
"""The exact sums of a skill state: ``sum w``, ``sum w y``, ``sum w y^2``, ``sum w r^2`` and,
for explained variance, ``sum w r``."""


class ExplainedState:
    """The sums of ``SUMS`` (the last one only when ``centered``: explained variance)."""

    def __init__(self, centered: bool) -> None:
        self.centered = centered
        self.names = SUMS if centered else SUMS[:-1]
        self.parts: dict[str, Accumulator | GroupedAccumulator] = {name: Accumulator() for name in self.names}
        self.n = 0
        # (linear, square) columns whose values are shifted by their mean in group_sums: the
        # targets, and the residuals where the score centres them (explained variance).
        self.shifted = [(1, 2), (4, 3)] if centered else [(1, 2)]

    def track(self, moments: bool = True, groups: bool = True) -> None:
        """Sums by replicate group: the intervals are the jackknife's and the bootstrap's."""
        self.parts = {name: GroupedAccumulator(GROUPS) for name in self.names}

    def update(self, batch: Batch) -> None:
        y = batch.vector("y_true")
        r = finite_terms(lambda b: b.residual(), batch)
        w = batch.sample_weight
        group = batch.replicates if isinstance(self.parts["weight"], GroupedAccumulator) else None
        weight = self.parts["weight"]
        if w is not None:
            accumulate(weight, w, None, "sample_weight", group)
        elif group is not None:
            weight.add_counts(group)
        else:
            weight.add_scalar(len(y))
        accumulate(self.parts["target"], y, w, "y_true", group)
        self._add_squares("target_squares", y, w, "y_true", group)
        self._add_squares("residual_squares", r, w, "y_pred", group)
        if self.centered:
            accumulate(self.parts["residual"], r, w, "y_pred", group)
        self.n += len(y)

    def _add_squares(self, name: str, x: np.ndarray, w: np.ndarray | None, role: str, group: np.ndarray | None) -> None:
        """``sum w x^2``, exactly: ``x * x`` is exact in the accumulator, and ``w x`` is split
        into a rounded product and its error, each then multiplied by ``x`` exactly."""
        if w is None:
            accumulate(self.parts[name], x, x, role, group)
            return
        high, low = two_product(w, x)
        accumulate(self.parts[name], x, high, role, group)
        accumulate(self.parts[name], x, low, role, group)

    def merge(self, other: ExplainedState) -> ExplainedState:
        for name in self.names:
            self.parts[name].merge(other.parts[name])
        self.n += other.n
        return self

    def sums(self) -> list[int]:
        return [self.parts[name].total for name in self.names]

    def group_sums(self) -> np.ndarray:
        """Each replicate group's sums, centred (``centred``) and rounded."""
        rows = list(zip(*(self.parts[name].totals for name in self.names), strict=True))
        totals = self.sums()
        return np.array([self.centred(row, totals) for row in rows]).reshape(GROUPS, len(self.names))

    def total_sums(self) -> np.ndarray:
        """The sums of every row, centred as the groups' are, and rounded."""
        totals = self.sums()
        return np.array(self.centred(totals, totals))

    def centred(self, sums: tuple[int, ...] | list[int], totals: list[int]) -> list[float]:
        """``sums`` (exact, in ``sums()`` order) with the targets shifted by their overall mean
        ``c = M / W`` (from ``totals``, the ``sums()`` of every row), and for explained variance the residuals by theirs, then rounded:
        ``sum w (y - c) = (S1 W - M S0) / W`` and ``sum w (y - c)^2 = (S2 W^2 - 2 M S1 W + M^2
        S0) / W^2``, numerators and denominators exact integers, each quotient rounded once.
        The scores are unchanged by the shift, and a resample's variance, computed from floats,
        no longer cancels when the mean is large against the spread (1e8 + N(0, 1): every
        digit lost unshifted)."""
        scale = [1 << UNIT] * len(sums)
        exact = list(sums)
        weight = totals[0]
        for first, second in self.shifted if weight else ():
            mean = totals[first]
            linear = exact[first]
            exact[first] = linear * weight - mean * exact[0]
            exact[second] = (exact[second] * weight - 2 * mean * linear) * weight + mean * mean * exact[0]
            scale[first], scale[second] = scale[first] * weight, scale[second] * weight * weight
        return [s / d for s, d in zip(exact, scale, strict=True)]

    def result(self) -> float:
        unexplained, spread = self.fraction()
        return _score(unexplained, spread)

    def fraction(self) -> tuple[int, int]:
        """``(W^2 x the unexplained variance, W^2 Var_w(y))``, exact integers (``W = sum w``):
        the score is one minus their ratio."""
        if self.n < 2:
            raise LossError("at least two samples are needed: the spread of one sample is 0")
        weight, target, squares, residual_squares, *residual = self.sums()
        if weight == 0:
            raise LossError("the sample weights sum to zero")
        spread = squares * weight - target * target
        return residual_squares * weight - (residual[0] ** 2 if residual else 0), spread

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        """The score of every row of ``sums`` (floats, in ``sums()`` order), vectorized."""
        weight, target, squares, residual_squares = (sums[..., k] for k in range(4))
        unexplained = residual_squares * weight - (sums[..., 4] ** 2 if self.centered else 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 - unexplained / (squares * weight - target * target)


class RelativeState(ExplainedState):
    """``sum w r^2 / sum w (y - ybar)^2``: the squared error relative to the mean's, 1 - r2."""

    def __init__(self) -> None:
        super().__init__(centered=False)

    def result(self) -> float:
        unexplained, spread = self.fraction()
        if spread == 0:
            raise LossError("the targets do not vary: no error of the mean to be relative to")
        return float(Fraction(unexplained, spread))

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        return 1.0 - super().statistic(sums)


def _score(unexplained: int, spread: int) -> float:
    """``1 - unexplained / spread``, rounded once; scikit-learn's ``force_finite``: 1 for a
    perfect fit of constant targets, 0 for an imperfect one."""
    if spread == 0:
        return 1.0 if unexplained == 0 else 0.0
    return float(1 - Fraction(unexplained, spread))


def _r2_state(spec: LossSpec, params: dict) -> ExplainedState:
    return ExplainedState(centered=False)


def _explained_variance_state(spec: LossSpec, params: dict) -> ExplainedState:
    return ExplainedState(centered=True)


def _relative_state(spec: LossSpec, params: dict) -> RelativeState:
    return RelativeState()


_SKL = "sklearn.metrics"
_CONSTANT = (
    "Constant targets (zero variance) score 1 for a perfect fit and 0 otherwise, as scikit-learn's "
    "force_finite=True; fewer than two samples are refused (scikit-learn returns NaN)."
)

SPECS = (
    LossSpec(
        name="r2",
        aliases=("r2-score", "r-squared", "coefficient-of-determination"),
        family="skill",
        summary="Coefficient of determination: 1 - SSE / the SSE of predicting the mean (higher is better).",
        formula="1 - sum w (y - p)^2 / sum w (y - mean_w(y))^2",
        latex=r"1 - \frac{\sum_i w_i (y_i - \hat y_i)^2}{\sum_i w_i (y_i - \bar y)^2}",
        reference="scikit-learn r2_score; Draper & Smith (1998), Applied Regression Analysis, 1.4",
        tasks=(REGRESSION,),
        per_sample=None,
        make_state=_r2_state,
        conventions=_CONSTANT
        + " The spread of the targets is computed from exact sums, so a large mean does not cancel it.",
        peers=f"{_SKL}.r2_score",
        properties="higher is better: 1 is perfect, 0 is the mean's skill, negative is worse than the mean",
        higher_is_better=True,
        lowest=-math.inf,  # worse than the mean is negative
        highest=1.0,
    ),
    LossSpec(
        name="explained-variance",
        aliases=("explained-variance-score",),
        family="skill",
        summary="1 - Var(residual) / Var(target): R^2 that forgives a constant bias (higher is better).",
        formula="1 - Var_w(y - p) / Var_w(y)",
        latex=r"1 - \frac{\mathrm{Var}(y - \hat y)}{\mathrm{Var}(y)}",
        reference="scikit-learn explained_variance_score",
        tasks=(REGRESSION,),
        per_sample=None,
        make_state=_explained_variance_state,
        conventions=_CONSTANT + " Variances are weighted by the sample weights and divide by sum w (not n - 1).",
        peers=f"{_SKL}.explained_variance_score",
        properties="higher is better; equals r2 when the mean residual is 0; a biased model can score 1",
        higher_is_better=True,
        lowest=-math.inf,  # worse than the mean is negative
        highest=1.0,
    ),
    LossSpec(
        name="relative-squared-error",
        aliases=("rse",),
        family="regression",
        summary="The squared error relative to the mean's: SSE / sum (y - mean(y))^2, that is 1 - r2.",
        formula="sum w (y - p)^2 / sum w (y - mean_w(y))^2",
        latex=r"\frac{\sum_i w_i (y_i - \hat y_i)^2}{\sum_i w_i (y_i - \bar y)^2}",
        reference="torchmetrics RelativeSquaredError",
        tasks=(REGRESSION,),
        per_sample=None,
        make_state=_relative_state,
        conventions=(
            "From the same exact sums as r2, rounded once. torchmetrics floors the denominator at the "
            "machine epsilon; lossctl refuses targets that do not vary, and fewer than two samples."
        ),
        peers="torchmetrics.regression.RelativeSquaredError (squared=True)",
        properties="scale-free; 0 is perfect, 1 is the mean's error; equals 1 - r2",
    ),
)
