"""D^2 skill scores: a loss against the loss of the best constant prediction, ``d2:LOSS``.

``D^2 = 1 - L(y, p) / L(y, c)`` with ``c`` the constant that minimizes the loss over the
targets (scikit-learn's ``d2_*_score``; Hastie, Tibshirani & Wainwright (2015), Statistical
Learning with Sparsity, 3.2, for the fraction of deviance explained): the (weighted) mean for
squared error and the Tweedie deviances, the ``q``-quantile for the pinball loss (the median
for MAE), the base rate of the classes for log loss and Brier score. 1 is a perfect model, 0
the constant's skill, a negative score worse than the constant.

The constant is known only once every target has been seen, and a median is no function of
running sums; so the targets are kept in sorted runs (``runs``: bounded memory, spilled to
disk past a million values, merged across Dask workers), and the reference loss is a second
pass over them. The quantile is the weighted inverted CDF, found with exact weight sums: the
smallest target whose cumulative weight reaches ``q sum w``. Any minimizer of the pinball
loss gives the same reference loss, so scikit-learn's averaged inverted CDF agrees with it
to rounding. Every sum is exact and the score is rounded once, so it is the same float
however the rows were split.

Intervals (``--ci``): the score is ``1 - (A/W) / (B/V)``, ``A, W`` the model's loss and weight
sums and ``B, V`` the constant's, and the jackknife and the bootstrap take all four as sums
over the replicate groups, the constant's loss at the constant ``c`` of the whole sample. A
deleted group or a resample would have its own best constant ``c'``; but ``c`` minimizes the
constant's loss, so (envelope theorem) moving it from ``c'`` to ``c`` changes the mean loss
by ``O(|c - c'|^2) = O(1/n)`` for a smooth expected loss (the pinball loss included, where
the targets have a density at the quantile), below the ``O(1/sqrt(n))`` standard error:
an estimated parameter whose estimating function has zero mean derivative leaves the
statistic's asymptotic distribution unchanged (Randles 1982, On the asymptotic normality of
statistics with estimated parameters, Annals of Statistics 10(2)). For that the targets are
kept in sorted runs by replicate group, so that the second pass sums the constant's loss of
each group.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import partial

import numpy as np

from lossctl.losses import binary, deviance, multiclass, regression, runs
from lossctl.losses.batch import Batch
from lossctl.losses.errors import InputDomainError, LossError
from lossctl.losses.expression import SKILL_PREFIX
from lossctl.losses.replication import GROUPS
from lossctl.losses.runs import Runs, aligned_ranges, inverted_cdf, totals
from lossctl.losses.spec import Loss, LossSpec
from lossctl.losses.state import MeanState
from lossctl.losses.summation import exact_sum

GROUP_FLOOR = 8  # values buffered per replicate group at the least

PREFIX = SKILL_PREFIX
MEAN, QUANTILE, BASE_RATE = "the mean", "the quantile", "the base rate"

_REFERENCE = {
    "mse": MEAN,
    "tweedie-deviance": MEAN,
    "poisson": MEAN,
    "gamma-deviance": MEAN,
    "mae": QUANTILE,
    "quantile": QUANTILE,
    "bce": BASE_RATE,
    "brier": BASE_RATE,
    "cross-entropy": BASE_RATE,
}
"""The losses with a defined best constant, and which constant it is."""

_MOVES_THE_CONSTANT = ("pos_weight", "label_smoothing", "class_weights", "ignore_index")
"""Parameters of the base rate's losses under which the base rate is no longer their best
constant, or that drop rows the base rate would count (ignore_index): d2 does not take them
(its reference would not be the best constant of the rows scored)."""

_DESCRIBED = {
    MEAN: ("the mean", "mean_w(y)"),
    QUANTILE: ("the quantile", "quantile_w(y, q)"),
    "mae": ("the median", "median_w(y)"),
    BASE_RATE: ("the base rate", "the base rates"),
}
"""How the constant reads in the catalog: words and formula."""

_PEERS = {
    "mse": "d2_tweedie_score(power=0) (= r2_score)",
    "tweedie-deviance": "d2_tweedie_score(power=power)",
    "poisson": "d2_tweedie_score(power=1)",
    "gamma-deviance": "d2_tweedie_score(power=2)",
    "mae": "d2_absolute_error_score",
    "quantile": "d2_pinball_score(alpha=quantile)",
    "bce": "d2_log_loss_score",
    "brier": "d2_brier_score",
    "cross-entropy": "d2_log_loss_score",
}


class D2State:
    """The model's loss (the loss's own state) and the targets in sorted runs: one sample, or
    with ``track``, one per replicate group."""

    interval_note = (
        "The constant's loss is taken at the whole sample's constant in every deleted group and "
        "resample: refitting it changes the loss by O(1/n), below the O(1/sqrt(n)) standard error "
        "(envelope theorem; Randles 1982)."
    )

    def __init__(self, loss: Loss, reference: str) -> None:
        self.loss = loss
        self.reference = reference
        self.model = loss.state()
        self.targets = Runs()
        self.grouped: list[Runs] | None = None  # with track: the targets of each replicate group
        self._reference: MeanState | None = None  # the constant's loss by group, once computed
        self.classes = 0  # the width of a class matrix; 0 for one prediction per row
        self.span = (np.inf, -np.inf)  # the least and the greatest target

    @property
    def n(self) -> int:
        return self.model.n

    def track(self, moments: bool = True, groups: bool = True) -> None:
        """Sums by replicate group, for the model and (in the second pass) for the constant:
        the intervals are the jackknife's and the bootstrap's."""
        self.model.track(moments=False)
        share = max(runs.BUFFER_VALUES // GROUPS, GROUP_FLOOR)  # one buffer's worth in all
        self.grouped = [Runs(share) for _ in range(GROUPS)]

    def update(self, batch: Batch) -> None:
        self.model.update(batch)
        self._reference = None
        targets = self._targets(batch)
        if len(targets):
            self.span = (min(self.span[0], targets.min()), max(self.span[1], targets.max()))
        try:
            if self.grouped is None:
                self.targets.add(targets, batch.sample_weight)
            else:
                self._add_by_group(targets, batch.sample_weight, batch.replicates)
        except ValueError as exc:
            raise LossError(str(exc)) from None

    def _add_by_group(self, targets: np.ndarray, weights: np.ndarray | None, group: np.ndarray) -> None:
        """Each replicate group's targets (and weights) into its own runs."""
        order = np.argsort(group, kind="stable")
        cuts = np.searchsorted(group[order], np.arange(GROUPS + 1))
        for g in range(GROUPS):
            rows = order[cuts[g] : cuts[g + 1]]
            if len(rows):
                self.grouped[g].add(targets[rows], None if weights is None else weights[rows])

    def _targets(self, batch: Batch) -> np.ndarray:
        """What the constant is computed from: the targets, the binary labels, or the class
        labels of a class matrix."""
        if batch.get("y_pred").ndim == 2:
            labels = batch.class_labels()
            if labels is None:
                raise LossError(f"{self.loss.label}: the base rates are of class labels, not of a target matrix")
            self.classes = batch.num_classes()
            return labels.astype(np.float64)
        if self.reference == BASE_RATE:
            return batch.binary_target(soft=True)
        return batch.vector("y_true")

    def merge(self, other: D2State) -> D2State:
        self.model.merge(other.model)
        self._reference = None
        try:
            self.targets.merge(other.targets)
            for mine, theirs in zip(self.grouped or [], other.grouped or [], strict=True):
                mine.merge(theirs)
        except ValueError as exc:
            raise LossError(str(exc)) from None
        self.classes = max(self.classes, other.classes)
        self.span = (min(self.span[0], other.span[0]), max(self.span[1], other.span[1]))
        return self

    def result(self) -> float:
        if self.n < 2:
            raise LossError("a skill score needs at least two samples")
        self.model.mean()  # the model's own errors first: no samples, weights summing to zero
        if self.span[0] == self.span[1]:  # constant targets: the constant is perfect
            return _forced(self.model.numerator.total)
        baseline = self._baseline()
        if baseline.numerator.total == 0:
            return _forced(self.model.numerator.total)
        a, b = self.model.numerator.total, self.model.weight.total
        c, d = baseline.numerator.total, baseline.weight.total
        return float(1 - Fraction(a * d, b * c))

    def every_target(self) -> Runs:
        """The targets of every row: the one sample, or every group's runs together."""
        if self.grouped is None:
            return self.targets
        every = Runs()
        for sample in self.grouped:
            every.merge(sample)
        return every

    def _baseline(self) -> MeanState:
        """The reference loss: the loss of the constant, a second pass over the targets (with
        ``track``, summed by replicate group)."""
        if self._reference is not None:
            return self._reference
        constant = self._constant()
        state = _reading_probabilities(self.loss).state()
        samples = [self.targets] if self.grouped is None else self.grouped
        if self.grouped is not None:
            state.track(moments=False)
        try:
            for ranges in aligned_ranges(*samples):
                present = [(v, w) for v, w in ranges if len(v)]
                if present:
                    values = np.concatenate([v for v, _ in present])
                    weights = None if present[0][1] is None else np.concatenate([w for _, w in present])
                    predicted = np.tile(constant, (len(values), 1)) if self.classes else np.full(len(values), constant)
                    batch = Batch({"y_true": values, "y_pred": predicted, "sample_weight": weights})
                    batch.replicates = np.repeat(np.arange(len(ranges)), [len(v) for v, _ in ranges])
                    state.update(batch)
        except InputDomainError as exc:
            shown = ", ".join(f"{v:.6g}" for v in np.atleast_1d(constant))
            raise LossError(
                f"the best constant prediction, {shown}, is outside {self.loss.name}'s domain: {exc}"
            ) from None
        self._reference = state
        return state

    def sums(self) -> list[int]:
        """The exact sums of the score: the model's loss and weight, then the constant's."""
        if self.n == 0:
            return [*self.model.sums(), 0, 0]
        if self.span[0] == self.span[1]:
            raise LossError("no interval: the targets are constant, the score is 1 or 0 by convention")
        return [*self.model.sums(), *self._baseline().sums()]

    def group_sums(self) -> np.ndarray:
        """``sums()`` of each replicate group, rounded: the constant's at the whole sample's."""
        return np.hstack((self.model.group_sums(), self._baseline().group_sums()))

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        """``1 - (A/W) / (B/V)`` for every row of ``sums`` (in ``sums()`` order)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 - (sums[..., 0] / sums[..., 1]) / (sums[..., 2] / sums[..., 3])

    def _constant(self) -> float | np.ndarray:
        if self.reference == QUANTILE:
            return weighted_quantile(self.every_target(), self.loss.params.get("quantile", 0.5))
        if self.classes:
            return class_rates(self.every_target(), self.classes)
        return weighted_mean(self.every_target())


def _forced(model: int) -> float:
    """The score when the constant makes no error: 1 for a model that makes none either, else
    0 (scikit-learn's ``force_finite``)."""
    return 1.0 if model == 0 else 0.0


def _reading_probabilities(loss: Loss) -> Loss:
    """``loss`` reading probabilities: the base rates are probabilities, even when the model's
    predictions are logits."""
    if "from_logits" in loss.params:
        return loss.spec.configure(**{**loss.params, "from_logits": False})
    return loss


def weighted_mean(runs: Runs) -> float:
    """``sum w y / sum w``, rounded once."""
    weight, total = totals(runs)
    if weight == 0:
        raise LossError("the sample weights sum to zero")
    return total / weight


def class_rates(runs: Runs, classes: int) -> np.ndarray:
    """Each class's share of the weight: ``sum w [y = k] / sum w``, rounded once each."""
    per_class = [0] * classes
    for [(values, weights)] in aligned_ranges(runs):
        edges = np.searchsorted(values, np.arange(classes + 1) - 0.5)
        for k in range(classes):
            part = slice(edges[k], edges[k + 1])
            per_class[k] += exact_sum(np.ones(part.stop - part.start) if weights is None else weights[part])
    total = sum(per_class)
    if total == 0:
        raise LossError("the sample weights sum to zero")
    return np.array([k / total for k in per_class])


def weighted_quantile(runs: Runs, q: float) -> float:
    """The smallest target whose cumulative weight (in ascending order) reaches ``q sum w``
    and is positive: the weighted inverted CDF (``runs.inverted_cdf``)."""
    total, _ = totals(runs)
    if total == 0:
        raise LossError("the sample weights sum to zero")
    return inverted_cdf(runs, [Fraction(q) * total])[0]


def _d2_state(base: LossSpec, spec: LossSpec, params: dict) -> D2State:
    return D2State(base.configure(**params), _REFERENCE[base.name])


def d2_spec(base: LossSpec) -> LossSpec:
    """``d2:<base>``: the skill of ``base`` against its best constant."""
    reference = _REFERENCE[base.name]
    described, constant = _DESCRIBED.get(base.name, _DESCRIBED[reference])
    return LossSpec(
        name=f"{PREFIX}:{base.name}",
        aliases=tuple(f"{PREFIX}:{alias}" for alias in base.aliases),
        family="skill",
        summary=f"Skill of {base.name} against {described} of the targets (1 perfect, 0 the constant's; higher is better).",
        formula=f"1 - {base.name}(y, p) / {base.name}(y, c), c = {constant}",
        latex=rf"1 - \frac{{L(y, \hat y)}}{{L(y, c)}},\ c = \text{{{described} of }} y",
        reference=f"scikit-learn {_PEERS[base.name].split('(')[0]}; Hastie, Tibshirani & Wainwright (2015), 3.2",
        tasks=base.tasks,
        per_sample=None,
        params=tuple(p for p in base.params if p.name not in (*_MOVES_THE_CONSTANT, "reduction")),
        roles=base.roles,
        make_state=partial(_d2_state, base),
        conventions=(
            f"c is {described} of the targets (weighted by the sample weights)"
            + (", from probabilities even when the predictions are logits" if reference == BASE_RATE else "")
            + ". Constant targets score 1 for a perfect fit and 0 otherwise (scikit-learn's force_finite); "
            "fewer than two samples are refused. The targets are kept in sorted runs for a second pass: "
            "exact in bounded memory, at the cost of a sort."
        ),
        peers=f"sklearn.metrics.{_PEERS[base.name]}",
        properties="higher is better: 1 is perfect, 0 is the best constant's skill, negative is worse",
        higher_is_better=True,
        lowest=-math.inf,
        highest=1.0,
    )


def _specs() -> tuple[LossSpec, ...]:
    bases = regression.SPECS + deviance.SPECS + binary.SPECS + multiclass.SPECS
    return tuple(d2_spec(spec) for spec in bases if spec.name in _REFERENCE)


SPECS = _specs()


def unsupported(name: str) -> str:
    """Why ``d2:<name>`` is no loss: the losses that have a best constant."""
    return f"{name} has no best constant prediction here; d2 takes {', '.join(_REFERENCE)}"
