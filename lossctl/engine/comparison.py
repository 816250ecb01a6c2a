"""Models against a reference, paired row by row: what ``compare --ci`` adds to the values.

Each model scored on the same labels as the reference (the same task and number of rows) is
compared loss by loss: ``B - A`` with its interval, a p-value adjusted with Holm's step-down
over that model's losses, and a verdict at the interval's level. The rows are paired by
position: the models' files list the same rows in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lossctl.losses import LossError
from lossctl.losses.intervals import Interval
from lossctl.losses.paired import holm, paired, verdict

if TYPE_CHECKING:
    from lossctl.engine.request import Ci
    from lossctl.engine.results import Evaluation, LossResult


@dataclass(frozen=True)
class Comparison:
    """One loss of one model against the reference."""

    loss: str  # the loss's label
    reference: str
    model: str
    diff: float
    ci: Interval
    p_value: float  # Holm-adjusted over the model's losses
    verdict: str
    pairing: str = "by position"  # how the rows were paired: by position, or on a key column


def _overall(evaluation: Evaluation) -> dict[str, LossResult]:
    return {r.label: r for r in evaluation.results if r.group is None and r.state is not None}


def _peers(a: Evaluation, b: Evaluation) -> bool:
    """Scored on the same labels: the same task and as many rows (and, where the labels'
    fingerprints were taken, the same labels in the same order)."""
    fingerprints = None in (a.labels, b.labels) or a.labels == b.labels
    return (a.task, a.rows) == (b.task, b.rows) and fingerprints


def _unpaired(a: Evaluation, b: Evaluation) -> str:
    """Why ``b`` is not paired with ``a``."""
    if (a.task, a.rows) == (b.task, b.rows):
        return f"its labels differ from those of the same rows there (rows are paired {a.pairing()})"
    return "not scored on the same labels"


def against_reference(evaluations: list[Evaluation], reference: int, ci: Ci) -> tuple[list[Comparison], list[str]]:
    """Every other model against ``evaluations[reference]``; warnings for the pairs that
    cannot be compared."""
    base = evaluations[reference]
    comparisons, warnings = [], []
    for e in evaluations:
        if e is base:
            continue
        if not _peers(base, e):
            warnings.append(f"{e.input}: not compared with {base.input}: {_unpaired(base, e)}")
            continue
        mine, theirs = _overall(base), _overall(e)
        found = []
        for label in [lab for lab in mine if lab in theirs]:
            try:
                found.append((label, paired(mine[label].state, theirs[label].state, **_settings(ci))))
            except LossError as exc:
                warnings.append(f"{label}: {e.input} against {base.input}: {exc}")
        adjusted = holm([p.p_value for _, p in found])
        for (label, p), p_adjusted in zip(found, adjusted, strict=True):
            word = verdict(p.diff, p_adjusted, 1.0 - ci.level, mine[label].loss.higher_is_better)
            comparisons.append(Comparison(label, base.input, e.input, p.diff, p.ci, p_adjusted, word, base.pairing()))
    return comparisons, warnings


def significantly_best(evaluations: list[Evaluation], ci: Ci) -> dict[str, bool]:
    """For each loss, whether the best value (the lowest of a loss, the highest of a score) is
    better than every peer's by a paired interval that excludes 0 (at the interval's level)."""
    out: dict[str, bool] = {}
    tables = [_overall(e) for e in evaluations]
    for label in dict.fromkeys(lab for table in tables for lab in table):
        scored = [(t[label].value, i) for i, t in enumerate(tables) if label in t]
        if len(scored) < 2:
            continue
        higher = tables[scored[0][1]][label].loss.higher_is_better
        if higher is None:  # best at a nominal value (coverage): no best
            continue
        best = min(scored, key=lambda s: (-s[0] if higher else s[0], s[1]))[1]  # ties: the first
        others = [i for _, i in scored if i != best and _peers(evaluations[i], evaluations[best])]
        try:
            out[label] = bool(others) and all(
                _beaten(paired(tables[best][label].state, tables[i][label].state, **_settings(ci)).ci, higher)
                for i in others
            )
        except LossError:
            out[label] = False
    return out


def _beaten(ci, higher: bool) -> bool:
    """Whether the interval of ``other - best`` says the other is worse: above 0 for a loss,
    below 0 for a score."""
    return ci.high < 0.0 if higher else ci.low > 0.0


def _settings(ci: Ci) -> dict:
    return {"level": ci.level, "method": ci.method, "seed": ci.seed}


@dataclass(frozen=True)
class Skill:
    """One loss of one model against the reference model: ``1 - L(model) / L(reference)``."""

    loss: str  # the loss's label
    reference: str
    model: str
    value: float


def skill_against(evaluations: list[Evaluation], reference: int) -> tuple[list[Skill], list[str]]:
    """The skill of every other model against ``evaluations[reference]``, per loss (a loss,
    lower is better, whose reference value is positive: 1 is perfect, 0 the reference's
    loss, negative worse than it; Murphy 1988's skill score with the reference model as the
    reference forecast); warnings for the pairs that cannot be compared."""
    base = evaluations[reference]
    mine = {r.label: r for r in base.results if r.group is None}
    skills, warnings = [], []
    for e in evaluations:
        if e is base:
            continue
        if not _peers(base, e):
            warnings.append(f"{e.input}: no skill against {base.input}: not scored on the same labels")
            continue
        for r in (r for r in e.results if r.group is None and r.label in mine):
            ref = mine[r.label].value
            if r.loss.higher_is_better is False and ref > 0.0:
                skills.append(Skill(r.label, base.input, e.input, 1.0 - r.value / ref))
    return skills, warnings
