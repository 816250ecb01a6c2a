"""Where two models swap: the paired change of one loss on each ``--group-by`` slice, and the
slices that disagree with the overall change.

Each slice of model A is paired with the same slice of model B, row by row, as the whole is
(``lossctl.losses.paired``: the slice's rows fall in the same replicate groups in both). The
slices' p-values are adjusted together with Holm's step-down (Holm 1979), so that among many
slices of equal models the chance of any verdict is at most ``1 - level``. A slice
*disagrees* when its verdict is significant and opposite to the direction of the overall
change: B better overall (lower loss) but significantly worse on the slice, or the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lossctl.engine.request import Ci
from lossctl.losses import LossError
from lossctl.losses.intervals import Interval
from lossctl.losses.paired import BETTER, WORSE, holm, paired, verdict


@dataclass(frozen=True)
class SliceChange:
    """One slice of one loss: ``diff = b - a``, its interval, its Holm-adjusted p-value."""

    loss: str  # the loss's label
    group: Any
    n: int
    a: float
    b: float
    diff: float
    ci: Interval
    p_value: float
    verdict: str
    disagrees: bool


def direction(diff: float, higher_is_better: bool | None) -> str:
    """``better`` or ``worse`` for B by the sign of ``diff`` alone, ``no difference`` at 0."""
    return verdict(diff, 0.0, 1.0, higher_is_better)


def slice_changes(
    slices_a: dict[Any, Any], slices_b: dict[Any, Any], overall_diff: float, loss, ci: Ci
) -> tuple[list[SliceChange], list[str]]:
    """The change of ``loss`` on every slice both models have (their tracked states by slice
    value), in the order of the slice values as text; warnings for slices without one."""
    found, warnings = [], []
    for key in sorted(set(slices_a) & set(slices_b), key=str):
        a, b = slices_a[key], slices_b[key]
        try:
            found.append((key, a, b, paired(a, b, level=ci.level, method=ci.method, seed=ci.seed)))
        except LossError as exc:
            warnings.append(f"{loss.label} ({key}): {exc}")
    overall = direction(overall_diff, loss.higher_is_better)
    changes = []
    for (key, a, b, p), adjusted in zip(found, holm([p.p_value for *_, p in found]), strict=True):
        word = verdict(p.diff, adjusted, 1.0 - ci.level, loss.higher_is_better)
        disagrees = word in (BETTER, WORSE) and overall in (BETTER, WORSE) and word != overall
        changes.append(
            SliceChange(loss.label, key, a.n, a.result(), b.result(), p.diff, p.ci, adjusted, word, disagrees)
        )
    return changes, warnings
