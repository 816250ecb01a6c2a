"""The Poisson negative log-likelihood, as PyTorch's ``PoissonNLLLoss`` computes it.

With ``log_input`` (PyTorch's default) the predictions are log-rates ``x`` and the loss is
``exp(x) - y x``; without, they are rates ``mu`` and the loss is ``mu - y log(mu + eps)``.
``full`` adds Stirling's approximation of ``log(y!)``, ``y log y - y + 0.5 log(2 pi y)``, for
the counts above 1 (PyTorch leaves it out for y <= 1). The log-likelihood's constant is
otherwise dropped, so the loss can be negative; the Poisson deviance (``poisson``) is its
difference from the perfect model's, 0 at y = mu.
"""

from __future__ import annotations

import math

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.params import BOOL, NON_NEGATIVE, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import REGRESSION


def poisson_nll(batch: Batch, *, log_input: bool, full: bool, eps: float) -> np.ndarray:
    """``exp(x) - y x`` (log-rates) or ``mu - y log(mu + eps)`` (rates), plus with ``full``
    ``y log y - y + 0.5 log(2 pi y)`` where ``y > 1``; counts ``y >= 0``."""
    y = batch.require_at_least("y_true", 0.0, why="is negative: a count is >= 0")
    if log_input:
        x = batch.vector("y_pred")
        out = np.exp(x) - y * x
    else:
        mu = batch.require_at_least("y_pred", 0.0, why="is negative: a rate is >= 0 (log-rates: log_input=true)")
        out = mu - y * np.log(mu + eps)
    if full:
        big = y > 1.0
        stirling = np.zeros_like(y)
        yb = y[big]
        stirling[big] = yb * np.log(yb) - yb + 0.5 * np.log(2.0 * math.pi * yb)
        out = out + stirling
    return out


SPECS = (
    LossSpec(
        name="poisson-nll",
        aliases=("poisson-nll-loss",),
        family="regression",
        summary="Poisson negative log-likelihood of log-rates (or rates), as PyTorch's PoissonNLLLoss.",
        formula="exp(x) - y x   (log_input=false: mu - y log(mu + eps); full: + y log y - y + 0.5 log(2 pi y), y > 1)",
        latex=r"\frac{1}{n}\sum_i e^{x_i} - y_i x_i",
        reference="PyTorch PoissonNLLLoss; McCullagh & Nelder (1989), Generalized Linear Models, 6.2",
        tasks=(REGRESSION,),
        per_sample=poisson_nll,
        params=(
            Param("log_input", True, "the predictions are log-rates (PyTorch's default), not rates", kind=BOOL),
            Param("full", False, "add Stirling's term for log(y!) where y > 1", kind=BOOL),
            Param("eps", 1e-8, "added to the rate under the log, log_input=false only", domain=NON_NEGATIVE),
        ),
        conventions=(
            "PyTorch's defaults: log-rates, no constant, eps 1e-8 under the log of a rate. A file of predicted "
            "means is read with log_input=false; the 'poisson' loss is the deviance of the same model."
        ),
        peers="torch.nn.PoissonNLLLoss(log_input, full, eps, reduction='mean')",
        properties="proper for the Poisson rate; can be negative (the constant log(y!) is dropped unless full)",
        lowest=-math.inf,  # a log-likelihood's negative: e^x - y x < 0 where y x > e^x
    ),
)
