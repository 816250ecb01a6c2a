"""The Dask engine: the local engine's evaluation, spread over the workers of a cluster.

The input is opened as a dataset (``lossctl.io.dataset``: a file, a directory, a glob, a
Hive-partitioned tree, local or behind an fsspec URL) and the run goes in four steps:

1. On the client, exactly as the local engine does: the first file gives the columns and
   their binding to roles, the first chunk the kind of data, hence the losses.
2. A layout task per file reads its Parquet footer (or counts the rows of a text file), so
   that every part knows the dataset-wide number of its first row.
3. A task per part (a Parquet row group, or a whole file of another format) reads its
   chunks and feeds them, as the local engine does, to the local engine's own ``Run``: its
   states, its translation of errors to (file, column, row), its NaN policy, groups and
   worst rows. The task returns the ``Run``.
4. Runs of adjacent parts are merged pairwise, in a tree, on the workers. A merge keeps row
   order (the earliest failure of a loss is the one kept), and every sum is compensated, so
   the final run is the local engine's to rounding (1e-12 relative, in practice 1e-15).

Errors: a ``LossctlError`` in a task (naming the file of the bad value and its row there,
which the part's source locates) travels to the client as ``PartFailed`` and is raised
again there as the same error, so the command prints the local engine's line. When several
parts fail, the first part's error wins (the parts before it are waited for), as in the
local engine, which stops at the first bad row.

Workers: a worker lost mid-run is Dask's to handle: its tasks run again elsewhere and its
results are recomputed. If the same task kills ``allowed-failures`` + 1 workers
(``distributed.scheduler.allowed-failures``, 3 by default) or the cluster keeps no worker for
``worker_timeout`` seconds, the run fails with a ``ClusterError``: a clear line, no number.

Losses that are not streamable (wasserstein-distance) keep every sample in their state; this
engine never gathers the data into one process, so it refuses them when asked for and leaves
them out of the default set, with a note. The local engine computes them.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from lossctl.engine import run as local
from lossctl.engine.allocator import keep_freed_memory
from lossctl.engine.results import Evaluation
from lossctl.errors import LossctlError, UsageError
from lossctl.io.dataset import DataFile, Dataset, Part, Reader, open_dataset
from lossctl.losses import get_spec

POLL_SECONDS = 0.5
WORKER_TIMEOUT = 60.0
CONNECT_TIMEOUT = 10.0
NOT_STREAMABLE = "its state keeps every sample, and the Dask engine never gathers the data into one process"


class ClusterError(LossctlError):
    """The cluster could not finish the run; no value is given."""


class PartFailed(Exception):
    """A ``LossctlError`` raised in a task, on its way to the client: the error's class and
    fields, which pickle (an exception's keyword arguments do not)."""

    def __init__(self, kind: type[LossctlError], message: str, fields: dict[str, Any]) -> None:
        super().__init__(kind, message, fields)

    @classmethod
    def of(cls, exc: LossctlError) -> PartFailed:
        fields = {"file": exc.file, "column": exc.column, "row": exc.row, "hint": exc.hint}
        return cls(type(exc), exc.message, fields)

    def error(self) -> LossctlError:
        kind, message, fields = self.args
        return kind(message, **fields)


@dataclass(frozen=True)
class _Job:
    """What every part's task needs; the same for all parts of a run."""

    reader: Reader
    request: local.Request
    plan: local.Plan


def evaluate(
    request: local.Request,
    *,
    scheduler: str | None = None,
    worker_timeout: float = WORKER_TIMEOUT,
) -> tuple[Evaluation, list[str]]:
    """The local engine's ``evaluate``, on the Dask cluster at ``scheduler`` (an address such
    as ``tcp://host:8786``; default the request's), or on a cluster of local processes started
    for the run and listening on the loopback interface only. Storage options (for fsspec
    URLs) are the request's."""
    scheduler = scheduler if scheduler is not None else request.scheduler
    if request.nan not in local.NAN_POLICIES:
        raise UsageError(f"--nan must be one of {', '.join(local.NAN_POLICIES)}")
    _refuse_options(request)
    explicit = bool(request.losses)
    losses = local._resolve_all(request.losses, request, {}) if explicit else []
    for loss in losses:
        if not loss.streamable:
            raise UsageError(f"{loss.label} is not streamable: {NOT_STREAMABLE}", hint="use the local engine")
    if request.path is None or (losses and not any(local._reads_samples(loss) for loss in losses)):
        return local.evaluate(request)  # the model's weights alone: nothing to spread

    dataset = open_dataset(
        request.path,
        input_format=request.input_format,
        encoding=request.encoding,
        storage_options=request.storage_options,
    )
    source = dataset.source()
    plan, chunks = local.plan_run(request, source, losses, _streamable_defaults)
    chunks.close()  # the plan is all the client needs; the workers read the rows
    weights = local.model_weights(request, plan.losses)

    job = _Job(dataset.reader, dataclasses.replace(request, progress=None), plan)
    with connect(scheduler) as client:
        run = _Cluster(client, worker_timeout).evaluate(dataset, job, request.progress)
    if weights is not None:
        run.feed_weights(weights)
    return local.summarize(run, plan, source, request)


def _refuse_options(request: local.Request) -> None:
    """The options this engine cannot honour, each refused with the reason."""
    if request.path == "-":
        raise UsageError("--engine dask reads files, not standard input")
    if request.labels is not None or request.on is not None:
        raise UsageError(
            "--engine dask reads labels from the prediction files themselves",
            hint="join the files first, or use the local engine",
        )
    if request.per_sample is not None:
        raise UsageError("--per-sample writes every row, in order, from one process", hint="use the local engine")


def _streamable_defaults(names: list[str]) -> tuple[list[str], list[str]]:
    """The default losses without those that are not streamable; a note for each."""
    kept = [name for name in names if get_spec(name).streamable]
    notes = [f"{name} left out: {NOT_STREAMABLE} (the local engine computes it)" for name in names if name not in kept]
    return kept, notes


@contextmanager
def connect(scheduler: str | None) -> Iterator[Any]:
    """A Dask client of the scheduler at ``scheduler``, or of a ``local_cluster()`` started
    for the run and closed at its end."""
    distributed = _distributed()
    if scheduler is None:
        with local_cluster() as cluster, distributed.Client(cluster, set_as_default=False) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(
            f"cannot connect to the Dask scheduler at {scheduler}: {exc}",
            hint="check the address (tcp://host:8786), or leave out --scheduler for a local cluster",
        ) from None
    with client:
        yield client


def local_cluster(n_workers: int | None = None) -> Any:
    """A cluster of ``n_workers`` (default: one per core) single-threaded worker processes,
    listening on 127.0.0.1 only, without a dashboard."""
    return _distributed().LocalCluster(
        n_workers=n_workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # its HTTP server: any free port
    )


def _distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError("--engine dask needs Dask", hint="pip install 'lossctl[dask]'") from None
    return distributed


def _layout(reader: Reader, file: DataFile) -> tuple[int, ...]:
    """Task: the rows of each part of one file."""
    try:
        return reader.layout(file)
    except LossctlError as exc:
        raise PartFailed.of(exc) from None


def _fold_part(job: _Job, part: Part) -> local.Run:
    """Task: one part's rows folded into a new run, as the local engine folds a file's. The
    run goes back with a translator that names the dataset only (for its results)."""
    keep_freed_memory()  # as the local engine does: Dask's workers trim the C heap eagerly
    source = job.reader.source([part])
    plan = job.plan
    run = local.Run(job.request, plan.losses, plan.strict, local.Translator(source, plan.binding))
    try:
        local.fold(run, local.read_chunks(source, plan.binding, job.request), job.request.group_by)
    except LossctlError as exc:
        raise PartFailed.of(exc) from None
    run.translator = local.Translator(None, plan.binding, job.reader.name)
    return run


def _merge(left: local.Run, right: local.Run) -> local.Run:
    """Task: the run of ``left``'s rows followed by ``right``'s, in new states (the inputs
    stay as they are, should Dask need them again)."""
    merged = local.Run(left.request, left.losses, left.strict, left.translator)
    for run in (left, right):
        _fold_run(merged, run)
    return merged


def _fold_run(target: local.Run, run: local.Run) -> None:
    """Fold ``run`` (of rows after ``target``'s) into ``target``."""
    for mine, theirs in zip(target.states, run.states, strict=True):
        mine.merge(theirs)
    for value, states in run.groups.items():
        mine = target.groups.setdefault(value, [None] * len(target.losses))
        for i, state in enumerate(states):
            if state is not None:
                if mine[i] is None:
                    mine[i] = target.losses[i].state()
                mine[i].merge(state)
    if target.worst is not None:
        for mine, theirs in zip(target.worst, run.worst, strict=True):
            mine.merge(theirs)
    for i, message in run.failed.items():
        target.failed.setdefault(i, message)
    for message, count in run.notes.items():
        target.notes[message] = target.notes.get(message, 0) + count
    target.propagated = target.propagated or run.propagated
    target.rows += run.rows
    target.dropped += run.dropped


class _Cluster:
    """The futures of one run on a client: submitted with readable keys, waited for while
    watching that the cluster keeps workers, and their failures told in the user's terms."""

    def __init__(self, client: Any, worker_timeout: float) -> None:
        self.client = client
        self.worker_timeout = worker_timeout
        self.token = uuid.uuid4().hex[:12]
        self.reads: dict[str, str] = {}  # task key -> what the task reads, for messages
        self.futures: list[Any] = []

    def evaluate(self, dataset: Dataset, job: _Job, progress: Callable | None) -> local.Run:
        try:
            layouts = [
                self.submit(f"layout-{i}", file.path, _layout, job.reader, file) for i, file in enumerate(dataset.files)
            ]
            sizes = self.outcome(self.submit("layouts", "the files' layouts", _collect, *layouts), layouts)
            parts = dataset.parts(sizes)
            folded = [self.submit(f"part-{i}", part.describe(), _fold_part, job, part) for i, part in enumerate(parts)]

            def report() -> None:
                if progress is not None:
                    progress(dataset.name, (sum(f.done() for f in folded), len(folded), "parts"))

            return self.outcome(self.tree(folded), folded, report)
        except BaseException:
            self.client.cancel(self.futures)
            raise

    def submit(self, name: str, reads: str, function: Callable, *args: Any, priority: int = 0) -> Any:
        key = f"lossctl-{name}-{self.token}"
        self.reads[key] = reads
        future = self.client.submit(function, *args, key=key, priority=priority)
        self.futures.append(future)
        return future

    def tree(self, futures: list[Any]) -> Any:
        """The pairwise merge of adjacent runs, level by level, to one run; merges first
        when ready, to free memory."""
        level, depth = futures, 0
        while len(level) > 1:
            depth += 1
            level = [
                self.submit(f"merge-{depth}-{i}", "merged runs", _merge, *level[i : i + 2], priority=1)
                if i + 1 < len(level)
                else level[i]
                for i in range(0, len(level), 2)
            ]
        return level[0]

    def outcome(self, final: Any, members: list[Any], report: Callable[[], None] | None = None) -> Any:
        """The result of ``final``, computed from ``members``; if it fails, the error of the
        first member (in order) that failed, once the members before it are done."""
        self.wait([final], report)
        if report is not None:
            report()
        if final.status == "finished":
            return final.result()
        keys = {f.key for f in members}
        ordered = members + [f for f in self.futures if f.key not in keys]
        first = next((i for i, f in enumerate(ordered) if f.status in ("error", "cancelled")), len(ordered) - 1)
        self.wait(ordered[:first])
        failed = next(f for f in ordered[: first + 1] + [final] if f.status in ("error", "cancelled"))
        raise self.error(failed)

    def wait(self, futures: list[Any], report: Callable[[], None] | None = None) -> None:
        """Until every future is done; a ClusterError when no worker is left for
        ``worker_timeout`` seconds, or the scheduler is gone."""
        wake = threading.Event()
        for future in futures:
            future.add_done_callback(lambda _: wake.set())
        alone_since = None
        while True:
            wake.clear()
            if all(future.done() for future in futures):
                return
            if wake.wait(POLL_SECONDS):
                continue
            if report is not None:
                report()
            try:
                workers = self.client.nthreads()
            except OSError as exc:
                raise ClusterError(f"lost the Dask scheduler ({exc}); no result") from None
            if workers:
                alone_since = None
                continue
            alone_since = alone_since or time.monotonic()
            if time.monotonic() - alone_since > self.worker_timeout:
                raise ClusterError(
                    f"no Dask worker left for {self.worker_timeout:g} s (every worker died or left); no result",
                    hint="see the workers' logs; restart the workers and run again",
                )

    def error(self, future: Any) -> Exception:
        """What a failed future means for the user."""
        reads = self.reads.get(future.key, str(future.key))
        if future.status == "cancelled":
            return ClusterError(f"the cluster cancelled the task reading {reads}; no result")
        exc = future.exception()
        if isinstance(exc, PartFailed):
            return exc.error()
        if isinstance(exc, _distributed().KilledWorker):
            reads = self.reads.get(exc.task, str(exc.task))
            return ClusterError(
                f"Dask workers died while reading {reads} ({exc.allowed_failures + 1} attempts); no result",
                hint="a worker may have run out of memory: see the workers' logs",
            )
        if isinstance(exc, ImportError):
            return ClusterError(f"a Dask worker cannot run lossctl ({exc})", hint="install lossctl on every worker")
        return exc


def _collect(*values: Any) -> list[Any]:
    """Task: the values of several tasks, as one list."""
    return list(values)
