"""The WGAN critic loss (the 1-D Wasserstein distance of two samples is in ``distance``)."""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.spec import LossSpec
from lossctl.losses.state import GroupDifferenceState
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
    ),
)
