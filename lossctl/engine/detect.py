"""The task of an input, when ``--task`` does not say it: from the layout its columns fill and,
for a pair of scalar columns, from the first chunk of values.

Labels in {0, 1} with predictions in [0, 1] are a binary classifier's probabilities; labels in
{0, 1} or {-1, +1} with unbounded predictions are decision scores; anything else is
regression. Column names that say logits (``logit_*``) or ``--from-logits`` make binary
predictions logits.

A class matrix is multiclass unless its labels are a matrix of 0s and 1s that is multi-label:
a row with no label or several, or probabilities (not logits) whose rows do not sum to 1 (one
sigmoid per label). One-hot labels with logits are multiclass: ``--task multilabel`` says
otherwise.
"""

from __future__ import annotations

import numpy as np

from lossctl.engine.task import MATRIX, NONE, SCALAR, SCORES, Task, task_of_layout
from lossctl.losses.batch import ROW_SUM_TOLERANCE
from lossctl.losses.tasks import BINARY, MULTICLASS, MULTILABEL, REGRESSION, WEIGHTS


def detect_task(layout: str, task: str | None, from_logits: bool, first: dict[str, np.ndarray] | None) -> Task:
    """The task of an input of ``layout``: ``task`` when the user gave it; else the layout's,
    or, for scalar columns and class matrices, the first chunk's (``first``, by role;
    regression when empty)."""
    if task is not None:
        return Task(task, from_logits=from_logits)
    if layout == NONE:
        return Task(WEIGHTS)
    if layout == MATRIX and first is not None:
        return task_of_matrix(first["y_true"], first["y_pred"], from_logits=from_logits)
    if layout != SCALAR:
        return Task(task_of_layout(layout), from_logits)
    if first is None:
        return Task(REGRESSION)
    return task_of_values(first["y_true"], first["y_pred"], from_logits=from_logits)


def task_of_values(y_true: np.ndarray, y_pred: np.ndarray, *, from_logits: bool) -> Task:
    """The task of a file with one label and one prediction column, from a sample of values."""
    known = ~np.isnan(y_true)
    if not known.any():
        return Task(REGRESSION)
    positive = y_true == 1.0
    if np.all(positive | (y_true == 0.0) | ~known):
        if from_logits:
            return Task(BINARY, from_logits=True)
        with np.errstate(invalid="ignore"):
            in_unit = not np.any((y_pred < 0.0) | (y_pred > 1.0))
        return Task(BINARY) if in_unit else Task(SCORES)
    if np.all(positive | (y_true == -1.0) | ~known):
        return Task(SCORES)
    return Task(REGRESSION)


def task_of_matrix(y_true: np.ndarray, y_pred: np.ndarray, *, from_logits: bool) -> Task:
    """Multi-label or multiclass, from a sample of a class matrix's labels and predictions."""
    if y_true.ndim == 2 and y_true.shape == y_pred.shape:
        known = ~np.isnan(y_true).any(axis=1)
        labels = y_true[known]
        if len(labels) and np.all((labels == 0.0) | (labels == 1.0)):
            if np.any(labels.sum(axis=1) != 1.0):
                return Task(MULTILABEL, from_logits)
            with np.errstate(invalid="ignore"):
                if not from_logits and np.any(np.abs(y_pred[known].sum(axis=1) - 1.0) > ROW_SUM_TOLERANCE):
                    return Task(MULTILABEL, from_logits)
    return Task(MULTICLASS, from_logits)


def real_targets(first: dict[str, np.ndarray]) -> bool:
    """Whether a matrix's labels are real targets (a multi-output regression), not classes:
    rows that are neither 0s and 1s (multi-label) nor probabilities summing to 1 (soft class
    labels)."""
    labels = first["y_true"]
    if labels.ndim != 2 or labels.shape != first["y_pred"].shape:
        return False
    labels = labels[~np.isnan(labels).any(axis=1)]
    if not len(labels) or np.all((labels == 0.0) | (labels == 1.0)):
        return False
    inside = np.all((labels >= 0.0) & (labels <= 1.0))
    return not (inside and np.all(np.abs(labels.sum(axis=1) - 1.0) <= ROW_SUM_TOLERANCE))
