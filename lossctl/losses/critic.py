"""The WGAN critic loss (the 1-D Wasserstein distance of two samples is in ``distance``)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.errors import LossError
from lossctl.losses.spec import LossSpec
from lossctl.losses.state import MeanState, Term, finite_terms, representable
from lossctl.losses.summation import GroupedAccumulator
from lossctl.losses.tasks import CRITIC


def is_fake(batch: Batch) -> np.ndarray:
    """Samples labelled 0 (generated); 1 marks a real sample."""
    return batch.binary_target(soft=False) == 0.0


def signed_score(batch: Batch) -> np.ndarray:
    """The critic score D(x) signed as it enters the loss: +D for fake, -D for real."""
    score = batch.vector("y_pred")
    return np.where(is_fake(batch), score, -score)


def critic_score(batch: Batch) -> np.ndarray:
    return batch.vector("y_pred")


class GroupDifferenceState:
    """``mean(term | group 0) - mean(term | group 1)``: the Wasserstein critic's two means."""

    def __init__(self, term: Term, group: Callable[[Batch], np.ndarray], names: tuple[str, str]):
        self.term = term
        self.group = group
        self.names = names
        self.means = (MeanState(term), MeanState(term))

    @property
    def n(self) -> int:
        return self.means[0].n + self.means[1].n

    def update(self, batch: Batch) -> None:
        values = finite_terms(self.term, batch)
        in_first = self.group(batch)
        w = batch.sample_weight
        group = batch.replicates if isinstance(self.means[0].numerator, GroupedAccumulator) else None
        for state, mask in zip(self.means, (in_first, ~in_first), strict=True):
            state.add(values[mask], None if w is None else w[mask], None, None if group is None else group[mask])

    def merge(self, other: GroupDifferenceState) -> GroupDifferenceState:
        for mine, theirs in zip(self.means, other.means, strict=True):
            mine.merge(theirs)
        return self

    def result(self) -> float:
        for state, name in zip(self.means, self.names, strict=True):
            if state.n == 0:
                raise LossError(f"no {name} samples: the loss needs both groups")
        return representable(self.means[0].mean() - self.means[1].mean())

    def track(self, moments: bool = True, groups: bool = True) -> None:
        for state in self.means:
            state.track(moments, groups)

    def delta_interval(self, z: float) -> tuple[float, float, float]:
        """``value -/+ z se``, ``se = sqrt(v_0 + v_1)``: the two means are of disjoint rows."""
        value, se = self.result(), math.sqrt(self.means[0].variance() + self.means[1].variance())
        return value - z * se, value + z * se, se

    def sums(self) -> list[int]:
        return [*self.means[0].sums(), *self.means[1].sums()]

    def group_sums(self) -> np.ndarray:
        return np.hstack((self.means[0].group_sums(), self.means[1].group_sums()))

    def statistic(self, sums: np.ndarray) -> np.ndarray:
        return self.means[0].statistic(sums[..., :2]) - self.means[1].statistic(sums[..., 2:])


def _critic_state(spec: LossSpec, params: dict) -> GroupDifferenceState:
    return GroupDifferenceState(critic_score, is_fake, names=("fake", "real"))


SPECS = (
    LossSpec(
        name="wasserstein",
        aliases=("wgan-critic", "critic"),
        family="wasserstein",
        summary="WGAN critic loss: mean score of fake samples minus mean score of real ones.",
        formula="mean(D(x) | fake) - mean(D(x) | real)",
        latex=r"\mathbb{E}_{\tilde x \sim P_g}[D(\tilde x)] - \mathbb{E}_{x \sim P_r}[D(x)]",
        reference="Arjovsky, Chintala & Bottou (2017), Wasserstein GAN, ICML",
        tasks=(CRITIC,),
        per_sample=signed_score,
        make_state=_critic_state,
        conventions=(
            "y_true is 1 for a real sample and 0 for a generated one; y_pred is the critic score D(x). "
            "The loss is the difference of two group means, so per-sample values are the signed "
            "scores (+D fake, -D real), whose plain mean equals the loss only for balanced groups."
        ),
        peers="the critic loss of WGAN implementations (e.g. torch: D(fake).mean() - D(real).mean())",
        properties="unbounded; minus the critic's estimate of the Wasserstein-1 distance",
        lowest=-math.inf,  # a difference of the critic's mean scores
    ),
)
