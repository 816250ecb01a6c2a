"""The report's sections on two models scored on the same labels: how the second differs
from the first (``lossctl diff``: the paired change of each loss, and per slice with
``--group-by``), and where they swap rank along a loss's parameter (``lossctl sweep``: Huber's
delta for a regression, focal's gamma for a classifier)."""

from __future__ import annotations

from lossctl.options.declared import PARAMETERS

# The sweep of each task: loss, parameter, grid (start, stop, points) and whether it is geometric.
SWEEPS = {
    "regression": ("huber", "delta", (0.01, 100.0, 30), True),
    "binary": ("focal", "gamma", (0.0, 5.0, 11), False),
    "multiclass": ("focal", "gamma", (0.0, 5.0, 11), False),
}


def model_sections(
    evaluations: list, files: list[str], losses: list[str], labels: str | None, kwargs: dict, precision: int
) -> list[str]:
    """The diff (of ``losses``, default: every loss that fits) and sweep sections of the first
    two inputs, when they are scored on the same labels (the same task and rows); none
    otherwise."""
    if len(evaluations) < 2:
        return []
    a, b = evaluations[:2]
    if (a.task, a.rows) != (b.task, b.rows):
        return []
    from lossctl.cli.options import evaluation_values
    from lossctl.engine.diff import diff
    from lossctl.options.declared import BY_KEY
    from lossctl.options.request import build_request
    from lossctl.plot.diff_section import diff_section

    values = evaluation_values(kwargs)
    on = values.pop("on", None)
    values = {**values, "labels": labels, "ci": values.get("ci") or BY_KEY["ci"].default}
    requests = [build_request(path, losses, strict=False, **values) for path in files[:2]]
    sections = [diff_section(diff(*requests, on=on, top=0), precision)]
    if a.task.name in SWEEPS:
        sections.append(_sweep_section(files[:2], values, a.task.name, precision))
    return sections


def _sweep_section(files: list[str], values: dict, task: str, precision: int) -> str:
    from lossctl.engine.sweep import sweep
    from lossctl.options.request import build_request
    from lossctl.options.sweep_range import SweepRange
    from lossctl.plot.sweep import sweep_section

    loss, parameter, (start, stop, points), log = SWEEPS[task]
    held = {key: value for key, value in values.items() if key not in PARAMETERS and key != "ci"}
    requests = [build_request(path, (), strict=True, **held) for path in files]
    grid = SweepRange(start, stop, points, log).values()
    result = sweep(requests, lambda x: f"{loss}:{parameter}={x!r}", grid, loss=loss, parameter=parameter, log=log)
    return sweep_section(result, precision=precision)
