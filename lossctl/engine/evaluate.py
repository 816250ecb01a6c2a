"""``evaluate``: a request's losses on its input, by the engine it names.

The losses the user named are resolved here, once, before any input is read: a loss that
reads only a model's weights needs no prediction file.
"""

from __future__ import annotations

from lossctl.engine.allocator import set_allocators
from lossctl.engine.local import evaluate_local, evaluate_weights
from lossctl.engine.plan import resolve_losses
from lossctl.engine.request import ENGINES, NAN_POLICIES, Request
from lossctl.engine.results import Evaluation
from lossctl.engine.task import Task, default_losses, reads_samples
from lossctl.errors import UsageError
from lossctl.losses.tasks import WEIGHTS


def evaluate(request: Request) -> tuple[Evaluation, list[str]]:
    """Evaluate the request's losses (or, with none, every loss that fits) in one pass; the
    evaluation and its warnings."""
    set_allocators()
    execution = request.execution
    if request.source.nan not in NAN_POLICIES:
        raise UsageError(f"--nan must be one of {', '.join(NAN_POLICIES)}")
    if execution.engine not in ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}")
    if execution.scheduler is not None and execution.engine != "dask":
        raise UsageError("--scheduler names a Dask cluster: add --engine dask")
    choice = request.losses
    losses = resolve_losses(choice.names, choice, {}) if choice.names else []
    if request.source.path is None:
        return evaluate_weights(request, losses or resolve_losses(default_losses(Task(WEIGHTS)), choice, {}))
    if losses and not any(reads_samples(loss) for loss in losses):
        evaluation, warnings = evaluate_weights(request, losses)
        labels = ", ".join(loss.label for loss in losses)
        return evaluation, [f"{request.source.path} not read: {labels} read only the model weights", *warnings]
    if execution.engine == "dask":
        from lossctl.engine import distributed

        return distributed.evaluate(request, losses)
    return evaluate_local(request, losses)
