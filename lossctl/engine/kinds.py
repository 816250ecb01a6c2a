"""What a prediction file holds, and which losses fit it.

The kind is read from column names (``logit_*`` means logits, ``d_ap``/``d_an`` a triplet
file, ...) and, for a pair of scalar columns, from the first batch of values: labels in
{0, 1} with predictions in [0, 1] are a binary classifier's probabilities, labels in {0, 1}
or {-1, +1} with unbounded predictions are decision scores, anything else is regression.
``--task`` overrides the guess; ``--from-logits`` says the predictions are logits.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lossctl.losses import catalog
from lossctl.losses.tasks import BINARY, CRITIC, MULTICLASS, PAIR, REGRESSION, TRIPLET, WEIGHTS

SCORES = "scores"  # binary labels with unbounded decision scores: not a task of the catalog
KINDS = (REGRESSION, BINARY, SCORES, MULTICLASS, PAIR, TRIPLET, CRITIC, WEIGHTS)
FILE_KINDS = tuple(kind for kind in KINDS if kind != WEIGHTS)  # what --task can say a file holds

# The losses `compare` runs by default for each kind, in catalog order.
_DEFAULTS = {
    REGRESSION: ("regression", "distribution"),
    MULTICLASS: ("multiclass",),
    PAIR: ("pair",),
    TRIPLET: ("triplet",),
    CRITIC: ("critic",),
    WEIGHTS: ("weights",),
}
_SCORE_LOSSES = ("hinge", "squared-hinge", "wasserstein")
_PROBABILITY_LOSSES = ("hinge", "squared-hinge")


class Kind(NamedTuple):
    """The detected kind of a file and whether its predictions are logits."""

    name: str
    from_logits: bool = False

    def describe(self) -> str:
        if self.name in (BINARY, MULTICLASS):
            return f"{self.name} ({'logits' if self.from_logits else 'probabilities'})"
        if self.name == SCORES:
            return "binary (decision scores)"
        return self.name


def default_losses(kind: Kind) -> list[str]:
    """Names of the losses that fit ``kind``, each with default parameters."""
    if kind.name == SCORES:
        return list(_SCORE_LOSSES)
    if kind.name == BINARY:
        names = [s.name for s in catalog() if "binary" in s.tasks and s.name not in _PROBABILITY_LOSSES]
        return names + list(_PROBABILITY_LOSSES) if kind.from_logits else names
    tasks = _DEFAULTS[kind.name]
    return [s.name for s in catalog() if any(t in s.tasks for t in tasks)]


def kind_of_values(y_true: np.ndarray, y_pred: np.ndarray, *, from_logits: bool) -> Kind:
    """The kind of a file with one label and one prediction column, from a sample of values."""
    known = ~np.isnan(y_true)
    if not known.any():
        return Kind(REGRESSION)
    positive = y_true == 1.0
    if np.all(positive | (y_true == 0.0) | ~known):
        if from_logits:
            return Kind(BINARY, from_logits=True)
        with np.errstate(invalid="ignore"):
            in_unit = not np.any((y_pred < 0.0) | (y_pred > 1.0))
        return Kind(BINARY) if in_unit else Kind(SCORES)
    if np.all(positive | (y_true == -1.0) | ~known):
        return Kind(SCORES)
    return Kind(REGRESSION)
