"""What an evaluation produces: one value per loss (and per group), with the facts a report
needs to say what was computed on what."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lossctl.engine.binding import Binding
    from lossctl.engine.task import Task
    from lossctl.losses import AnyLoss


@dataclass
class LossResult:
    loss: AnyLoss
    value: float
    n: int
    group: Any = None
    worst: list[tuple[int, float]] | None = None  # (0-based row, value); shown 1-based

    @property
    def label(self) -> str:
        return self.loss.label

    def as_json(self, input_name: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "input": input_name,
            "loss": self.loss.name,
            "spec": self.loss.label,
            "params": _jsonable(self.loss.params),
            "value": self.value if math.isfinite(self.value) else None,
            "n": self.n,
        }
        if self.group is not None:
            out["group"] = _jsonable(self.group)
        if self.worst is not None:
            out["worst"] = [{"row": row + 1, "value": value} for row, value in self.worst]
        return out


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

    def input_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.input,
            "format": self.format,
            "rows": self.rows,
            "task": self.task.name,
            "from_logits": self.task.from_logits,
            "roles": {role: cols for role, cols in self.binding.columns.items()},
        }
        if self.dropped:
            out["dropped_rows"] = self.dropped
        if self.group_by:
            out["group_by"] = self.group_by
        if self.weights_file:
            out["model_weights"] = self.weights_file
        return out

    def warnings(self) -> list[str]:
        lines = [f"{self.input}: {count} {message}" for message, count in self.notes.items()]
        if self.dropped:
            lines.append(f"{self.input}: {self.dropped} rows with missing values dropped")
        return lines

    def describe(self) -> str:
        roles = self.binding.describe()
        return f"{self.input}: {self.rows} rows, task {self.task.describe()}" + (f"; {roles}" if roles else "")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value
