"""A loss over a grid of one of its parameters, for several models: every grid point is one
more loss of the same evaluation, so a file is read once for the whole grid and each point is
the value a separate evaluation at that parameter gives, bit for bit (the states' sums are
exact). The crossings, where two models swap rank, are narrowed by further passes
(``engine.crossings``). A Murphy diagram is the sweep of an elementary score over its
threshold theta (``losses.elementary``); a model whose score is lower or equal at every
theta dominates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from lossctl.engine.crossings import Crossing, find_crossings
from lossctl.engine.evaluate import evaluate
from lossctl.engine.request import Request
from lossctl.engine.results import Evaluation
from lossctl.errors import InputError

PointLoss = Callable[[float], object]
"""The loss at one value of the swept parameter: a loss spec string or a configured loss."""


@dataclass
class SweepResult:
    """``values[m][k]``: model ``models[m]``'s value at ``x[k]`` of ``parameter``."""

    loss: str  # the swept loss, as the user named it
    parameter: str
    x: np.ndarray
    models: list[str]
    values: np.ndarray
    log: bool
    crossings: list[Crossing] = field(default_factory=list)
    passes: int = 0  # passes after the grid's, to narrow the crossings
    tolerance: float | None = None
    murphy: dict | None = None  # a Murphy diagram's functional and level
    higher_is_better: bool | None = False  # a score's best is its highest; None: neither
    evaluations: list[Evaluation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def dominant(self) -> str | None:
        """The model lower or equal to every other at every point, and lower somewhere; None
        if there is none."""
        for m, name in enumerate(self.models):
            others = np.delete(self.values, m, axis=0)
            if len(others) and (self.values[m] <= others).all() and (self.values[m] < others).any():
                return name
        return None


def evaluate_points(
    request: Request, point_loss: PointLoss, xs: list[float]
) -> tuple[list[float], Evaluation, list[str]]:
    """The loss at every point of ``xs`` on the request's input, in one pass: the values, the
    evaluation and its warnings."""
    names = tuple(point_loss(x) for x in xs)
    evaluation, warnings = evaluate(replace(request, losses=replace(request.losses, names=names)))
    results = [r for r in evaluation.results if r.group is None]
    if len(results) != len(xs):
        raise InputError("the loss could not be evaluated at every point of the sweep", file=evaluation.input)
    return [r.value for r in results], evaluation, warnings + evaluation.warnings()


def sweep(
    requests: list[Request],
    point_loss: PointLoss,
    x: np.ndarray,
    *,
    loss: str,
    parameter: str,
    log: bool,
    tolerance: float | None = None,
    murphy: dict | None = None,
) -> SweepResult:
    """The loss at every point of ``x`` on each request's input (one pass each), then the
    crossings of every pair of models, narrowed by further passes over the files involved."""
    rows, evaluations, warnings = [], [], []
    for request in requests:
        values, evaluation, notes = evaluate_points(request, point_loss, [float(v) for v in x])
        rows.append(values)
        evaluations.append(evaluation)
        warnings += notes
    models = [e.input for e in evaluations]
    values = np.array(rows, dtype=np.float64).reshape(len(requests), len(x))

    def more(points: dict[int, list[float]]) -> dict[int, list[float]]:
        return {m: evaluate_points(requests[m], point_loss, xs)[0] for m, xs in points.items()}

    crossings, passes = find_crossings(x, values, models, more, log=log, tolerance=tolerance)
    higher = evaluations[0].results[0].loss.higher_is_better if evaluations[0].results else False
    return SweepResult(
        loss, parameter, x, models, values, log, crossings, passes, tolerance, murphy, higher, evaluations, warnings
    )


def extent(requests: list[Request], losses: tuple) -> tuple[float, float]:
    """The smallest and largest of ``losses`` (the ``EXTENT`` pair: the smallest and largest
    label or prediction) over every request's input, one pass each."""
    lows, highs = [], []
    for request in requests:
        evaluation, _ = evaluate(replace(request, losses=replace(request.losses, names=losses)))
        low, high = (r.value for r in evaluation.results if r.group is None)
        lows.append(low)
        highs.append(high)
    return min(lows), max(highs)
