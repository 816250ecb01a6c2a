"""The one builder of engine requests: option values (from the command line, the
configuration, or a Python caller) -> a ``Request`` split by concern, defaults applied."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lossctl.engine.request import (
    CHUNK_ROWS,
    Ci,
    ColumnChoice,
    Execution,
    LossChoice,
    Outputs,
    PerSampleSink,
    Progress,
    Request,
    Source,
)
from lossctl.engine.task import FORECAST_OPTIONS
from lossctl.options.declared import BY_KEY, PARAMETERS


def build_request(
    path: str | None,
    names: tuple[str, ...] | list[str] = (),
    *,
    strict: bool = True,
    worst: int = 0,
    per_sample: PerSampleSink | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    calibration: bool = False,
    paired: bool = False,
    **values: Any,
) -> Request:
    """The request of the losses ``names`` (none: every loss that fits) on ``path``, with the
    option ``values`` by key (``y_true="target"``, ``nan="drop"``, ``delta=0.5``, ...); an
    option absent or None takes its declared default. ``strict``: every parameter must fit
    every loss (compute); otherwise each goes to the losses that take it (compare).
    ``paired``: the results will be compared with another file's row by row (`Ci`)."""
    unknown = sorted(set(values) - set(BY_KEY))
    if unknown:
        raise TypeError(f"unknown option {unknown[0]!r}")
    given = {key: value for key, value in values.items() if value is not None}

    def get(key: str) -> Any:
        return given.get(key, BY_KEY[key].default)

    source = Source(
        path=path,
        labels=get("labels"),
        on=get("on"),
        columns=ColumnChoice(
            get("y_true"),
            get("y_pred"),
            get("weight"),
            get("u_weights"),
            get("v_weights"),
            get("x1"),
            get("x2"),
            tuple((role, get(key)) for role, key in FORECAST_OPTIONS.items() if get(key) is not None),
            get("query"),
        ),
        group_by=get("group_by"),
        model_weights=get("model_weights"),
        task=get("task"),
        nan=get("nan"),
        multioutput=get("multioutput"),
        input_format=get("input_format"),
        encoding=get("encoding"),
        storage_options=_table(get("storage_options")),
        classes=_names(get("classes")),
        pos_label=get("pos_label"),
    )
    losses = LossChoice(
        names=tuple(names),
        parameters={key: given[key] for key in PARAMETERS if key in given},
        from_logits=bool(get("from_logits")),
        strict=strict,
        calibration=calibration,
    )
    execution = Execution(engine=get("engine"), scheduler=get("scheduler"), chunk_rows=chunk_rows, progress=progress)
    outputs = Outputs(worst=worst, per_sample=per_sample, ci=interval_choice(given, paired))
    return Request(source, losses, execution, outputs)


def interval_choice(values: Mapping[str, Any], paired: bool = False) -> Ci | None:
    """The interval asked for by the option ``values`` (``ci``, ``ci_method``, ``seed``), or
    None without ``ci``; ``paired`` as in `Ci`."""
    given = {key: value for key, value in values.items() if value is not None}
    if "ci" not in given:
        return None
    method = given.get("ci_method", BY_KEY["ci_method"].default)
    return Ci(given["ci"], method, int(given.get("seed", BY_KEY["seed"].default)), paired)


def _table(value: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(value) if value else {}


def _names(value: str | None) -> tuple[str, ...] | None:
    """``"cat,dog"`` as ``("cat", "dog")``; blanks around a name are not part of it."""
    return None if value is None else tuple(name.strip() for name in value.split(","))
