"""Where two models swap rank along a swept parameter: brackets from the grid, narrowed by
multisection.

The difference ``d(x) = value_a(x) - value_b(x)`` of two models changes sign between two grid
points: the pair swaps rank in between (or more than once: a grid sees no swap and swap back
between two of its points). Each narrowing pass evaluates ``POINTS_PER_PASS`` points inside
every open bracket at once, in one pass over each file involved, and keeps the first part
where the sign changes: a pass narrows every bracket (POINTS_PER_PASS + 1)-fold, where a
bisection pass would halve it. The points are evenly spaced, geometrically on a log grid.
A crossing is the middle of its last bracket, ``at``, with ``tolerance`` its half-width: the
swap lies within ``at +/- tolerance``. A run of grid (or pass) points where the two models
tie exactly is the crossing itself: its middle, within its half-width.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

POINTS_PER_PASS = 15
DEFAULT_PASSES = 3  # without a tolerance: each bracket narrowed 16**3 = 4096-fold
MAX_PASSES = 40

Evaluator = Callable[[dict[int, list[float]]], dict[int, list[float]]]
"""Given points to evaluate per model (by index), their values per model, in one pass over
each model's file."""


@dataclass(frozen=True)
class Crossing:
    """Models ``between`` swap rank at ``at``, within ``tolerance``."""

    between: tuple[str, str]
    at: float
    tolerance: float


@dataclass
class _Bracket:
    pair: tuple[int, int]
    low: float
    high: float
    sign_low: float  # the sign of the difference at ``low``


def _sign_changes(x: np.ndarray, d: np.ndarray) -> list[tuple[float, float, float, bool]]:
    """Each change of sign of ``d`` along ``x``: (low, high, sign at low, tie), ``tie`` when
    the points strictly between ``low`` and ``high`` are exact ties (then low and high are
    the tie run's ends). A point without a value (NaN) breaks the curve: no change of sign is
    told across it."""
    nonzero = [k for k in range(len(d)) if d[k] != 0 and not math.isnan(d[k])]
    out = []
    for k, m in zip(nonzero, nonzero[1:], strict=False):
        if any(math.isnan(d[j]) for j in range(k + 1, m)):
            continue
        if np.sign(d[k]) != np.sign(d[m]):
            out.append((float(x[k]), float(x[m]), float(np.sign(d[k])), m > k + 1))
    return out


def _inner_points(low: float, high: float, log: bool) -> list[float]:
    if log and low > 0:
        points = np.geomspace(low, high, POINTS_PER_PASS + 2)[1:-1]
    else:
        points = np.linspace(low, high, POINTS_PER_PASS + 2)[1:-1]
    return [float(p) for p in points if low < p < high]


def _tie_crossing(pair: tuple[str, str], x: list[float], d: list[float], low: float, high: float) -> Crossing:
    """The crossing of a run of exact ties strictly between ``low`` and ``high``."""
    ties = [p for p, v in zip(x, d, strict=True) if low < p < high and v == 0]
    first, last = min(ties), max(ties)
    return Crossing(pair, (first + last) / 2, (last - first) / 2)


def find_crossings(
    x: np.ndarray,
    values: np.ndarray,
    models: list[str],
    evaluate: Evaluator,
    *,
    log: bool,
    tolerance: float | None = None,
) -> tuple[list[Crossing], int]:
    """The crossings of every pair of models (rows of ``values`` over the grid ``x``),
    narrowed by passes of ``evaluate`` until each is within ``tolerance`` (absolute, in the
    parameter's units), or ``DEFAULT_PASSES`` passes without one; and the passes made."""
    found: list[Crossing] = []
    brackets: list[_Bracket] = []
    for a in range(len(models)):
        for b in range(a + 1, len(models)):
            d = values[a] - values[b]
            for low, high, sign, tie in _sign_changes(x, d):
                pair = (models[a], models[b])
                if tie:
                    found.append(_tie_crossing(pair, list(map(float, x)), list(map(float, d)), low, high))
                else:
                    brackets.append(_Bracket((a, b), low, high, sign))
    passes = 0
    limit = DEFAULT_PASSES if tolerance is None else MAX_PASSES
    while brackets and passes < limit:
        open_ = [br for br in brackets if tolerance is None or (br.high - br.low) / 2 > tolerance]
        inner = {id(br): _inner_points(br.low, br.high, log) for br in open_}
        open_ = [br for br in open_ if inner[id(br)]]  # no float left between its ends
        if not open_:
            break
        wanted: dict[int, list[float]] = {}
        for br in open_:
            for model in br.pair:
                wanted.setdefault(model, []).extend(inner[id(br)])
        got = evaluate({model: sorted(set(points)) for model, points in wanted.items()})
        passes += 1
        for br in open_:
            a, b = br.pair
            at_a = dict(zip(sorted(set(wanted[a])), got[a], strict=True))
            at_b = dict(zip(sorted(set(wanted[b])), got[b], strict=True))
            xs = [br.low, *inner[id(br)], br.high]
            d = [br.sign_low] + [at_a[p] - at_b[p] for p in inner[id(br)]] + [-br.sign_low]
            low, high, _, tie = _sign_changes(np.array(xs), np.array(d))[0]
            if tie:
                found.append(_tie_crossing((models[a], models[b]), xs, d, low, high))
                brackets.remove(br)
            else:
                br.low, br.high = low, high
    for br in brackets:
        found.append(Crossing((models[br.pair[0]], models[br.pair[1]]), (br.low + br.high) / 2, (br.high - br.low) / 2))
    found.sort(key=lambda c: (c.at, c.between))
    return found, passes
