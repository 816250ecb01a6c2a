"""Calibration scores: how far the predicted probabilities are from the frequencies observed.

The samples are put into bins by their confidence ``c``; in bin ``b`` of weight ``W_b`` (of
``W`` in all), ``conf_b`` is the weighted mean confidence and ``acc_b`` the weighted mean
outcome (the label, or whether the predicted class was right):

- ``ece`` = ``sum_b W_b/W |acc_b - conf_b|`` (Naeini et al. 2015; Guo et al. 2017),
- ``mce`` = ``max_b |acc_b - conf_b|`` over the bins of positive weight,
- ``rmsce`` = ``sqrt(sum_b W_b/W (acc_b - conf_b)^2)`` (Kumar et al. 2019's l2 error),

as torchmetrics' ``BinaryCalibrationError`` and ``MulticlassCalibrationError`` (norm ``l1``,
``max``, ``l2``), with sample weights (which torchmetrics does not take). The Brier score's
decomposition (Murphy 1973) over the same bins, ``base_rate`` the weighted mean outcome:

- ``brier-reliability`` = ``sum_b W_b/W (conf_b - acc_b)^2`` (lower is better),
- ``brier-resolution`` = ``sum_b W_b/W (acc_b - base_rate)^2`` (higher is better),
- ``brier-uncertainty`` = ``base_rate (1 - base_rate)``,

and ``reliability - resolution + uncertainty`` is the Brier score of the forecasts replaced
by their bin's mean confidence, exactly. A multiclass input is scored ``top-label`` (the
largest probability, and whether its class is the label) or ``classwise`` (each class k as the
binary problem ``(p_k, [y = k])``: ECE, MCE and RMSCE are the mean over the classes, Kull et
al. 2019; the Brier parts the sum, as the multiclass Brier score sums over the classes).

Every per-bin sum is exact (``binning``: equal-width bins streamed, equal-mass ones from
sorted runs) and each score is computed from them in rational arithmetic, rounded once
(RMSCE: the square root of the rounded mean square; classwise means of MCE and RMSCE: a
correctly rounded sum of the rounded per-class values). The scores are of the whole sample:
no per-sample values. ``CalibrationState.bins`` gives the bins themselves, for a reliability
diagram.

Intervals (``--ci``): each bin's sums are sums over rows, so the jackknife and the
bootstrap recompute a score from its replicate groups' bin sums (``RESAMPLED``: the same
formulas in floating point); equal-mass bins are those of the whole sample, the interval
conditional on their edges. Not ``mce``, a maximum over bins, which no smooth function of
sums gives. The
plug-in ECE (and RMSCE, and the reliability) is biased upward: each bin's ``|acc_b - conf_b|``
adds the mean absolute value of its sampling noise, of order ``sqrt(B / n)``, so for a nearly
calibrated model (a gap per bin not well above that noise) the score and its interval sit
above the population value, and the interval is not to be trusted (Kumar, Liang & Ma 2019,
section 5; Roelofs et al. 2022, Mitigating bias in calibration error estimation).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np

from lossctl.losses.bin_edges import BINNINGS, EQUAL_WIDTH
from lossctl.losses.bin_sums import Bin, Table
from lossctl.losses.binning import CLASSWISE, TOP_LABEL, CalibrationState
from lossctl.losses.params import FROM_LOGITS, Choice, Count, Interval, Names
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import BINARY, MULTICLASS

FAMILY = "calibration"


BINS = Count("bins", 15, "the number of bins (torchmetrics' n_bins default)", domain=Interval(1.0, 1e6))
BINNING = Choice(
    "binning",
    EQUAL_WIDTH,
    "equal-width: [k/B, (k+1)/B); equal-mass: edges at the weighted quantiles k/B of the confidences",
    domain=Names(BINNINGS),
)
MULTICLASS_MODE = Choice(
    "multiclass",
    TOP_LABEL,
    "top-label: the largest probability, right when its class is the label; classwise: each class apart",
    domain=Names((TOP_LABEL, CLASSWISE)),
)


# -- the scores of a table ------------------------------------------------------------------------


def _rational_sum(terms: list[Fraction]) -> Fraction:
    """The exact sum, added pairwise: the denominators grow evenly, far faster than in turn."""
    while len(terms) > 1:
        paired = [terms[i] + terms[i + 1] for i in range(0, len(terms) - 1, 2)]
        terms = paired + terms[2 * len(paired) :]
    return terms[0] if terms else Fraction(0)


def _mean(values: list[float]) -> float:
    """The mean over the problems: one problem's value itself, or a correctly rounded sum."""
    return math.fsum(values) / len(values)


def _squared_gaps(bins: list[Bin]) -> Fraction:
    """``sum_b (A_b - C_b)^2 / W_b``: ``W`` times the weighted mean squared gap."""
    return _rational_sum([Fraction((b.outcome - b.confidence) ** 2, b.weight) for b in bins])


def expected_error(table: Table) -> float:
    """``sum_b |A_b - C_b| / W``, averaged over the problems: one exact quotient."""
    gaps = sum(abs(b.outcome - b.confidence) for bins in table.problems for b in bins)
    return gaps / (len(table.problems) * table.weight)


def maximum_error(table: Table) -> float:
    """``max_b |A_b - C_b| / W_b``; each quotient rounded once, which keeps their order."""
    return _mean([max(abs(b.outcome - b.confidence) / b.weight for b in bins) for bins in table.problems])


def root_mean_square_error(table: Table) -> float:
    """``sqrt(sum_b (A_b - C_b)^2 / W_b / W)``, averaged over the problems."""
    return _mean([math.sqrt(_squared_gaps(bins) / table.weight) for bins in table.problems])


def reliability(table: Table) -> float:
    """``sum_b W_b/W (conf_b - acc_b)^2``, summed over the problems: one exact quotient."""
    return float(_rational_sum([_squared_gaps(bins) for bins in table.problems]) / table.weight)


def resolution(table: Table) -> float:
    """``sum_b W_b/W (acc_b - A/W)^2 = sum_b (A_b W - W_b A)^2 / (W_b W^3)``, summed over the
    problems."""
    w = table.weight
    terms = []
    for bins in table.problems:
        hits = sum(b.outcome for b in bins)
        terms += [Fraction((b.outcome * w - b.weight * hits) ** 2, b.weight) for b in bins]
    return float(_rational_sum(terms) / w**3)


def uncertainty(table: Table) -> float:
    """``(A/W)(1 - A/W) = A (W - A) / W^2``, summed over the problems."""
    w = table.weight
    hits = [sum(b.outcome for b in bins) for bins in table.problems]
    return sum(a * (w - a) for a in hits) / w**2


# -- the scores of cell sums, vectorized: for intervals ------------------------------------------
# Arrays of shape (..., problems, bins): the weight W_b, confidence C_b and outcome A_b sums of
# each cell; W (...,) the total weight. A bin of no weight (in a resample) counts for nothing.


def _per_bin(numerator: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``numerator / W_b``, 0 where the bin has no weight."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(weight > 0, numerator / weight, 0.0)


def resampled_expected_error(weight, confidence, outcome, total):
    problems = weight.shape[-2]
    return np.abs(outcome - confidence).sum(axis=(-2, -1)) / (problems * total)


def resampled_root_mean_square_error(weight, confidence, outcome, total):
    squares = _per_bin((outcome - confidence) ** 2, weight).sum(axis=-1)
    return np.sqrt(squares / total[..., None]).mean(axis=-1)


def resampled_reliability(weight, confidence, outcome, total):
    return _per_bin((outcome - confidence) ** 2, weight).sum(axis=(-2, -1)) / total


def resampled_resolution(weight, confidence, outcome, total):
    hits = outcome.sum(axis=-1, keepdims=True)
    w = total[..., None, None]
    return _per_bin((outcome * w - weight * hits) ** 2, weight).sum(axis=(-2, -1)) / total**3


def resampled_uncertainty(weight, confidence, outcome, total):
    hits = outcome.sum(axis=-1)
    w = total[..., None]
    return (hits * (w - hits)).sum(axis=-1) / total**2


RESAMPLED = {
    expected_error: resampled_expected_error,
    root_mean_square_error: resampled_root_mean_square_error,
    reliability: resampled_reliability,
    resolution: resampled_resolution,
    uncertainty: resampled_uncertainty,
}
"""Each score's formula in floating point, of arrays of cell sums (``maximum_error``: none)."""


# -- the specs ----------------------------------------------------------------------------------


def _state(measure: Callable[[Table], float], spec: LossSpec, params: dict[str, Any]) -> CalibrationState:
    """The state of a calibration score; brier-uncertainty, which takes no bins, has one."""
    return CalibrationState(
        measure,
        bins=params.get("bins", 1),
        binning=params.get("binning", EQUAL_WIDTH),
        multiclass=params["multiclass"],
        from_logits=params["from_logits"],
        resampled=RESAMPLED.get(measure),
        binned=measure is not uncertainty,
    )


_INPUTS = (
    "Binary: the confidence is the predicted probability of the positive class and the outcome the label, "
    "0 or 1 (torchmetrics; not max(p, 1-p)). Multiclass, from class labels: top-label (default) takes the "
    "largest probability and whether its class, the lowest of a tie, is the label; classwise takes each "
    "class k as the binary problem (p_k, [y = k])"
)
_BINS = (
    "equal-width bins are [k/B, (k+1)/B), the last closed, their edges the floats nearest k/B: a probability "
    "written 0.3 opens [0.3, 0.4) (torchmetrics' linspace edge 0.30000000000000004 puts it in the bin below), "
    "and a confidence of 1 is in the last bin (torchmetrics 1.9 counts it in an extra bin of its own, its "
    "issue 3510). equal-mass edges are the weighted quantiles of the confidences at k/B, of the whole "
    "sample (each class's own, classwise): the smallest confidence whose cumulative weight reaches k/B of "
    "the total (numpy quantile method='inverted_cdf'), a confidence equal to an edge in the bin below "
    "(as scikit-learn's calibration_curve, whose quantile strategy interpolates the edges instead, "
    "np.percentile, and can put a sample at an edge in the next bin); ties make fewer, heavier bins. "
    "The confidences are kept in sorted runs for that second pass: exact in bounded memory, at the cost "
    "of a sort. Sample weights make weighted means and proportions (torchmetrics takes none); bins of "
    "no weight count for nothing"
)


def _error_spec(
    name: str,
    measure: Callable[[Table], float],
    norm: str,
    summary: str,
    formula: str,
    latex: str,
    properties: str,
    reference: str,
) -> LossSpec:
    """ECE, MCE or RMSCE: torchmetrics' calibration error of ``norm``."""
    return LossSpec(
        name=name,
        family=FAMILY,
        summary=summary,
        formula=formula,
        latex=latex,
        reference=reference,
        tasks=(BINARY, MULTICLASS),
        per_sample=None,
        params=(BINS, BINNING, MULTICLASS_MODE, FROM_LOGITS),
        make_state=partial(_state, measure),
        conventions=f"{_INPUTS}, scored as the mean over the classes (Kull et al. 2019). {_BINS}.",
        peers=(
            f"torchmetrics.classification.BinaryCalibrationError(n_bins=bins, norm='{norm}'), "
            f"MulticlassCalibrationError(num_classes, n_bins=bins, norm='{norm}') (top-label, equal-width)"
        ),
        properties=properties,
    )


_MEANS = "acc_b and conf_b the weighted mean outcome and confidence of bin b, W_b its weight of W"
_GUO = "Guo, Pleiss, Sun & Weinberger (2017), On Calibration of Modern Neural Networks"
_NAEINI = "Naeini, Cooper & Hauskrecht (2015), Obtaining Well Calibrated Probabilities Using Bayesian Binning"
_KULL = "Kull et al. (2019), Beyond temperature scaling (classwise)"
_MURPHY = "Murphy (1973), A New Vector Partition of the Probability Score"
_BINNED_BRIER = "brier-reliability - brier-resolution + brier-uncertainty = the Brier score of the forecasts "
_BINNED_BRIER += "replaced by their bin's mean confidence, exactly (binary outcomes)"

SPECS = (
    _error_spec(
        "ece",
        expected_error,
        "l1",
        "Expected calibration error: the weighted mean gap between confidence and accuracy over the bins.",
        f"sum_b (W_b / W) |acc_b - conf_b|, {_MEANS}",
        r"\sum_b \frac{W_b}{W} \left| \bar a_b - \bar c_b \right|",
        "in [0, 1], 0 when every bin's accuracy is its mean confidence; ece <= rmsce <= mce; depends on the bins; "
        "no proper scoring rule (the constant forecast of the base rate scores 0)",
        f"{_NAEINI}; {_GUO}; {_KULL}",
    ),
    _error_spec(
        "mce",
        maximum_error,
        "max",
        "Maximum calibration error: the largest gap between confidence and accuracy over the bins.",
        f"max over bins of positive weight |acc_b - conf_b|, {_MEANS}",
        r"\max_{b:\, W_b > 0} \left| \bar a_b - \bar c_b \right|",
        "in [0, 1]; a worst case: one bin decides it, however few samples it holds; ece <= rmsce <= mce",
        f"{_NAEINI}; {_GUO}; {_KULL}",
    ),
    _error_spec(
        "rmsce",
        root_mean_square_error,
        "l2",
        "Root-mean-square calibration error: the gaps between confidence and accuracy, squared, over the bins.",
        f"sqrt(sum_b (W_b / W) (acc_b - conf_b)^2), {_MEANS}",
        r"\sqrt{\sum_b \frac{W_b}{W} \left( \bar a_b - \bar c_b \right)^2}",
        "in [0, 1]; its square is brier-reliability of the same bins; ece <= rmsce <= mce",
        f"Kumar, Liang & Ma (2019), Verified Uncertainty Calibration; {_GUO}; {_KULL}",
    ),
    LossSpec(
        name="brier-reliability",
        family=FAMILY,
        summary="Reliability of the Brier score's decomposition: the binned squared calibration gap.",
        formula=f"sum_b (W_b / W) (conf_b - acc_b)^2, {_MEANS}",
        latex=r"\sum_b \frac{W_b}{W} \left( \bar c_b - \bar a_b \right)^2",
        reference=f"{_MURPHY}; {_KULL}",
        tasks=(BINARY, MULTICLASS),
        per_sample=None,
        params=(BINS, BINNING, MULTICLASS_MODE, FROM_LOGITS),
        make_state=partial(_state, reliability),
        conventions=f"{_INPUTS}, scored as the sum over the classes (as the multiclass Brier score). {_BINS}.",
        peers="none computes it; rmsce^2 of the same bins (torchmetrics' norm='l2', squared)",
        properties=f">= 0, lower is better; 0 for calibrated bins; {_BINNED_BRIER}",
    ),
    LossSpec(
        name="brier-resolution",
        family=FAMILY,
        summary="Resolution of the Brier score's decomposition: how far the bins' accuracies spread from the base rate.",
        formula=f"sum_b (W_b / W) (acc_b - base_rate)^2, base_rate = sum w y / W, {_MEANS}",
        latex=r"\sum_b \frac{W_b}{W} \left( \bar a_b - \bar o \right)^2",
        reference=_MURPHY,
        tasks=(BINARY, MULTICLASS),
        per_sample=None,
        params=(BINS, BINNING, MULTICLASS_MODE, FROM_LOGITS),
        make_state=partial(_state, resolution),
        conventions=f"{_INPUTS}, scored as the sum over the classes (as the multiclass Brier score). {_BINS}.",
        peers="none computes it",
        properties=f"higher is better: 0 when every bin has the base rate, at most brier-uncertainty; {_BINNED_BRIER}",
        higher_is_better=True,
    ),
    LossSpec(
        name="brier-uncertainty",
        family=FAMILY,
        summary="Uncertainty of the Brier score's decomposition: the variance of the outcomes, base_rate (1 - base_rate).",
        formula="base_rate (1 - base_rate), base_rate = sum w y / sum w",
        latex=r"\bar o \, (1 - \bar o)",
        reference=_MURPHY,
        tasks=(BINARY, MULTICLASS),
        per_sample=None,
        params=(MULTICLASS_MODE, FROM_LOGITS),
        make_state=partial(_state, uncertainty),
        conventions=(
            f"{_INPUTS}, scored as the sum over the classes. No bins: the outcomes alone decide it (top-label "
            "outcomes are whether the predicted class is right, so there the predictions matter too)."
        ),
        peers="none computes it",
        properties=(
            "of the outcomes, not the forecasts: the same for every binary model on the same labels, so "
            f"ranked neither way (no best is marked); at most 1/4 per class; {_BINNED_BRIER}"
        ),
        higher_is_better=None,
    ),
)
