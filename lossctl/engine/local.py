"""The local engine: one streamed pass over an input, in this process."""

from __future__ import annotations

from lossctl.engine.binding import Binding
from lossctl.engine.pipeline import fold, pairing_key, summarize
from lossctl.engine.plan import plan
from lossctl.engine.request import Request
from lossctl.engine.results import Evaluation
from lossctl.engine.tally import Tally
from lossctl.engine.task import Task, reads_samples, reads_two_samples
from lossctl.engine.translate import Translator
from lossctl.engine.weights import read_model_weights
from lossctl.errors import UsageError
from lossctl.io import join_sources, open_source
from lossctl.losses.tasks import WEIGHTS


def open_input(request: Request, *, ragged: bool = False):
    """The request's input: its file, joined with its labels file when there is one (by row
    order; ``ragged``: two samples, one in each file, of sizes of their own)."""
    source = request.source
    predictions = open_source(
        source.path, input_format=source.input_format, encoding=source.encoding, storage_options=source.storage_options
    )
    if source.labels is not None:
        labels = open_source(source.labels, input_format=source.input_format, encoding=source.encoding)
        return join_sources(predictions, labels, on=source.on, ragged=ragged)
    if source.on is not None and request.outputs.ci is None:
        raise UsageError(
            "--on joins a prediction file with a labels file, or pairs models' rows for an interval (--ci); "
            "give both files, or --ci"
        )
    return predictions


def evaluate_local(request: Request, losses: list) -> tuple[Evaluation, list[str]]:
    """The request on its input, ``losses`` being its named losses, resolved (none: the
    defaults of the detected task)."""
    source = open_input(request, ragged=reads_two_samples(losses))
    the_plan, chunks = plan(request, source, losses)
    tally = the_plan.tally(request, source)
    weights = read_model_weights(request.source, the_plan.losses)
    if weights is not None:
        tally.feed_weights(weights)
    progress = request.execution.progress
    after_chunk = (lambda: progress(source.name, source.progress())) if progress else None
    fold(tally, chunks, request.source.group_by, after_chunk, pairing_key(request))
    evaluation, warnings = summarize(tally, the_plan.task, the_plan.binding, source, request)
    return evaluation, warnings


def evaluate_weights(request: Request, losses: list) -> tuple[Evaluation, list[str]]:
    """Regularization losses over a model-weights file, with no prediction file; ``losses``
    resolved."""
    sample_losses = [loss for loss in losses if reads_samples(loss)]
    if sample_losses:
        raise UsageError(f"{sample_losses[0].label} needs a prediction file")
    weights = read_model_weights(request.source, losses)
    binding = Binding()
    tally = Tally(losses, Translator(None, binding, request.source.model_weights))
    tally.feed_weights(weights)
    results, warnings = tally.results()
    evaluation = Evaluation(
        input=request.source.model_weights,
        format="weights",
        task=Task(WEIGHTS),
        binding=binding,
        results=results,
        rows=len(weights.values),
        weights_file=request.source.model_weights,
    )
    return evaluation, warnings
