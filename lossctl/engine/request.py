"""What to evaluate, split by concern: where the rows come from (``Source``), which losses
(``LossChoice``), how to run (``Execution``) and what to produce besides the values
(``Outputs``).

The option layer (``lossctl.options``) builds requests from the command line and the
configuration; the engine only reads them. This module imports nothing heavy, so that the
choices below can be offered by the command line without loading NumPy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

NAN_POLICIES = ("error", "drop", "propagate")
"""What a missing or infinite input value does: stop with an error naming it, drop its row, or
make every result NaN."""
ENGINES = ("local", "dask")
# Chunks of at most this many rows are folded into the loss states (readers split larger
# chunks into views and pass smaller ones on, never copying). A loss makes several passes over
# temporaries of the chunk's size; at 64K rows (512 KiB a column) they stay in the CPU cache,
# and ten regression losses run 2.6x faster than on 1M-row chunks.
CHUNK_ROWS = 1 << 16

PerSampleSink = Callable[[Any, dict[str, Any]], None]
"""Receives each chunk's 0-based file rows and its per-sample values by loss label."""
Progress = Callable[[str, "tuple[int, int, str] | None"], None]
"""Told, after each chunk, the input's name and (done, total, unit) when known."""


class ColumnChoice(NamedTuple):
    """What the user said about columns: ``--y-true``, ``--y-pred``, ``--weight``, and the
    forecast's other columns by role (``--lower`` fills ``lower``, ``--std`` ``scale``, ...)."""

    y_true: str | None = None
    y_pred: str | None = None
    weight: str | None = None
    u_weights: str | None = None  # the weights of y_true's sample, for a distance between samples
    v_weights: str | None = None  # those of y_pred's
    x1: str | None = None  # a pair's first score, or its first embedding (a glob)
    x2: str | None = None
    forecast: tuple[tuple[str, str], ...] = ()  # (role, column or glob) pairs
    query: str | None = None  # each row's query id: the rows of a query are one ranking list


@dataclass(frozen=True)
class Source:
    """Where the rows come from, how to read them, and what they hold."""

    path: str | None
    labels: str | None = None  # a labels file joined with ``path``
    on: str | None = None  # the key column of that join (by row order when None)
    columns: ColumnChoice = ColumnChoice()
    group_by: str | None = None
    model_weights: str | None = None  # a model's parameters, for regularization losses
    task: str | None = None  # what the file holds; detected when None
    nan: str = "error"  # one of NAN_POLICIES
    multioutput: str = "uniform"  # how a multi-output regression averages its outputs (MULTIOUTPUT)
    input_format: str | None = None  # from the extension, else the content, when None
    encoding: str = "utf-8"
    storage_options: Mapping[str, Any] = field(default_factory=dict)  # fsspec options of URLs
    classes: tuple[str, ...] | None = None  # text class labels in class order (--classes)
    pos_label: str | None = None  # the positive class of text binary labels (--pos-label)


@dataclass(frozen=True)
class LossChoice:
    """Which losses, configured how. No names: every loss that fits the input."""

    # Loss specs (``huber:delta=0.5``), or losses already configured (a sweep's elementary
    # scores, which the catalog does not list).
    names: tuple[Any, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)  # from --delta, --gamma, ...
    from_logits: bool = False
    # Strict (compute): every parameter must fit every loss, and a loss that fails stops the
    # run. Lenient (compare): each parameter goes to the losses that take it.
    strict: bool = True
    calibration: bool = False  # the report: a classifier's default losses gain ece, for its diagram


@dataclass(frozen=True)
class Execution:
    """Where and how the pass runs."""

    engine: str = "local"  # one of ENGINES
    scheduler: str | None = None  # a Dask scheduler's address; a local cluster when None
    chunk_rows: int = CHUNK_ROWS
    progress: Progress | None = None
    worker_timeout: float = 60.0  # Dask: seconds without any worker before the run fails


@dataclass(frozen=True)
class Ci:
    """A confidence interval for every value: its level, method and resampling seed, and
    whether the values will be paired with another model's on the same rows (which needs the
    replicate groups of every state, where a normal interval alone needs its moments only)."""

    level: float = 0.95
    method: str = "normal"  # one of lossctl.losses.intervals.METHODS
    seed: int = 0
    paired: bool = False


@dataclass(frozen=True)
class Outputs:
    """What the pass produces besides each loss's value."""

    worst: int = 0  # the K rows with the largest per-sample loss
    per_sample: PerSampleSink | None = None
    ci: Ci | None = None


@dataclass(frozen=True)
class Request:
    source: Source
    losses: LossChoice = LossChoice()
    execution: Execution = Execution()
    outputs: Outputs = Outputs()
