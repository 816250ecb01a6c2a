"""Loss specifications and configured losses.

A ``LossSpec`` is the registry's description of one loss: names, formula, reference, the task
it fits, the inputs it needs, its parameters, and how it accumulates. ``spec.configure(...)``
checks parameter values and gives a ``Loss``, the spec with every parameter bound, which
makes states and per-sample values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import LossError
from lossctl.losses.params import Choice, Names, Param, bind
from lossctl.losses.reductions import MEAN, REDUCTIONS, SUM
from lossctl.losses.state import MeanState, State, finite_terms
from lossctl.losses.tasks import WEIGHTS

PREDICTION = (("y_true", "y_pred"),)


REDUCTION = Choice(
    "reduction",
    MEAN,
    "mean: the (weighted) mean of the per-sample losses; sum: their (weighted) sum",
    domain=Names(REDUCTIONS),
)
"""Every loss that is a mean of per-sample terms takes it (PyTorch's and Keras' reduction;
``none`` is ``--per-sample``)."""


def mean_state(spec: LossSpec, params: dict[str, Any]) -> State:
    """The default accumulation: a (weighted) mean of the per-sample terms, or their sum."""
    terms = _term_params(params)
    term = partial(spec.per_sample, **terms)
    denominator = partial(spec.denominator, **terms) if spec.denominator else None
    summed = partial(spec.summed, **terms) if spec.summed else None
    return MeanState(term, denominator, spec.finish, total=params.get("reduction") == SUM, summed=summed)


def _term_params(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters of the per-sample terms: all but how they are reduced."""
    return {key: value for key, value in params.items() if key != REDUCTION.name}


@dataclass(frozen=True)
class LossSpec:
    """One loss of the catalog."""

    name: str
    family: str
    summary: str
    formula: str
    latex: str
    reference: str
    tasks: tuple[str, ...]
    per_sample: Callable[..., np.ndarray] | None
    params: tuple[Param, ...] = ()
    aliases: tuple[str, ...] = ()
    roles: tuple[tuple[str, ...], ...] = PREDICTION
    make_state: Callable[[LossSpec, dict[str, Any]], State] = mean_state
    denominator: Callable[..., np.ndarray] | None = None
    summed: Callable[..., int | None] | None = None
    """The exact ``sum(w * per_sample)`` of a batch where it can be had for less than the terms
    (None from it: sum the terms); the same integer as summing them (huber's profile)."""
    finish: Callable[[float], float] | None = None
    conventions: str = ""
    peers: str = ""
    properties: str = ""
    higher_is_better: bool | None = False
    """True for a score, False for a loss, None for a result that is best at a nominal value
    (coverage): no best is marked, and a baseline check fails on a change either way."""
    lowest: float = 0.0
    """The least value the loss can take: 0 for the non-negative losses (most of them), -inf
    where a value can be negative (a log-density, a critic's score, a skill score). A
    confidence interval ends there: the normal interval is symmetric, the loss's range not.
    A property test checks every loss's values against it, on random inputs."""
    highest: float = math.inf
    """The greatest value: 1 for a skill score (a perfect fit) or an overlap loss (scores and
    ratios of sums, which take no ``reduction``), where an interval ends too."""
    held: str = ""
    """Why the loss holds its rows in memory rather than streaming them in bounded memory (empty:
    it streams, as every mean, every sorted-run median or distance does)."""

    def __post_init__(self) -> None:
        """A mean of per-sample terms (without a ``finish``: rmse's root is no reduction)
        takes ``reduction``."""
        if self.make_state is mean_state and self.per_sample is not None and self.finish is None:
            object.__setattr__(self, "params", (*self.params, REDUCTION))

    def configure(self, **given: Any) -> Loss:
        """This loss with ``given`` parameters checked and the others at their defaults."""
        return Loss(self, bind(self.name, self.params, given))


@dataclass(frozen=True)
class Loss:
    """A loss with every parameter bound: what states and per-sample values are made from."""

    spec: LossSpec
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        """``name`` followed by the parameters that differ from their defaults; ``from_logits``
        is left out, it says how the input reads, not which loss is computed."""
        changed = [
            f"{p.name}={_show(self.params[p.name])}"
            for p in self.spec.params
            if self.params[p.name] != p.default and p.name != "from_logits"
        ]
        return f"{self.name}:{','.join(changed)}" if changed else self.name

    @property
    def role_sets(self) -> tuple[tuple[str, ...], ...]:
        return self.spec.roles

    @property
    def higher_is_better(self) -> bool | None:
        """A score (``r2``, ``d2:mae``): the best value is the highest; None: neither."""
        return self.spec.higher_is_better

    @property
    def tasks(self) -> tuple[str, ...]:
        return self.spec.tasks

    @property
    def bounds(self) -> tuple[float, float]:
        """The least and the greatest value the loss can take (``LossSpec.lowest`` and
        ``highest``); a sum of terms that can be negative has no least value."""
        lowest = self.spec.lowest
        if lowest < 0 and self.params.get(REDUCTION.name) == SUM:
            lowest = -math.inf
        return lowest, self.spec.highest

    def needs_weights(self) -> bool:
        """Whether the loss reads a model's weight array (regularization)."""
        return WEIGHTS in self.spec.tasks

    def state(self) -> State:
        return self.spec.make_state(self.spec, self.params)

    def per_sample(self, batch: Batch) -> np.ndarray:
        if self.spec.per_sample is None:
            raise LossError(f"{self.name} has no per-sample values: it is defined on the whole sample only")
        return finite_terms(partial(self.spec.per_sample, **_term_params(self.params)), batch)

    def evaluate(self, batch: Batch) -> float:
        state = self.state()
        state.update(batch)
        return state.result()


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ",".join(f"{v:g}" for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
