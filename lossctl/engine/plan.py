"""The plan of a pass over an input: which columns fill which roles, what the input holds, and
which losses run on it, decided from its column names and its first chunk.

Losses are resolved once per pass: those the user named before the input is opened (the
dispatcher needs them to choose an engine), the default ones here, once the task is known.
A named loss is configured a second time only when the column names say what the user did
not: logits (``logit_*``), read as logits, or the levels of quantile columns (``q_0.1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lossctl.engine.binding import Binding, bind, forecast_hint
from lossctl.engine.classes import class_labels
from lossctl.engine.detect import detect_task, real_targets
from lossctl.engine.pipeline import Chunks, chunk_roles, read_chunks
from lossctl.engine.request import LossChoice, Request
from lossctl.engine.tally import Tally
from lossctl.engine.task import (
    FORECAST_LAYOUT,
    MATRIX,
    PAIR_LAYOUT,
    SCALAR,
    Task,
    default_losses,
    layout_of_losses,
    layout_of_roles,
    layout_of_task,
    task_of_losses,
    unbound_roles,
)
from lossctl.engine.translate import Translator
from lossctl.errors import InputError, UsageError
from lossctl.io import detect_roles, is_glob, is_key_name
from lossctl.losses import resolve
from lossctl.losses.multioutput import MultiOutputLoss
from lossctl.losses.tasks import DISTRIBUTION, RANKING, REGRESSION


@dataclass
class Plan:
    """What a pass evaluates on an input."""

    binding: Binding
    task: Task
    losses: list
    strict: bool  # losses the user named: an error stops the pass (defaults that fail are skipped)

    def tally(self, request: Request, source) -> Tally:
        """An empty tally of these losses over ``source``, with the request's NaN policy,
        worst rows and per-sample sink: what both engines fold into."""
        return Tally(
            self.losses,
            Translator(source, self.binding),
            strict=self.strict,
            nan=request.source.nan,
            worst=request.outputs.worst,
            per_sample=request.outputs.per_sample,
            ci=request.outputs.ci,
        )


def resolve_losses(names: tuple[str, ...] | list[str], choice: LossChoice, defaults: dict[str, Any]) -> list:
    """Configure the losses. Strict (``compute``): every parameter must fit the loss. Lenient
    (``compare``): each parameter goes to the losses that take it, and must fit at least one."""
    parameters = dict(choice.parameters)
    if choice.from_logits:
        parameters["from_logits"] = True
    if choice.strict:
        return [resolve(name, parameters, defaults) for name in names]
    losses = [resolve(name, None, {**defaults, **parameters}) for name in names]
    for key in parameters:
        name = key.rstrip("_")
        if key != "from_logits" and not any(name in _parameter_names(loss) for loss in losses):
            raise UsageError(f"--{name.replace('_', '-')} fits none of the losses compared")
    return losses


def _parameter_names(loss) -> set[str]:
    terms = loss.terms if hasattr(loss, "terms") else ((1.0, loss),)
    return {p.name for _, term in terms for p in term.spec.params}


def _forecast_losses(losses: list, binding: Binding, file: str, *, strict: bool) -> list:
    """The losses whose columns the forecast has: a named loss without its columns is an
    error naming the column; a default one is left out."""
    kept = []
    for loss in losses:
        missing = unbound_roles(loss, binding.columns)
        if not missing:
            kept.append(loss)
        elif strict:
            what, flag = forecast_hint(missing[0])
            raise InputError(f"{loss.label} needs a column of the {what}", file=file, hint=f"name it with {flag}")
    if not kept:
        raise InputError(
            "no forecast score fits these columns: an interval needs lower and upper, crps-gaussian a mean "
            "and std, gaussian-nll a mean and variance, crps-ensemble member_* columns",
            file=file,
        )
    return kept


_PAIR_INPUTS = {
    "y_pred": "a distance (y_pred)",
    "x1": "two scores (x1, x2)",
    "embedding1": "two embeddings (x1_*, x2_*)",
}


def _pair_losses(losses: list, binding: Binding, file: str, *, strict: bool) -> list:
    """The pair losses whose columns the file has (a distance, or two scores or embeddings):
    a named loss without them is an error; a default one is left out."""
    kept = []
    for loss in losses:
        missing = unbound_roles(loss, binding.columns)
        if not missing:
            kept.append(loss)
        elif strict:
            raise InputError(
                f"{loss.label} needs {_PAIR_INPUTS.get(missing[0], ', '.join(missing))}",
                file=file,
                hint="name the columns with --y-pred, or --x1 and --x2",
            )
    return kept


def plan(request: Request, source, losses: list) -> tuple[Plan, Chunks]:
    """The plan of a pass over ``source``, and its chunks (the first one, read to tell the
    task, included). ``losses`` are the request's named losses, resolved; when there are
    none, the defaults for the detected task."""
    choice = request.losses
    roles = detect_roles(source.columns)
    y_pred = request.source.columns.y_pred
    named_task = request.source.task
    if choice.names:
        named_task = named_task or task_of_losses(losses)
        layout = layout_of_losses(losses, roles, y_pred is not None and is_glob(y_pred))
        if layout is None:
            names = ", ".join(loss.label for loss in losses)
            raise UsageError(
                f"{names} read different inputs (e.g. a class matrix and a single column); run them separately"
            )
    else:
        task = request.source.task
        layout = layout_of_task(task) if task is not None else layout_of_roles(roles)
    queries = named_task == RANKING or any(RANKING in loss.tasks for loss in losses)
    binding = bind(source.name, source.columns, layout, request.source.columns, queries=queries)
    binding.classes = _text_classes(request, source, binding, layout)
    if request.outputs.worst or request.outputs.per_sample is not None:
        on = request.source.on
        binding.show_inputs(on if on in source.columns else next((c for c in source.columns if is_key_name(c)), None))
    from_logits = choice.from_logits or binding.logit_names
    chunks = read_chunks(source, binding, request)
    try:
        first = next(chunks, None)
        if first is None:
            raise InputError("no data rows", file=source.name)
        first_roles = (
            chunk_roles(binding, first, source) if layout in (SCALAR, MATRIX) and not binding.outputs() else None
        )
        task = detect_task(layout, named_task, from_logits, first_roles)
        if binding.outputs() and request.source.task is None:
            task = Task(REGRESSION)  # several target columns paired with prediction columns
        elif layout == MATRIX and not choice.names and request.source.task is None and real_targets(first_roles):
            task, binding.multi_output = Task(REGRESSION), True  # found by name as a matrix, but no classes
        defaults = {"from_logits": True} if from_logits else {}
        if binding.quantile_levels is not None:
            defaults["levels"] = binding.quantile_levels
        if not choice.names:
            losses = resolve_losses(default_losses(task, calibration=choice.calibration), choice, defaults)
        elif (from_logits and not choice.from_logits) or "levels" in defaults:
            losses = resolve_losses(choice.names, choice, defaults)
        if layout == FORECAST_LAYOUT:
            losses = _forecast_losses(losses, binding, source.name, strict=bool(choice.names))
        if binding.outputs():
            losses = _multi_output(losses, binding.outputs(), request.source.multioutput, task)
        if layout == PAIR_LAYOUT:
            losses = _pair_losses(losses, binding, source.name, strict=bool(choice.names))
        result = Plan(binding, task, losses, bool(choice.names))
    except BaseException:
        chunks.close()  # stops the reader thread now, not when the traceback is collected
        raise
    return result, Chunks(first, chunks)


def _text_classes(request: Request, source, binding: Binding, layout: str):
    """The classes of a label column of text (``cat``/``dog``), or None for labels that are
    numbers; ``--classes`` and ``--pos-label`` name text labels only."""
    labels = binding.columns.get("y_true", [])
    wanted = request.source.classes is not None or request.source.pos_label is not None
    if layout in (SCALAR, MATRIX) and len(labels) == 1 and source.holds_text(labels[0]):
        matrix = binding.columns["y_pred"] if layout == MATRIX else None
        return class_labels(source, labels[0], matrix, request.source.classes, request.source.pos_label)
    if wanted:
        raise UsageError(f"--classes and --pos-label name text labels; {source.name} holds none")
    return None


def _multi_output(losses: list, targets: tuple[str, ...], mode: str, task: Task) -> list:
    """Each loss over the outputs of a multi-output regression (``losses.multioutput``)."""
    if task.name != REGRESSION:
        raise UsageError(
            f"several target columns ({', '.join(targets)}) are a multi-output regression, not {task.name}"
        )
    for loss in losses:
        if not {REGRESSION, DISTRIBUTION} & set(loss.tasks):
            raise UsageError(f"{loss.label} is no regression loss: a multi-output regression takes regression losses")
    return [MultiOutputLoss(loss, targets, mode) for loss in losses]
