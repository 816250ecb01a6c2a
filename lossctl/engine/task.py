"""What an input holds, in one vocabulary: its task, and the layout of columns that task reads.

Tasks are the loss core's (``lossctl.losses.tasks``) plus one a file may hold that no loss is
named for: ``scores``, binary labels with unbounded decision scores (hinge losses read them).
``--task`` names a task; without it the task is detected (``lossctl.engine.plan``).

A layout says how columns fill the losses' input roles: scalar labels and predictions
(regression, binary, scores, critic, distribution), a class matrix (multiclass), a label and
a distance (pair), two distances or three embedding matrices (triplet), or no samples at all
(weights: a model's parameters only).

This module imports nothing heavy: the command line offers ``FILE_TASKS`` as choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from lossctl.losses.tasks import (
    BINARY,
    CRITIC,
    DISTRIBUTION,
    FORECAST,
    MULTICLASS,
    MULTILABEL,
    PAIR,
    RANKING,
    REGRESSION,
    TRIPLET,
    VECTORS,
    WEIGHTS,
)

SCORES = "scores"
FILE_TASKS = (REGRESSION, BINARY, SCORES, MULTICLASS, MULTILABEL, PAIR, TRIPLET, CRITIC, FORECAST, VECTORS, RANKING)
"""What ``--task`` may say a file holds (weights are a file of their own: --model-weights)."""

SCALAR = "scalar"
MATRIX = "matrix"
PAIR_LAYOUT = "pair"
TRIPLET_LAYOUT = "triplet"
FORECAST_LAYOUT = "forecast"
NONE = "none"

_LAYOUT_OF_TASK = {
    MULTILABEL: MATRIX,
    MULTICLASS: MATRIX,
    PAIR: PAIR_LAYOUT,
    TRIPLET: TRIPLET_LAYOUT,
    WEIGHTS: NONE,
    FORECAST: FORECAST_LAYOUT,
    VECTORS: MATRIX,  # two groups of columns, as a class matrix and a target matrix
}
_TASK_OF_LAYOUT = {layout: task for task, layout in _LAYOUT_OF_TASK.items() if task != VECTORS}  # a matrix:
# multiclass, unless its values say multi-label (``lossctl.engine.detect``)
FORECAST_ROLES = ("y_pred", "lower", "upper", "scale", "variance", "members", "quantiles")
"""What a forecast may hold besides its target: a point (the mean), an interval's ends, a
standard deviation, a variance, ensemble members, quantiles."""
FORECAST_OPTIONS = {
    "lower": "lower",
    "upper": "upper",
    "scale": "std",
    "variance": "variance",
    "members": "members",
    "quantiles": "quantiles",
}
"""The option (its key) that names the column of each forecast role but y_pred (--y-pred)."""


class Task(NamedTuple):
    """The task of an input and whether its predictions are logits."""

    name: str
    from_logits: bool = False

    def describe(self) -> str:
        if self.name in (BINARY, MULTICLASS, MULTILABEL):
            return f"{self.name} ({'logits' if self.from_logits else 'probabilities'})"
        if self.name == SCORES:
            return "binary (decision scores)"
        return self.name


# The losses `compare` runs by default for a task, in catalog order: those of these catalog
# tasks. Binary probabilities leave out the hinge losses, which read scores (or logits).
_DEFAULTS = {
    REGRESSION: (REGRESSION, DISTRIBUTION),
    MULTICLASS: (MULTICLASS,),
    MULTILABEL: (MULTILABEL,),
    PAIR: (PAIR,),
    TRIPLET: (TRIPLET,),
    CRITIC: (CRITIC,),
    WEIGHTS: (WEIGHTS,),
    FORECAST: (FORECAST,),
    VECTORS: (VECTORS,),
    RANKING: (RANKING,),
}
_SCORE_LOSSES = ("hinge", "squared-hinge", "perceptron", "sparsemax", "wasserstein")
_PROBABILITY_LOSSES = ("hinge", "squared-hinge", "perceptron", "sparsemax")
_ON_REQUEST = {
    "distillation": "reads a teacher's logits as y_true",
    "nll": "reads log-probabilities",
    "tweedie-deviance": "mse at its default power",
    "expectile": "half the mse at its default tau",
    "smooth-l1": "huber at the defaults",
    "cost-sensitive-bce": "a count of misses, not a mean",
    "relative-squared-error": "1 - r2",
    "nrmse": "an RMSE over a scale to choose",
    "median-absolute-error": "a median: a sort of the errors",
    "poisson-nll": "reads log-rates by default",
    "multilabel-soft-margin": "multilabel-bce of logits",
    "tversky": "dice at its defaults",
    "energy-distance": "a second distance of the two samples",
    "ntxent": "reads group labels and embeddings",
}
"""Losses computed only when named, and why: they read inputs a plain file does not announce,
repeat another loss at their defaults, or are no mean of the rows."""
_ON_REQUEST_IN = {task: {"hamming": "zero-one with one label per sample"} for task in (BINARY, MULTICLASS)}
"""Losses computed only when named in a task, and why."""

SKILL = "skill"
"""The family of the scores against a reference (higher is better), computed when named."""
CALIBRATION = "calibration"
"""The family of the binned calibration scores (ece, mce, ...), computed when named."""
_FAMILY_REASONS = {SKILL: "skill scores", CALIBRATION: "calibration scores"}


def default_losses(task: Task, *, calibration: bool = False) -> list[str]:
    """Names of the losses that fit ``task``, each with default parameters; with
    ``calibration``, a classifier's also ``ece`` (whose bins make a reliability diagram)."""
    names = _defaults(task)
    return names + ["ece"] if calibration and task.name in (BINARY, MULTICLASS) else names


def _defaults(task: Task) -> list[str]:
    from lossctl.losses import catalog

    if task.name == SCORES:
        return list(_SCORE_LOSSES)
    if task.name == BINARY:
        names = [
            s.name
            for s in catalog()
            if BINARY in s.tasks and s.name not in _PROBABILITY_LOSSES and _by_default(s, task.name)
        ]
        return names + list(_PROBABILITY_LOSSES) if task.from_logits else names
    tasks = _DEFAULTS[task.name]
    return [s.name for s in catalog() if any(t in s.tasks for t in tasks) and _by_default(s, task.name)]


def _on_request(task: str) -> dict[str, str]:
    return {**_ON_REQUEST, **_ON_REQUEST_IN.get(task, {})}


def _by_default(spec, task: str) -> bool:
    """Not on request only: skill scores (``r2``, ``d2:mae``, ...) and calibration scores
    (``ece``, ``brier-reliability``, ...) are named, not defaults."""
    return spec.name not in _on_request(task) and spec.family not in _FAMILY_REASONS


def left_out(task: Task) -> str:
    """Which losses that fit ``task`` the defaults leave out, and why, in a line."""
    from lossctl.losses import catalog

    fitting = [s for s in catalog() if any(t in s.tasks for t in _DEFAULTS.get(task.name, (task.name,)))]
    reasons = _on_request(task.name)
    named = [f"{s.name} ({reasons[s.name]})" for s in fitting if s.name in reasons]
    for family, words in _FAMILY_REASONS.items():
        members = [s.name for s in fitting if s.family == family]
        shown = [name for name in members if not name.startswith("d2:")] + ["d2:LOSS"] * any(
            name.startswith("d2:") for name in members
        )
        if shown:
            named.append(f"the {words} ({', '.join(shown)})")
    return f"also there when named with -l: {'; '.join(named)}" if named else ""


def layout_of_task(task: str) -> str:
    return _LAYOUT_OF_TASK.get(task, SCALAR)


def task_of_layout(layout: str) -> str | None:
    """The task a layout implies; None for scalar columns, whose values tell."""
    return _TASK_OF_LAYOUT.get(layout)


def layout_of_roles(roles: Mapping[str, Any]) -> str:
    """The layout of a file from the roles its column names fill (``lossctl.io.detect_roles``)."""
    if "d_ap" in roles or "anchor" in roles:
        return TRIPLET_LAYOUT
    if ("lower" in roles and "upper" in roles) or any(
        r in roles for r in ("scale", "variance", "members", "quantiles")
    ):
        return FORECAST_LAYOUT
    if "distance" in roles or pair_inputs(roles):
        return PAIR_LAYOUT
    if "matrix" in roles:
        return MATRIX
    return SCALAR


def pair_inputs(roles: Mapping[str, Any]) -> dict[str, Any]:
    """The two inputs of a pair the column names give: two score columns (roles x1, x2) and
    two groups of embedding columns (x1_*, x2_*: roles embedding1, embedding2), those there
    are; empty when there are none."""
    found = {}
    for first, second in (("x1", "x2"), ("embedding1", "embedding2")):
        if first in roles and second in roles:
            found |= {first: roles[first], second: roles[second]}
    return found


def task_of_losses(losses: list) -> str | None:
    """The task the named losses imply where their layout does not: ``vectors`` (a class
    matrix's layout) when every loss that reads samples compares vectors, ``ranking`` when
    every one ranks lists."""
    sample_losses = [loss for loss in losses if reads_samples(loss)]
    for task in (VECTORS, RANKING):
        if sample_losses and all(set(loss.tasks) == {task} for loss in sample_losses):
            return task
    return None


def unbound_roles(loss: Any, bound: Mapping[str, Any]) -> list[str]:
    """The roles ``loss`` reads that no column fills: none when one of its sets of roles
    (contrastive's label and distance, or label and two embeddings) is filled, else those of
    its first set."""
    missing = [[role for role in roles if role not in bound] for roles in loss.role_sets]
    return [] if any(not m for m in missing) else missing[0]


def reads_samples(loss: Any) -> bool:
    """Whether a loss reads the prediction file (regularization reads only the weights)."""
    return not set(loss.tasks) <= {WEIGHTS}


def reads_two_samples(losses: list) -> bool:
    """Whether every loss that reads samples reads two of them side by side (a distance
    between distributions): each column is a sample, of its own size."""
    from lossctl.losses import reads_two_samples as compares_samples

    sample_losses = [loss for loss in losses if reads_samples(loss)]
    return bool(sample_losses) and all(compares_samples(loss) for loss in sample_losses)


def layout_of_losses(losses: list, roles: Mapping[str, Any], y_pred_is_glob: bool) -> str | None:
    """The one layout every loss that reads samples reads; None when two losses read different
    layouts (a class matrix and a single column: they cannot share a pass)."""
    layouts = set()
    for loss in losses:
        if not reads_samples(loss):
            continue
        tasks = set(loss.tasks)
        if TRIPLET in tasks:
            layouts.add(TRIPLET_LAYOUT)
        elif FORECAST in tasks:
            layouts.add(FORECAST_LAYOUT)
        elif PAIR in tasks:
            layouts.add(PAIR_LAYOUT)
        elif tasks <= {MULTICLASS, MULTILABEL} or tasks == {VECTORS}:
            layouts.add(MATRIX)
        elif tasks & {MULTICLASS, MULTILABEL, RANKING}:  # a matrix when the columns say so
            layouts.add(MATRIX if "matrix" in roles or y_pred_is_glob else SCALAR)
        else:
            layouts.add(SCALAR)
    if layouts == {SCALAR, FORECAST_LAYOUT}:  # a forecast's mean is a point prediction too
        return FORECAST_LAYOUT
    if len(layouts) > 1:
        return None
    return layouts.pop() if layouts else NONE
