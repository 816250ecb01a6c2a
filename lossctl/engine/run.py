"""One streamed pass of a set of losses over an input.

Chunks of the needed columns come from the reader; each becomes a ``Batch`` that every loss
state folds in, so memory is bounded by the chunk size whatever the file size, and losses
share intermediates. Errors from the loss core (a role and a 0-based index) are translated
into the file, the column and the 1-based row they came from.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from lossctl.engine import kinds
from lossctl.engine.allocator import keep_freed_memory
from lossctl.engine.binding import MATRIX, NONE, PAIR, SCALAR, TRIPLET, Binding, ColumnChoice, bind
from lossctl.engine.read_ahead import read_ahead
from lossctl.engine.results import Evaluation, LossResult
from lossctl.engine.worst import WorstK
from lossctl.errors import InputError, UsageError
from lossctl.io import detect_roles, is_glob, join_sources, open_source
from lossctl.losses import AnyLoss, Batch, InputDomainError, LossError, get_spec, resolve

NAN_POLICIES = ("error", "drop", "propagate")
# Chunks of at most this many rows are folded into the loss states (readers split larger
# pieces into views and pass smaller ones on, never copying). A loss makes several passes over
# temporaries of the chunk's size; at 64K rows (512 KiB a column) they stay in the CPU cache,
# and ten regression losses run 2.6x faster than on 1M-row chunks.
KERNEL_ROWS = 1 << 16
# How far the reader may run ahead of the losses, on its own thread: a Parquet row group or a
# window of CSV text, so that the next one is read while this one is folded.
READ_AHEAD_ROWS = 1 << 20
# A loss that is not streamable keeps every sample; `compare` includes it by default only for
# inputs known to be at most this large, so that a default run stays in bounded memory.
SMALL_INPUT_ROWS = 1_000_000
SMALL_INPUT_BYTES = 64 << 20
# The group of the rows whose --group-by value is missing (NaN, null, an empty cell).
MISSING_GROUP = "(missing)"
PerSampleSink = Callable[[np.ndarray, dict[str, np.ndarray]], None]


@dataclass
class Request:
    """What to evaluate, as the command line or the configuration says it."""

    path: str | None
    losses: list[str] = field(default_factory=list)
    labels: str | None = None
    on: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    strict_parameters: bool = True
    from_logits: bool = False
    task: str | None = None
    columns: ColumnChoice = field(default_factory=ColumnChoice)
    group_by: str | None = None
    model_weights: str | None = None
    nan: str = "error"
    worst: int = 0
    per_sample: PerSampleSink | None = None
    progress: Callable[[str, tuple[int, int, str] | None], None] | None = None
    input_format: str | None = None
    encoding: str = "utf-8"
    batch_rows: int = KERNEL_ROWS
    engine: str = "local"
    scheduler: str | None = None
    storage_options: dict[str, Any] = field(default_factory=dict)


def _layout(losses: list[AnyLoss], roles: dict, y_pred_choice: str | None) -> str:
    """How the losses read the file: scalar columns, a class matrix, a pair, a triplet."""
    layouts = set()
    for loss in losses:
        if not _reads_samples(loss):
            continue
        tasks = set(loss.tasks)
        if "triplet" in tasks:
            layouts.add(TRIPLET)
        elif "pair" in tasks:
            layouts.add(PAIR)
        elif tasks == {"multiclass"}:
            layouts.add(MATRIX)
        elif "multiclass" in tasks:
            glob = y_pred_choice is not None and is_glob(y_pred_choice)
            layouts.add(MATRIX if "matrix" in roles or glob else SCALAR)
        else:
            layouts.add(SCALAR)
    if len(layouts) > 1:
        names = ", ".join(loss.label for loss in losses)
        raise UsageError(
            f"{names} read different inputs (e.g. a class matrix and a single column); run them separately"
        )
    return layouts.pop() if layouts else NONE


def _layout_of_file(roles: dict, task: str | None) -> str:
    """The layout of a file evaluated with the default losses: from ``--task`` when given,
    else from the roles its column names fill."""
    if task is not None:
        return {kinds.TRIPLET: TRIPLET, kinds.PAIR: PAIR, kinds.MULTICLASS: MATRIX}.get(task, SCALAR)
    if "d_ap" in roles or "anchor" in roles:
        return TRIPLET
    if "distance" in roles:
        return PAIR
    if "matrix" in roles:
        return MATRIX
    return SCALAR


def _kind(layout: str, task: str | None, from_logits: bool, first: dict[str, np.ndarray] | None) -> kinds.Kind:
    if task is not None:
        return kinds.Kind(task, from_logits=from_logits)
    if layout == NONE:
        return kinds.Kind(kinds.WEIGHTS)
    if layout in (TRIPLET, PAIR, MATRIX):
        return kinds.Kind({TRIPLET: kinds.TRIPLET, PAIR: kinds.PAIR, MATRIX: kinds.MULTICLASS}[layout], from_logits)
    if first is None:
        return kinds.Kind(kinds.REGRESSION)
    return kinds.kind_of_values(first["y_true"], first["y_pred"], from_logits=from_logits)


class RowNumbers:
    """The 0-based file rows of a batch's samples: ``start + i``, or, once rows were dropped,
    ``start + kept[i]``. The array is built only when asked for (worst rows, per-sample
    output): most batches never need it."""

    def __init__(self, start: int, n: int, kept: np.ndarray | None = None) -> None:
        self.start, self.n, self.kept = start, n, kept
        self._array: np.ndarray | None = None

    def __len__(self) -> int:
        return self.n if self.kept is None else len(self.kept)

    def __getitem__(self, i: int) -> int:
        return self.start + (i if self.kept is None else int(self.kept[i]))

    def subset(self, keep: np.ndarray) -> RowNumbers:
        return RowNumbers(self.start, self.n, np.flatnonzero(keep) if self.kept is None else self.kept[keep])

    def array(self) -> np.ndarray:
        if self._array is None:
            self._array = self.start + (np.arange(self.n) if self.kept is None else self.kept)
        return self._array


class Translator:
    """Turns the core's (role, index) errors into (file, column, row) errors; through a join,
    the file a column was read from, and that file's row."""

    def __init__(self, source, binding: Binding, file: str | None = None) -> None:
        self.source = source
        self.file = source.name if source is not None else file
        self.binding = binding

    def locate(self, role: str, row: int | None) -> tuple[str | None, str | None, int | None]:
        """``(file, column, 1-based row)`` of a role's value at a 0-based row of the input."""
        columns = self.binding.columns.get(role)
        if not columns or row is None:
            return self.file, self.binding.column_of(role), None if row is None else row + 1
        file, column, own_row = self.source.locate(columns[0], row)
        return file, column if len(columns) == 1 else self.binding.column_of(role), own_row + 1

    def error(self, exc: InputDomainError, rows: RowNumbers | None) -> InputError:
        row = rows[exc.index] if exc.index is not None and rows is not None else None
        file, column, row = self.locate(exc.role, row)
        return InputError(exc.message, file=file, column=column, row=row, hint=exc.hint)


def role_arrays(binding: Binding, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The chunk's columns by role; a matrix role (class probabilities or logits) is stacked
    column-major, so that reductions over the classes (log-sum-exp, row sums) run as
    vectorized passes over whole columns: 1.6x faster than row-major."""
    out = {}
    for role, cols in binding.columns.items():
        if len(cols) == 1:
            out[role] = arrays[cols[0]]
            continue
        matrix = np.empty((len(arrays[cols[0]]), len(cols)), order="F")
        for j, column in enumerate(cols):
            matrix[:, j] = arrays[column]
        out[role] = matrix
    return out


def _missing_rows(role_arrays: dict[str, np.ndarray]) -> np.ndarray | None:
    """Per row, whether any input of the row is missing (NaN) or infinite: the rows that
    ``--nan`` decides about; ``None`` when every input is finite, the usual case, which one
    test per input shows without building the rows' mask."""
    if all(np.isfinite(a).all() for a in role_arrays.values()):
        return None
    missing = None
    for a in role_arrays.values():
        m = ~np.isfinite(a) if a.ndim == 1 else ~np.isfinite(a).all(axis=1)
        missing = m if missing is None else missing | m
    return missing


class Run:
    """The states of every loss (and group) and the sinks, fed chunk by chunk."""

    def __init__(self, request: Request, losses: list[AnyLoss], strict: bool, translator: Translator) -> None:
        self.request = request
        self.losses = losses
        self.strict = strict
        self.translator = translator
        self.states = [loss.state() for loss in losses]
        self.groups: dict[Any, list] = {}
        self.worst = [WorstK(request.worst) for _ in losses] if request.worst else None
        self.failed: dict[int, str] = {}
        self.propagated = False
        self.notes: dict[str, int] = {}
        self.rows = 0
        self.dropped = 0

    def feed_weights(self, weights: ModelWeights) -> None:
        """Fold the model's weights into the losses that read them; a bad weight is named by
        its row (a file of one column) or its position in reading order, from 1."""
        try:
            batch = Batch({"weights": weights.values})
            for loss, state in zip(self.losses, self.states, strict=True):
                if loss.needs_weights():
                    state.update(batch)
        except InputDomainError as exc:
            if exc.index is not None and weights.one_column:
                raise InputError(exc.message, file=weights.file, row=exc.index + 1, hint=exc.hint) from None
            where = "" if exc.index is None else f"value {exc.index + 1}: "
            raise InputError(f"{where}{exc.message}", file=weights.file, hint=exc.hint) from None

    def feed(self, start: int, role_arrays: dict[str, np.ndarray], group: np.ndarray | None) -> None:
        n = len(next(iter(role_arrays.values())))
        rows = RowNumbers(start, n)
        self.rows += n
        missing = _missing_rows(role_arrays)
        if missing is not None:
            role_arrays, rows, group = self._missing(missing, role_arrays, rows, group)
        if not len(rows):
            return
        try:
            batch = Batch(role_arrays)
        except InputDomainError as exc:
            raise self.translator.error(exc, rows) from None
        # One batch per group value, built once and shared by every loss.
        slices = [
            (key, Batch({role: a[rows_of_key] for role, a in batch.arrays.items()}))
            for key, rows_of_key in ([] if group is None else split_by_group(group))
        ]
        per_sample: dict[str, np.ndarray] = {}
        for i, (loss, state) in enumerate(zip(self.losses, self.states, strict=True)):
            if i in self.failed or not _reads_samples(loss):
                continue
            try:
                state.update(batch)
                if self.worst is not None or self.request.per_sample is not None:
                    self._per_sample(i, loss, batch, rows, per_sample)
                for key, part in slices:
                    states = self.groups.setdefault(key, [None] * len(self.losses))
                    if states[i] is None:
                        states[i] = loss.state()
                    states[i].update(part)
            except InputDomainError as exc:
                error = self.translator.error(exc, rows)
                if self.strict:
                    raise error from None
                self.failed[i] = str(error)
        if self.request.per_sample is not None:
            self.request.per_sample(rows.array(), per_sample)
        for message, count in batch.notes.items():
            self.notes[message] = self.notes.get(message, 0) + count

    def _missing(self, missing, role_arrays, rows, group):
        policy = self.request.nan
        if policy == "error":
            i = int(np.argmax(missing))
            role = next(r for r, a in role_arrays.items() if not np.isfinite(a[i]).all())
            value = role_arrays[role][i]
            what = "missing value (empty cell or NaN)" if np.isnan(value).any() else "infinite value"
            file, column, row = self.translator.locate(role, rows[i])
            raise InputError(
                what,
                file=file,
                column=column,
                row=row,
                hint="--nan drop skips such rows, --nan propagate makes the result NaN",
            )
        keep = ~missing
        if policy == "drop":
            self.dropped += int(missing.sum())
        else:
            self.propagated = True
        role_arrays = {r: a[keep] for r, a in role_arrays.items()}
        return role_arrays, rows.subset(keep), None if group is None else group[keep]

    def _per_sample(self, i: int, loss: AnyLoss, batch: Batch, rows: RowNumbers, out: dict) -> None:
        try:
            values = loss.per_sample(batch)
        except LossError:
            return  # a loss without per-sample values (wasserstein-distance, regularization)
        if self.worst is not None:
            self.worst[i].update(values, rows.array())
        out[loss.label] = values

    def results(self) -> tuple[list[LossResult], list[str]]:
        out, warnings = [], []
        for i, (loss, state) in enumerate(zip(self.losses, self.states, strict=True)):
            if i in self.failed:
                warnings.append(f"{loss.label} skipped: {self.failed[i]}")
                continue
            value = self._value(loss, state)
            worst = self.worst[i].items() if self.worst is not None else None
            out.append(LossResult(loss, value, state.n, worst=worst))
        for value, states in sorted(self.groups.items(), key=lambda kv: str(kv[0])):
            for i, (loss, state) in enumerate(zip(self.losses, states, strict=True)):
                if state is not None and i not in self.failed:
                    out.append(LossResult(loss, self._value(loss, state), state.n, group=value))
        return out, warnings

    def _value(self, loss: AnyLoss, state) -> float:
        if self.propagated:
            return float("nan")
        try:
            return state.result()
        except LossError as exc:
            raise InputError(f"{loss.label}: {exc}", file=self.translator.file) from None


def _reads_samples(loss: AnyLoss) -> bool:
    """Whether a loss reads the prediction file (regularization reads only the weights)."""
    return not set(loss.tasks) <= {"weights"}


def split_by_group(group: np.ndarray) -> list[tuple[Any, np.ndarray]]:
    """The rows of each distinct value of a group column: ``(value, row indices)``, values as
    Python scalars; missing values (NaN, None) form one group, ``MISSING_GROUP``."""
    if group.dtype.kind in "biuf":
        missing = np.isnan(group) if group.dtype.kind == "f" else np.zeros(len(group), dtype=bool)
        values, inverse = np.unique(group[~missing], return_inverse=True)
        codes = np.full(len(group), len(values), dtype=np.intp)
        codes[~missing] = inverse
        keys = [v.item() for v in values] + [MISSING_GROUP]
    else:  # text (an object array): one pass through a dictionary
        index: dict[Any, int] = {}
        codes = np.fromiter(
            (
                index.setdefault(MISSING_GROUP if key is None or key == "" else key, len(index))
                for key in group.tolist()
            ),
            np.intp,
            len(group),
        )
        keys = list(index)
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(keys)))
    return [(keys[k], rows) for k, rows in enumerate(np.split(order, bounds[:-1])) if len(rows)]


def _open(request: Request):
    source = open_source(
        request.path,
        input_format=request.input_format,
        encoding=request.encoding,
        storage_options=request.storage_options,
    )
    if request.labels is not None:
        labels = open_source(request.labels, input_format=request.input_format, encoding=request.encoding)
        source = join_sources(source, labels, on=request.on)
    elif request.on is not None:
        raise UsageError("--on joins a prediction file with a labels file; give both files")
    return source


def _resolve_all(texts: list[str], request: Request, defaults: dict[str, Any]) -> list[AnyLoss]:
    """Configure the losses. Strict (``compute``): every option must fit the loss. Lenient
    (``compare``): each option goes to the losses that take it, and must fit at least one."""
    overrides = dict(request.overrides)
    if request.from_logits:
        overrides["from_logits"] = True
    if request.strict_parameters:
        return [resolve(text, overrides, defaults) for text in texts]
    losses = [resolve(text, None, {**defaults, **overrides}) for text in texts]
    for key in overrides:
        name = key.rstrip("_")
        if key != "from_logits" and not any(name in _parameter_names(loss) for loss in losses):
            raise UsageError(f"--{name.replace('_', '-')} fits none of the losses compared")
    return losses


def _parameter_names(loss: AnyLoss) -> set[str]:
    terms = loss.terms if hasattr(loss, "terms") else ((1.0, loss),)
    return {p.name for _, term in terms for p in term.spec.params}


class ModelWeights(NamedTuple):
    """A model's parameters, flattened in reading order, and the file they came from; in a
    file of one column, value i is row i."""

    values: np.ndarray
    file: str
    one_column: bool


def model_weights(request: Request, losses: list[AnyLoss]) -> ModelWeights | None:
    needs = [loss for loss in losses if loss.needs_weights()]
    if not needs:
        return None
    if request.model_weights is None:
        raise UsageError(f"{needs[0].label} needs the model's parameters: give --model-weights FILE")
    source = open_source(request.model_weights, encoding=request.encoding)
    return ModelWeights(source.read_all_values(), source.name, len(source.columns) == 1)


def evaluate(request: Request) -> tuple[Evaluation, list[str]]:
    """Evaluate the request's losses (or, with none, every loss that fits) in one pass."""
    keep_freed_memory()
    if request.nan not in NAN_POLICIES:
        raise UsageError(f"--nan must be one of {', '.join(NAN_POLICIES)}")
    explicit = bool(request.losses)
    losses = _resolve_all(request.losses, request, {}) if explicit else []
    if request.path is None:
        return _weights_only(request, losses)
    if losses and not any(_reads_samples(loss) for loss in losses):
        evaluation, warnings = _weights_only(request, losses)
        return evaluation, [
            f"{request.path} not read: {', '.join(loss.label for loss in losses)} read only the model weights"
        ] + warnings
    if request.engine == "dask":
        from lossctl.engine import distributed

        return distributed.evaluate(request)

    source = _open(request)
    plan, chunks = plan_run(request, source, losses, lambda names: _bounded_defaults(names, source))
    run = Run(request, plan.losses, plan.strict, Translator(source, plan.binding))
    weights = model_weights(request, plan.losses)
    if weights is not None:
        run.feed_weights(weights)
    progress = request.progress
    fold(run, chunks, request.group_by, (lambda: progress(source.name, source.progress())) if progress else None)
    return summarize(run, plan, source, request)


@dataclass
class Plan:
    """What a run evaluates on an input, decided from its column names and first chunk."""

    binding: Binding
    kind: kinds.Kind
    losses: list[AnyLoss]
    strict: bool  # losses the user named: an error stops the run (defaults that fail are skipped)
    notes: list[str]  # default losses left out, and why


def plan_run(
    request: Request,
    source,
    losses: list[AnyLoss],
    keep_defaults: Callable[[list[str]], tuple[list[str], list[str]]],
) -> tuple[Plan, _Chunks]:
    """The plan of a run over ``source``, and its chunks (the first one, read to tell the
    task, included). ``losses`` are the request's configured losses; when there are none,
    the defaults for the detected task go through ``keep_defaults`` (names -> kept, notes)."""
    explicit = bool(request.losses)
    roles = detect_roles(source.columns)
    layout = _layout(losses, roles, request.columns.y_pred) if explicit else _layout_of_file(roles, request.task)
    binding = bind(source.name, source.columns, layout, request.columns)
    from_logits = request.from_logits or binding.logit_names
    chunks = read_chunks(source, binding, request)
    try:
        first = next(chunks, None)
        if first is None:
            raise InputError("no data rows", file=source.name)
        first_roles = role_arrays(binding, first.arrays) if layout == SCALAR else None
        kind = _kind(layout, request.task, from_logits, first_roles)
        defaults = {"from_logits": True} if from_logits else {}
        names, notes = (request.losses, []) if explicit else keep_defaults(kinds.default_losses(kind))
        plan = Plan(binding, kind, _resolve_all(names, request, defaults), explicit, notes)
    except BaseException:
        chunks.close()  # stops the reader thread now, not when the traceback is collected
        raise
    return plan, _Chunks(first, chunks)


class _Chunks:
    """The chunks of a run: the first one (read to plan the run), then the rest. ``close``
    stops the reader, whether or not the chunks were iterated."""

    def __init__(self, first, rest: Generator) -> None:
        self._first = first
        self._rest = rest

    def __iter__(self) -> Iterator:
        yield self._first
        yield from self._rest

    def close(self) -> None:
        self._rest.close()


def read_chunks(source, binding: Binding, request: Request) -> Generator:
    """The chunks a run folds: the bound columns (and the group-by column), at most
    ``request.batch_rows`` rows at a time, as the reader delivers them, read ahead of the
    fold by up to READ_AHEAD_ROWS rows."""
    other = [request.group_by] if request.group_by else []
    chunks = source.iter_chunks(binding.needed(), other, batch_rows=request.batch_rows, exact=False)
    return read_ahead(chunks, depth=max(1, READ_AHEAD_ROWS // request.batch_rows))


def fold(
    run: Run, chunks: _Chunks | Generator, group_by: str | None, after_chunk: Callable[[], None] | None = None
) -> None:
    """Feed every chunk to ``run``: the loop both engines run over their rows. The chunks
    are closed however the loop ends, which stops their reader thread at once (a loop left by
    an exception does not close its iterator)."""
    with contextlib.closing(chunks):
        for chunk in chunks:
            group = chunk.arrays[group_by] if group_by else None
            run.feed(chunk.start, role_arrays(run.translator.binding, chunk.arrays), group)
            if after_chunk is not None:
                after_chunk()


def summarize(run: Run, plan: Plan, source, request: Request) -> tuple[Evaluation, list[str]]:
    """The evaluation of a finished run, and its warnings."""
    results, warnings = run.results()
    evaluation = Evaluation(
        input=source.name,
        format=source.format,
        kind=plan.kind,
        binding=plan.binding,
        results=results,
        rows=run.rows,
        dropped=run.dropped,
        notes=run.notes,
        group_by=request.group_by,
        weights_file=request.model_weights,
    )
    return evaluation, plan.notes + warnings


def _bounded_defaults(names: list[str], source) -> tuple[list[str], list[str]]:
    """The default losses, without those that are not streamable unless the input is known
    to be small; a note for each one left out."""
    small = (source.num_rows is not None and source.num_rows <= SMALL_INPUT_ROWS) or (
        source.size_bytes is not None and source.size_bytes <= SMALL_INPUT_BYTES
    )
    if small:
        return names, []
    kept, notes = [], []
    for name in names:
        if get_spec(name).streamable:
            kept.append(name)
        else:
            notes.append(
                f"{name} left out: it keeps every sample, and {source.name} is large (ask for it with -l {name})"
            )
    return kept, notes


def _weights_only(request: Request, losses: list[AnyLoss]) -> tuple[Evaluation, list[str]]:
    """Regularization losses over a model-weights file, with no prediction file."""
    if not losses:
        losses = _resolve_all(kinds.default_losses(kinds.Kind(kinds.WEIGHTS)), request, {})
    sample_losses = [loss for loss in losses if _reads_samples(loss)]
    if sample_losses:
        raise UsageError(f"{sample_losses[0].label} needs a prediction file")
    weights = model_weights(request, losses)
    binding = Binding()
    run = Run(request, losses, strict=True, translator=Translator(None, binding, request.model_weights))
    run.feed_weights(weights)
    results, warnings = run.results()
    evaluation = Evaluation(
        input=request.model_weights,
        format="weights",
        kind=kinds.Kind(kinds.WEIGHTS),
        binding=binding,
        results=results,
        rows=len(weights.values),
        weights_file=request.model_weights,
    )
    return evaluation, warnings
