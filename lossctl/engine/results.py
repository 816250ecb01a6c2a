"""What an evaluation produces: one value per loss (and per group), with the facts a report
needs to say what was computed on what."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lossctl.engine.binding import Binding
    from lossctl.engine.task import Task
    from lossctl.losses import AnyLoss
    from lossctl.losses.intervals import Interval


@dataclass
class LossResult:
    loss: AnyLoss
    value: float
    n: int
    group: Any = None
    worst: list[tuple[int, float]] | None = None  # (0-based row, value); shown 1-based
    ci: Interval | None = None  # with --ci
    state: Any = None  # with --ci: the tracked state, for paired comparisons
    bins: list[dict] | None = None  # a calibration score's bins: a reliability diagram
    components: list[dict] | None = None  # {name key: ..., "value"}: quantile-set's levels, raw outputs

    @property
    def label(self) -> str:
        return self.loss.label


@dataclass
class Evaluation:
    """The results of one input (a file, or a prediction file joined with its labels)."""

    input: str
    format: str
    task: Task
    binding: Binding
    results: list[LossResult]
    rows: int = 0
    dropped: int = 0
    notes: dict[str, int] = field(default_factory=dict)
    group_by: str | None = None
    weights_file: str | None = None
    labels: int | None = None  # with an interval: the labels' fingerprint (``Tally._fingerprint``)
    paired_on: str | None = None  # the key column rows are paired on (--on with --ci); None: by position
    multioutput: str | None = None  # how a multi-output regression averages its outputs; None: one output

    def pairing(self) -> str:
        """How this input's rows are paired with another's: ``by position`` or ``on KEY``."""
        return "by position" if self.paired_on is None else f"on {self.paired_on}"

    def warnings(self) -> list[str]:
        lines = [f"{self.input}: {count} {message}" for message, count in self.notes.items()]
        if self.dropped:
            lines.append(f"{self.input}: {self.dropped} rows with missing values dropped")
        return lines

    def describe(self) -> str:
        roles = self.binding.describe()
        return f"{self.input}: {self.rows} rows, task {self.task.describe()}" + (f"; {roles}" if roles else "")
