"""The catalog: every loss spec, found by canonical name or alias."""

from __future__ import annotations

import difflib

from lossctl.losses import (
    binary,
    calibration,
    critic,
    d2,
    deviance,
    distance,
    embedding,
    error_rate,
    extremes,
    focal,
    forecast,
    jensen_shannon,
    margins,
    median,
    multiclass,
    multilabel,
    normalized,
    ntxent,
    overlap,
    pairs,
    percentage,
    poisson_nll,
    ranking,
    regression,
    regularization,
    skill,
    softmax_variants,
    sparsemax,
)
from lossctl.losses.errors import UnknownLossError
from lossctl.losses.spec import LossSpec
from lossctl.losses.tasks import TASKS

CATALOG: tuple[LossSpec, ...] = (
    regression.SPECS
    + deviance.SPECS
    + poisson_nll.SPECS
    + percentage.SPECS
    + extremes.SPECS
    + median.SPECS
    + forecast.SPECS
    + skill.SPECS
    + normalized.SPECS
    + binary.SPECS
    + focal.SPECS
    + error_rate.SPECS
    + calibration.SPECS
    + multiclass.SPECS
    + softmax_variants.SPECS
    + margins.SPECS
    + multilabel.SPECS
    + overlap.SPECS
    + sparsemax.SPECS
    + ranking.SPECS
    + embedding.SPECS
    + critic.SPECS
    + d2.SPECS
    + distance.SPECS
    + jensen_shannon.SPECS
    + pairs.SPECS
    + ntxent.SPECS
    + regularization.SPECS
)


def _normalize(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _index(specs: tuple[LossSpec, ...]) -> dict[str, LossSpec]:
    index: dict[str, LossSpec] = {}
    for spec in specs:
        for name in (spec.name, *spec.aliases):
            if name in index:
                raise RuntimeError(f"loss name {name!r} is registered twice")
            index[name] = spec
    return index


_BY_NAME = _index(CATALOG)


def get_spec(name: str) -> LossSpec:
    """The spec named ``name`` (or one of its aliases), case and ``_``/``-`` insensitive."""
    try:
        return _BY_NAME[_normalize(name)]
    except KeyError:
        prefix, _, inner = _normalize(name).partition(":")
        if prefix == d2.PREFIX and inner:
            raise UnknownLossError(f"unknown loss {name!r}", hint=d2.unsupported(get_spec(inner).name)) from None
        close = difflib.get_close_matches(_normalize(name), list(_BY_NAME), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else None
        raise UnknownLossError(f"unknown loss {name!r}", hint=hint) from None


def catalog() -> tuple[LossSpec, ...]:
    """Every loss spec, in catalog order (by family)."""
    return CATALOG


def specs_for_task(task: str) -> tuple[LossSpec, ...]:
    """The specs that fit ``task`` (one of ``TASKS``)."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; tasks are {', '.join(TASKS)}")
    return tuple(spec for spec in CATALOG if task in spec.tasks)
