"""The Dask engine: the local engine's pass, spread over the workers of a cluster.

The input is opened as a dataset (``lossctl.io.dataset``: a file, a directory, a glob, a
Hive-partitioned tree, local or behind an fsspec URL) and the run goes in four steps:

1. On the client, exactly as the local engine does: the first file gives the columns and
   their binding to roles, the first chunk the task, hence the losses (``engine.plan``).
2. A layout task per file reads its Parquet footer (or counts the rows of a text file), so
   that every part knows the dataset-wide number of its first row.
3. A task per part (a Parquet row group, or a whole file of another format) folds its chunks
   into a ``Tally``, as the local engine does: its translation of errors to (file, column,
   row), its NaN policy, groups and worst rows. The task returns the tally.
4. Tallies of adjacent parts are merged pairwise (``Tally.merge``), in a tree, on the
   workers. A merge keeps row order (the earliest failure of a loss is the one kept), and
   every sum is exact, so the final tally is the local engine's, bit for bit.

Errors: a ``LossctlError`` in a task travels to the client as ``PartFailed`` and is raised
again there as the same error, so the command prints the local engine's line. When several
parts fail, the first part's error wins (the parts before it are waited for), as in the local
engine, which stops at the first bad row. Lost workers: ``lossctl.engine.cluster``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lossctl.engine.allocator import set_allocators
from lossctl.engine.cluster import Futures, PartFailed, connect
from lossctl.engine.pipeline import fold, pairing_key, read_chunks, summarize
from lossctl.engine.plan import Plan, plan
from lossctl.engine.request import Request
from lossctl.engine.results import Evaluation
from lossctl.engine.tally import Tally
from lossctl.engine.translate import Translator
from lossctl.engine.weights import read_model_weights
from lossctl.errors import LossctlError, UsageError, runtime_warnings_silenced
from lossctl.io.dataset import Dataset, open_dataset
from lossctl.io.parts import DataFile, Part
from lossctl.io.reader import Reader


@dataclass(frozen=True)
class _Job:
    """What every part's task needs; the same for all parts of a run."""

    reader: Reader
    request: Request
    plan: Plan


def evaluate(request: Request, losses: list) -> tuple[Evaluation, list[str]]:
    """The request's pass on the Dask cluster at its scheduler's address, or on a cluster of
    local processes started for the run and listening on the loopback interface only;
    ``losses`` are its named losses, resolved (none: the detected task's defaults)."""
    _refuse_options(request)
    source_options = request.source
    dataset = open_dataset(
        source_options.path,
        input_format=source_options.input_format,
        encoding=source_options.encoding,
        storage_options=source_options.storage_options,
    )
    source = dataset.source()
    the_plan, chunks = plan(request, source, losses)
    chunks.close()  # the plan is all the client needs; the workers read the rows
    weights = read_model_weights(request.source, the_plan.losses)

    quiet = dataclasses.replace(request, execution=dataclasses.replace(request.execution, progress=None))
    job = _Job(dataset.reader, quiet, the_plan)
    execution = request.execution
    with connect(execution.scheduler) as client:
        tally = _run(Futures(client, execution.worker_timeout), dataset, job, execution.progress)
    tally.translator = Translator(source, the_plan.binding)  # names a row found only now (a gap of a sample)
    if weights is not None:
        tally.feed_weights(weights)
    evaluation, warnings = summarize(tally, the_plan.task, the_plan.binding, source, request)
    return evaluation, warnings


def _refuse_options(request: Request) -> None:
    """The options this engine cannot honour, each refused with the reason."""
    if request.source.path == "-":
        raise UsageError("--engine dask reads files, not standard input")
    if request.source.labels is not None or request.source.on is not None:
        raise UsageError(
            "--engine dask reads labels from the prediction files themselves",
            hint="join the files first, or use the local engine",
        )
    if request.outputs.per_sample is not None:
        raise UsageError("--per-sample writes every row, in order, from one process", hint="use the local engine")


def _run(futures: Futures, dataset: Dataset, job: _Job, progress: Callable | None) -> Tally:
    """The tally of every part of ``dataset``, folded by the workers and merged in a tree."""
    try:
        layouts = [futures.submit(f"layout-{i}", f.path, _layout, job.reader, f) for i, f in enumerate(dataset.files)]
        sizes = futures.outcome(futures.submit("layouts", "the files' layouts", _collect, *layouts), layouts)
        parts = dataset.parts(sizes)
        folded = [futures.submit(f"part-{i}", part.describe(), _fold_part, job, part) for i, part in enumerate(parts)]

        def report() -> None:
            if progress is not None:
                progress(dataset.name, (sum(f.done() for f in folded), len(folded), "parts"))

        return futures.outcome(futures.tree(folded, _merge), folded, report)
    except BaseException:
        futures.cancel()
        raise


def _layout(reader: Reader, file: DataFile) -> tuple[int, ...]:
    """Task: the rows of each part of one file."""
    try:
        return reader.layout(file)
    except LossctlError as exc:
        raise PartFailed.of(exc) from None


def _fold_part(job: _Job, part: Part) -> Tally:
    """Task: one part's rows folded into a new tally, as the local engine folds a file's. The
    tally goes back with a translator that names the dataset only (for its results)."""
    set_allocators()  # as the local engine does (the worker's glibc thresholds and Arrow's pool)
    source = job.reader.source([part])
    request, the_plan = job.request, job.plan
    tally = the_plan.tally(request, source)  # no per-sample sink: refused on this engine
    try:
        with runtime_warnings_silenced():
            fold(
                tally, read_chunks(source, the_plan.binding, request), request.source.group_by, key=pairing_key(request)
            )
    except LossctlError as exc:
        raise PartFailed.of(exc) from None
    tally.translator = tally.translator.detached(job.reader.name)
    return tally


def _merge(left: Tally, right: Tally) -> Tally:
    """Task: the tally of ``left``'s rows followed by ``right``'s, in new states (the inputs
    stay as they are, should Dask need them again)."""
    merged = left.empty()
    merged.merge(left)
    merged.merge(right)
    return merged


def _collect(*values: Any) -> list[Any]:
    """Task: the values of several tasks, as one list."""
    return list(values)
