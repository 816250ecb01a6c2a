"""Regularization penalties over a model's weight array: L1 (lasso), L2 (ridge, weight
decay) and their sum, elastic net. They are sums over parameters, not means over samples."""

from __future__ import annotations

from functools import partial

import numpy as np

from lossctl.losses.batch import Batch
from lossctl.losses.params import NON_NEGATIVE, Param
from lossctl.losses.spec import LossSpec
from lossctl.losses.state import SumState
from lossctl.losses.tasks import WEIGHTS


def l1(batch: Batch, **params: float) -> np.ndarray:
    """``lambda |w_j|`` per parameter (``lambda`` is a Python keyword, hence ``params``)."""
    return params["lambda"] * np.abs(batch.get("weights"))


def l2(batch: Batch, **params: float) -> np.ndarray:
    """``lambda w_j^2`` per parameter."""
    w = batch.get("weights")
    return params["lambda"] * (w * w)


def elastic_net(batch: Batch, *, lambda1: float, lambda2: float) -> np.ndarray:
    """``lambda1 |w_j| + lambda2 w_j^2`` per parameter."""
    w = batch.get("weights")
    return lambda1 * np.abs(w) + lambda2 * (w * w)


def _sum_state(spec: LossSpec, params: dict) -> SumState:
    return SumState(partial(spec.per_sample, **params))


_WEIGHTS = (("weights",),)
_CONVENTION = (
    "A sum over the parameters, not a mean; usually a term of a combined loss, e.g. "
    "'bce + 1e-4*l2', which reads the model's weights beside the predictions."
)

SPECS = (
    LossSpec(
        name="l1",
        aliases=("lasso",),
        family="regularization",
        summary="L1 penalty: lambda times the sum of absolute weights.",
        formula="lambda sum_j |w_j|",
        latex=r"\lambda \sum_j |w_j|",
        reference="Tibshirani (1996), Regression Shrinkage and Selection via the Lasso, JRSS B",
        tasks=(WEIGHTS,),
        per_sample=l1,
        roles=_WEIGHTS,
        params=(Param("lambda", 1.0, "penalty strength", domain=NON_NEGATIVE),),
        make_state=_sum_state,
        conventions=_CONVENTION,
        peers="numpy: lam * np.abs(w).sum()",
        properties="drives weights to exactly zero (sparsity)",
    ),
    LossSpec(
        name="l2",
        aliases=("ridge", "weight-decay"),
        family="regularization",
        summary="L2 penalty: lambda times the sum of squared weights.",
        formula="lambda sum_j w_j^2",
        latex=r"\lambda \sum_j w_j^2",
        reference="Hoerl & Kennard (1970), Ridge Regression, Technometrics",
        tasks=(WEIGHTS,),
        per_sample=l2,
        roles=_WEIGHTS,
        params=(Param("lambda", 1.0, "penalty strength", domain=NON_NEGATIVE),),
        make_state=_sum_state,
        conventions=_CONVENTION + " No 1/2 factor.",
        peers="numpy: lam * (w ** 2).sum()",
        properties="shrinks weights smoothly",
    ),
    LossSpec(
        name="elastic-net",
        family="regularization",
        summary="Elastic-net penalty: lambda1 sum|w| + lambda2 sum w^2.",
        formula="lambda1 sum_j |w_j| + lambda2 sum_j w_j^2",
        latex=r"\lambda_1 \sum_j |w_j| + \lambda_2 \sum_j w_j^2",
        reference="Zou & Hastie (2005), Regularization and Variable Selection via the Elastic Net, JRSS B",
        tasks=(WEIGHTS,),
        per_sample=elastic_net,
        roles=_WEIGHTS,
        params=(
            Param("lambda1", 1.0, "L1 strength", domain=NON_NEGATIVE),
            Param("lambda2", 1.0, "L2 strength", domain=NON_NEGATIVE),
        ),
        make_state=_sum_state,
        conventions=_CONVENTION,
        peers="numpy",
        properties="sparsity of L1 with the stability of L2",
    ),
)
