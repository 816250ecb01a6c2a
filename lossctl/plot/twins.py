"""Losses that are the same number on every input of a report, so that the page shows each
number once: ``huber`` and ``smooth-l1`` at their defaults (both ``r^2 / 2`` within 1 of zero,
``|r| - 1/2`` beyond; Girshick 2015, eq. 3), or any two losses that agree on the data at hand.

Two losses are twins when they have a value on the same inputs and groups, every value finite
and equal to ``RELATIVE`` (a few ulps of float64 summation over different code paths), and
their per-sample values, where kept, equal to the same tolerance.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from lossctl.engine.results import Evaluation
    from lossctl.plot.samples import SampleCollector

RELATIVE = 1e-12


def _values(evaluations: list[Evaluation]) -> dict[str, dict[tuple[int, object], float]]:
    by_label: dict[str, dict[tuple[int, object], float]] = {}
    for k, e in enumerate(evaluations):
        for r in e.results:
            by_label.setdefault(r.label, {})[(k, r.group)] = r.value
    return by_label


def _same_samples(a: str, b: str, collectors: list[SampleCollector]) -> bool:
    for collector in collectors:
        kept = set(collector.labels())
        if (a in kept) != (b in kept):
            return False
        if a in kept:
            x, y = collector.values(a)[1], collector.values(b)[1]
            if x.shape != y.shape or not np.allclose(x, y, rtol=RELATIVE, atol=0.0):
                return False
    return True


def _same(first: dict, second: dict) -> bool:
    return first.keys() == second.keys() and all(
        math.isfinite(v) and math.isfinite(second[key]) and math.isclose(v, second[key], rel_tol=RELATIVE, abs_tol=0.0)
        for key, v in first.items()
    )


def twins(evaluations: list[Evaluation], collectors: list[SampleCollector]) -> dict[str, str]:
    """Each loss that is an earlier loss's twin, by label, with the label of that earlier one."""
    values = _values(evaluations)
    labels = list(values)
    found: dict[str, str] = {}
    for j, label in enumerate(labels):
        for kept in labels[:j]:
            if kept not in found and _same(values[kept], values[label]) and _same_samples(kept, label, collectors):
                found[label] = kept
                break
    return found


def without_twins(evaluations: list[Evaluation], found: dict[str, str]) -> list[Evaluation]:
    """The evaluations without the results of the twins in ``found``."""
    return [replace(e, results=[r for r in e.results if r.label not in found]) for e in evaluations]


def twins_note(found: dict[str, str]) -> str:
    """A sentence naming each loss and its twins, which share its line (empty without twins)."""
    if not found:
        return ""
    groups: dict[str, list[str]] = {}
    for label, kept in found.items():
        groups.setdefault(kept, [kept]).append(label)
    names = "; ".join(" = ".join(g) for g in groups.values())
    return f"One line for losses that are the same number on every input (and on every sample): {names}."
