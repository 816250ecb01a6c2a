"""Wasserstein losses: the WGAN critic loss and the 1-D Wasserstein distance of two samples."""

from __future__ import annotations

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.spec import LossSpec
from lossctl.losses.state import GroupDifferenceState, SampleState
from lossctl.losses.tasks import CRITIC, DISTRIBUTION


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


def wasserstein_distance_1d(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
    """``W1(u, v) = integral |F_u(x) - F_v(x)| dx`` of the empirical distributions of the
    ``y_true`` and ``y_pred`` samples, each sample weighted by ``sample_weight``.

    The algorithm of scipy.stats.wasserstein_distance (its ``_cdf_distance`` with p = 1):
    both CDFs evaluated between consecutive points of the merged sorted samples.
    """
    u, v = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    u_order, v_order = np.argsort(u), np.argsort(v)
    points = np.concatenate((u, v))
    points.sort(kind="mergesort")
    deltas = np.diff(points)
    u_index = u[u_order].searchsorted(points[:-1], "right")
    v_index = v[v_order].searchsorted(points[:-1], "right")
    if sample_weight is None:
        u_cdf, v_cdf = u_index / u.size, v_index / v.size
    else:
        w = np.asarray(sample_weight, dtype=np.float64)
        u_cum = np.concatenate(([0.0], np.cumsum(w[u_order])))
        v_cum = np.concatenate(([0.0], np.cumsum(w[v_order])))
        u_cdf, v_cdf = u_cum[u_index] / u_cum[-1], v_cum[v_index] / v_cum[-1]
    return float(np.sum(np.multiply(np.abs(u_cdf - v_cdf), deltas)))


def _distance_state(spec: LossSpec, params: dict) -> SampleState:
    return SampleState(("y_true", "y_pred"), wasserstein_distance_1d)


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
    LossSpec(
        name="wasserstein-distance",
        aliases=("w1", "earth-movers-distance", "emd"),
        family="wasserstein",
        summary="1-D Wasserstein-1 distance between the y_true and y_pred samples (not streamable).",
        formula="integral |F_true(x) - F_pred(x)| dx",
        latex=r"W_1(u, v) = \int_{-\infty}^{\infty} |F_u(x) - F_v(x)|\,dx",
        reference="Villani (2009), Optimal Transport; scipy.stats.wasserstein_distance",
        tasks=(DISTRIBUTION,),
        per_sample=None,
        make_state=_distance_state,
        streamable=False,
        conventions=(
            "Compares the two columns as samples (their order does not matter), as "
            "scipy.stats.wasserstein_distance(y_true, y_pred). Not streamable: it keeps and sorts every "
            "sample, so its memory grows with the data."
        ),
        peers="scipy.stats.wasserstein_distance",
        properties="a metric between distributions; no per-sample values",
    ),
)
