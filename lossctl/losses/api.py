"""The public Python API: ``compute``, ``per_sample``, ``catalog`` and ``resolve``.

>>> import lossctl
>>> lossctl.compute("huber", [0.0, 2.0], [0.5, 0.0], delta=1.0)   # (0.125 + 1.5) / 2
0.8125
"""

from __future__ import annotations

import difflib
from typing import Any

import numpy as np

from lossctl.losses.averaging import RAW, UNIFORM
from lossctl.losses.batch import Batch
from lossctl.losses.ci import DEFAULT_SEED
from lossctl.losses.combined import CombinedLoss
from lossctl.losses.errors import ParameterError
from lossctl.losses.expression import parse
from lossctl.losses.intervals import Interval, tracked
from lossctl.losses.intervals import interval as interval_of
from lossctl.losses.multioutput import MultiOutputLoss
from lossctl.losses.params import normalize_key
from lossctl.losses.registry import catalog, get_spec
from lossctl.losses.replication import groups_of_rows
from lossctl.losses.spec import Loss
from lossctl.losses.tasks import DISTRIBUTION, REGRESSION

AnyLoss = Loss | CombinedLoss
ARRAY_KEYWORDS = (
    *("d_ap", "d_an", "anchor", "positive", "negative", "weights"),
    *("lower", "upper", "scale", "variance", "members", "quantiles", "u_weights", "v_weights"),
    *("x1", "x2", "embedding1", "embedding2", "query"),
)

__all__ = ["compute", "interval", "per_sample", "catalog", "resolve", "AnyLoss"]


def resolve(
    loss: str | AnyLoss, overrides: dict[str, Any] | None = None, defaults: dict[str, Any] | None = None
) -> AnyLoss:
    """A configured loss from a name, a ``name:key=value`` spec or a combined expression.

    ``overrides`` (e.g. ``{"delta": 0.5}`` from ``--delta``) go to every term whose loss takes
    them; one that no term takes, or that repeats a value set in the text, is an error.
    ``defaults`` (e.g. ``{"from_logits": True}`` for a ``logit_*`` column) go, silently, to
    the terms that take them and do not set them.
    """
    overrides = {normalize_key(k): v for k, v in (overrides or {}).items() if v is not None}
    defaults = {normalize_key(k): v for k, v in (defaults or {}).items()}
    if not isinstance(loss, str):
        if overrides:
            raise ParameterError(f"parameters {sorted(overrides)} given for an already configured loss")
        return loss
    terms = parse(loss)
    used: set[str] = set()
    configured = []
    for term in terms:
        spec = get_spec(term.name)
        taken = {p.name for p in spec.params}
        given = {normalize_key(k): v for k, v in term.params.items()}
        for key, value in overrides.items():
            if key in taken:
                if key in given:
                    raise ParameterError(f"{spec.name}: {key} is given twice (in the loss and as an option)")
                given[key] = value
                used.add(key)
        for key, value in defaults.items():
            if key in taken and key not in given:
                given[key] = value
        configured.append((term.coefficient, spec.configure(**given)))
    unused = sorted(set(overrides) - used)
    if unused:
        names = ", ".join(loss.name for _, loss in configured)
        taken = [p.name for _, loss in configured for p in loss.spec.params]
        close = difflib.get_close_matches(unused[0], taken, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"it takes: {', '.join(taken) or 'no parameters'}"
        raise ParameterError(f"{names} takes no parameter {unused[0]!r}", hint=hint)
    if len(configured) == 1 and configured[0][0] == 1.0:
        return configured[0][1]
    combined = CombinedLoss(tuple(configured))
    directions = {loss.higher_is_better for _, loss in combined.sample_terms()}
    if len(directions) > 1:
        raise ParameterError(
            f"{combined.label} adds scores (higher is better) and losses (lower is better): its best is neither",
            hint="combine losses with losses, scores with scores",
        )
    if not combined.tasks:
        names = " and ".join(t.name for t, (_, loss) in zip(terms, configured, strict=True) if not loss.needs_weights())
        raise ParameterError(f"{names} fit no common task: the terms of a combined loss read the same inputs")
    return combined


def _configured(loss: str | AnyLoss, y_true: Any, y_pred: Any, sample_weight: Any, kwargs: dict[str, Any]):
    """The configured loss and its batch. A regularization loss given one positional array
    and no ``weights=`` takes that array as the weights: ``compute("l2", w)``."""
    arrays = {key: value for key, value in kwargs.items() if key in ARRAY_KEYWORDS}
    params = {key: value for key, value in kwargs.items() if key not in ARRAY_KEYWORDS}
    configured = resolve(loss, params)
    if configured.role_sets == (("weights",),) and "weights" not in arrays and y_pred is None:
        y_true, arrays["weights"] = None, y_true
    if "x1" in arrays and any("embedding1" in roles for roles in configured.role_sets):  # torch's names
        arrays["embedding1"], arrays["embedding2"] = arrays.pop("x1"), arrays.pop("x2", None)
    arrays = {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight, **arrays}
    if reads_two_samples(configured):
        return configured, Batch(_side_by_side(arrays), samples=True)
    return configured, Batch(arrays)


def reads_two_samples(loss: AnyLoss) -> bool:
    """Whether ``loss`` compares ``y_true`` and ``y_pred`` as two samples (a distance between
    distributions), which may differ in size."""
    return set(loss.tasks) == {DISTRIBUTION}


def _side_by_side(arrays: dict[str, Any]) -> dict[str, Any]:
    """Two samples of different sizes as the rows of a file hold them: the shorter sample (and
    its weights) padded with NaN, no value. A NaN given is refused, as any other loss's."""
    given = {role: Batch({role: values}).arrays[role] for role, values in arrays.items() if values is not None}
    rows = max((len(values) for values in given.values()), default=0)
    return {
        role: np.pad(values, [(0, rows - len(values))] + [(0, 0)] * (values.ndim - 1), constant_values=np.nan)
        for role, values in given.items()
    }


def compute(
    loss: str | AnyLoss,
    y_true: Any = None,
    y_pred: Any = None,
    *,
    sample_weight: Any = None,
    multioutput: str | None = None,
    **kwargs: Any,
) -> float | np.ndarray:
    """The value of ``loss`` on the given arrays, a float.

    ``loss`` is a name (``"huber"``), a spec (``"huber:delta=0.5"``) or an expression
    (``"bce + 1e-4*l2"``). Keywords are parameters (``delta=0.5``; ``lambda_=`` for
    ``lambda``) or arrays of other roles: ``d_ap``/``d_an`` or ``anchor``/``positive``/
    ``negative`` for triplet, ``weights`` (model parameters) for l1, l2 and elastic-net (or
    their one positional array: ``compute("l2", w, lambda_=1e-4)``), ``lower``/``upper``,
    ``scale`` (a standard deviation), ``variance``, ``members`` or ``quantiles`` for the
    forecast scores, ``x1``/``x2`` (two scores, or two embeddings) for margin-ranking and
    cosine-embedding, ``u_weights``/``v_weights`` for the two samples of a distance between
    distributions (``y_true`` and ``y_pred``, which may differ in size, as SciPy's).

    A regression loss of 2-D ``y_true`` and ``y_pred`` (a column per output) is a multi-output
    regression: ``multioutput`` is ``"uniform"`` (the default: the mean of the outputs'
    values), ``"variance-weighted"``, or ``"raw"``, which returns each output's value, an
    array (scikit-learn's ``multioutput``; see ``lossctl.losses.multioutput``).
    """
    configured, batch = _configured(loss, y_true, y_pred, sample_weight, kwargs)
    targets = batch.get("y_true") if batch.has("y_true") else None
    if multioutput is None and (
        targets is None or targets.ndim == 1 or not {REGRESSION, DISTRIBUTION} & set(configured.tasks)
    ):
        return float(configured.evaluate(batch))
    if targets is None or targets.ndim == 1:
        raise ValueError("multioutput takes 2-D y_true and y_pred: a column per output")
    outputs = tuple(str(k) for k in range(targets.shape[1]))
    state = MultiOutputLoss(configured, outputs, multioutput or UNIFORM).state()
    state.update(batch)
    if multioutput == RAW:
        return np.array([part["value"] for part in state.components()])
    return state.result()


def interval(
    loss: str | AnyLoss,
    y_true: Any = None,
    y_pred: Any = None,
    *,
    level: float = 0.95,
    method: str = "normal",
    seed: int = DEFAULT_SEED,
    sample_weight: Any = None,
    **kwargs: Any,
) -> Interval:
    """The ``level`` confidence interval of ``compute(loss, ...)`` by ``method`` (``normal``
    or ``bootstrap``, see ``lossctl.losses.intervals``), the rows taken as independent draws.
    The same interval as the command line's ``--ci`` on the same rows, bit for bit."""
    configured, batch = _configured(loss, y_true, y_pred, sample_weight, kwargs)
    state = configured.state()
    # The delta method needs only the row moments; every other interval, the groups.
    state = tracked(
        state, moments=method == "normal", groups=method != "normal" or not hasattr(state, "delta_interval")
    )
    batch.replicates = groups_of_rows(np.arange(len(batch)), seed)
    state.update(batch)
    return interval_of(state, level=level, method=method, seed=seed, bounds=configured.bounds)


def per_sample(loss: str | AnyLoss, y_true: Any = None, y_pred: Any = None, **kwargs: Any) -> np.ndarray:
    """The per-sample losses (``reduction='none'``), the terms whose mean ``compute`` gives."""
    configured, batch = _configured(loss, y_true, y_pred, None, kwargs)
    return configured.per_sample(batch)
