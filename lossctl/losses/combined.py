"""Combined losses: a weighted sum ``sum_k c_k L_k`` of configured losses, written as an
expression such as ``bce + 0.5*focal:gamma=1 + 1e-4*l2``."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import LossError
from lossctl.losses.spec import Loss
from lossctl.losses.state import CombinedState
from lossctl.losses.tasks import WEIGHTS


@dataclass(frozen=True)
class CombinedLoss:
    """A weighted sum of losses; same interface as ``Loss``."""

    terms: tuple[tuple[float, Loss], ...]

    name = "combined"

    @property
    def label(self) -> str:
        """The canonical expression: every term with its coefficient and changed parameters."""
        text = ""
        for coefficient, loss in self.terms:
            sign = "-" if coefficient < 0 else "+"
            magnitude = abs(coefficient)
            term = loss.label if magnitude == 1.0 else f"{magnitude:g}*{loss.label}"
            text = f"{'-' if sign == '-' else ''}{term}" if not text else f"{text} {sign} {term}"
        return text

    @property
    def params(self) -> dict:
        return {"terms": [{"coefficient": c, "loss": loss.name, "params": loss.params} for c, loss in self.terms]}

    @property
    def role_sets(self) -> tuple[tuple[str, ...], ...]:
        """The role sets of the terms on samples (the first term's; all must agree)."""
        sample_terms = self.sample_terms()
        return sample_terms[0][1].role_sets if sample_terms else (("weights",),)

    @property
    def tasks(self) -> tuple[str, ...]:
        """Tasks every sample term fits (regularization terms fit any task)."""
        sample_terms = self.sample_terms()
        if not sample_terms:
            return (WEIGHTS,)
        common = set(sample_terms[0][1].tasks)
        for _, loss in sample_terms[1:]:
            common &= set(loss.tasks)
        return tuple(t for t in sample_terms[0][1].tasks if t in common)

    @property
    def higher_is_better(self) -> bool | None:
        """A positive sum of scores is a score; a sum with a term ranked neither way (coverage)
        is ranked neither way; any other expression is a loss."""
        sample_terms = self.sample_terms()
        if any(loss.higher_is_better is None for _, loss in sample_terms):
            return None
        return bool(sample_terms) and all(c > 0 and loss.higher_is_better for c, loss in sample_terms)

    @property
    def bounds(self) -> tuple[float, float]:
        """The least and the greatest value of the sum: its terms' sums when every coefficient
        is positive, else none."""
        if all(c > 0 for c, _ in self.terms):
            return sum(c * loss.bounds[0] for c, loss in self.terms), sum(c * loss.bounds[1] for c, loss in self.terms)
        return -math.inf, math.inf

    def sample_terms(self) -> list[tuple[float, Loss]]:
        return [(c, loss) for c, loss in self.terms if WEIGHTS not in loss.tasks]

    def needs_weights(self) -> bool:
        return any(WEIGHTS in loss.tasks for _, loss in self.terms)

    def state(self) -> CombinedState:
        return CombinedState([(c, loss.state(), loss.role_sets, loss.label) for c, loss in self.terms])

    def per_sample(self, batch: Batch) -> np.ndarray:
        """``sum_k c_k l_k`` over the terms on samples; regularization terms, sums over the
        weight array, have no per-sample values and are left out."""
        sample_terms = self.sample_terms()
        if not sample_terms:
            raise LossError(f"{self.label} has no per-sample values: all its terms are regularization")
        return sum(c * loss.per_sample(batch) for c, loss in sample_terms)

    def evaluate(self, batch: Batch) -> float:
        state = self.state()
        state.update(batch)
        return state.result()
