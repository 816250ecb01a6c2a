"""Which columns of a file fill which input roles of the losses.

Roles are found from column names (``lossctl.io.detect_roles``) and may always be named by
``--y-true``/``--y-pred`` (a column, or a glob such as ``logit_*`` for a class matrix) and
``--weight``. The layout depends on the losses: scalar labels and predictions (regression,
binary, critic), a class matrix (multiclass), a label and a distance (contrastive), two
distances or three embedding matrices (triplet): the layouts of ``lossctl.engine.task``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lossctl.engine.classes import ClassLabels
from lossctl.engine.request import ColumnChoice
from lossctl.engine.task import (
    FORECAST_LAYOUT,
    FORECAST_OPTIONS,
    FORECAST_ROLES,
    MATRIX,
    NONE,
    PAIR_LAYOUT,
    SCALAR,
    TRIPLET_LAYOUT,
    pair_inputs,
)
from lossctl.errors import InputError, UsageError
from lossctl.io import detect_roles, is_glob, is_logit, quantile_level, select_columns


@dataclass
class Binding:
    """Role -> columns (one column for a vector role, several for a matrix role)."""

    columns: dict[str, list[str]] = field(default_factory=dict)
    logit_names: bool = False
    quantile_levels: tuple[float, ...] | None = None  # of quantile columns named q_0.1, q_0.5, ...
    multi_output: bool = False  # several target columns, each with its prediction column
    classes: ClassLabels | None = None  # a label column of text: its classes
    shown: list[str] = field(default_factory=list)  # shown beside worst rows and per-sample values

    def needed(self) -> list[str]:
        """Every column to read, each once, in role order."""
        seen: dict[str, None] = {}
        for cols in self.columns.values():
            for c in cols:
                seen.setdefault(c)
        return list(seen)

    def show_inputs(self, key: str | None) -> None:
        """Show the row's ``key`` column (when there is one), then each single-column role's
        column (the label, the prediction, ...; not the weight), beside its losses."""
        scalar = [cols[0] for role, cols in self.columns.items() if len(cols) == 1 and role != "sample_weight"]
        self.shown = list(dict.fromkeys(([key] if key else []) + scalar))

    def column_of(self, role: str) -> str | None:
        """The column (or, for a matrix, the group) a role was read from, for messages."""
        cols = self.columns.get(role)
        if not cols:
            return None
        return cols[0] if len(cols) == 1 else f"{cols[0]}..{cols[-1]}"

    def describe(self) -> str:
        roles = ", ".join(f"{role}={self.column_of(role)}" for role in self.columns)
        return f"{roles}; {self.classes.describe()}" if self.classes is not None else roles

    def outputs(self) -> tuple[str, ...] | None:
        """The target columns of a multi-output regression (several, each with its prediction
        column, in the same order); None for one target, or a class matrix."""
        return tuple(self.columns["y_true"]) if self.multi_output else None


_FORECAST_LABELS = {
    "y_pred": "mean (y_pred)",
    "lower": "lower end of the interval",
    "upper": "upper end of the interval",
    "scale": "standard deviation",
    "variance": "variance",
    "members": "ensemble members",
    "quantiles": "quantile forecasts",
}


def forecast_hint(role: str) -> tuple[str, str]:
    """What a forecast role holds, in words, and the option that names its column."""
    return _FORECAST_LABELS[role], "--" + {**FORECAST_OPTIONS, "y_pred": "y-pred"}[role]


def _pair_columns(roles: dict, choice: ColumnChoice, columns: list[str], file: str) -> dict[str, list[str]]:
    """The columns of a pair's two inputs (two scores, or two embeddings' groups): named with
    --x1 and --x2 (both), else found by name; empty when there are none."""
    if choice.x1 is not None or choice.x2 is not None:
        if choice.x1 is None or choice.x2 is None:
            raise UsageError("--x1 and --x2 name a pair's two inputs: give both")
        first, second = (select_columns(columns, named, file=file) for named in (choice.x1, choice.x2))
        scores = len(first) == len(second) == 1
        return {"x1": first, "x2": second} if scores else {"embedding1": first, "embedding2": second}
    return {role: list(match.columns) for role, match in pair_inputs(roles).items()}


def bind(file: str, columns: list[str], layout: str, choice: ColumnChoice, *, queries: bool = False) -> Binding:
    """The binding of ``columns`` for a loss ``layout``; an error naming the file when a role
    cannot be filled, or is ambiguous. ``queries``: the losses rank lists, which a single
    column's layout holds as rows grouped by a query column."""
    roles = detect_roles(columns)
    binding = Binding()
    if layout == NONE:
        return binding

    def pick(role: str, override: str | None, *, matrix: bool = False, label: str, flag: str) -> list[str] | None:
        if override is not None:
            chosen = select_columns(columns, override, file=file)
            if not matrix and len(chosen) > 1:
                raise UsageError(f"{flag} {override!r} matches {len(chosen)} columns; this loss needs one")
            return chosen
        match = roles.get(role)
        if match is None:
            return None
        if not matrix and len(match.candidates) > 1:
            shown = ", ".join(match.candidates)
            raise InputError(f"columns {shown} could each be the {label}", file=file, hint=f"choose one with {flag}")
        return list(match.columns)

    def need(role: str, cols: list[str] | None, label: str, flag: str) -> None:
        if not cols:
            raise InputError(
                f"no column for the {label}; columns are {', '.join(columns)}", file=file, hint=f"name it with {flag}"
            )
        binding.columns[role] = cols

    if layout == TRIPLET_LAYOUT:
        if "anchor" in roles and "d_ap" not in roles:
            for role in ("anchor", "positive", "negative"):
                need(role, pick(role, None, matrix=True, label=f"{role} embedding", flag="--y-pred"), role, "--y-pred")
        else:
            need(
                "d_ap",
                pick("d_ap", choice.y_true, label="anchor-positive distance", flag="--y-true"),
                "anchor-positive distance (d_ap)",
                "--y-true",
            )
            need(
                "d_an",
                pick("d_an", choice.y_pred, label="anchor-negative distance", flag="--y-pred"),
                "anchor-negative distance (d_an)",
                "--y-pred",
            )
    elif layout == FORECAST_LAYOUT:
        need("y_true", pick("y_true", choice.y_true, label="label", flag="--y-true"), "targets (y_true)", "--y-true")
        named = dict(choice.forecast, y_pred=choice.y_pred)
        for role in FORECAST_ROLES:
            label, flag = forecast_hint(role)
            cols = pick(role, named.get(role), matrix=role in ("members", "quantiles"), label=label, flag=flag)
            if cols:
                binding.columns[role] = cols
        levels = [quantile_level(column) for column in binding.columns.get("quantiles", [])]
        if levels and None not in levels:
            binding.quantile_levels = tuple(levels)
    elif layout == MATRIX:
        y_pred = pick("matrix", choice.y_pred, matrix=True, label="class matrix", flag="--y-pred")
        need("y_pred", y_pred, "class probabilities or logits (e.g. prob_0..prob_9)", "--y-pred 'prob_*'")
        if choice.y_true is not None and is_glob(choice.y_true):
            y_true = select_columns(columns, choice.y_true, file=file)
        else:
            y_true = pick("y_true", choice.y_true, label="label", flag="--y-true") or pick(
                "target_matrix", None, matrix=True, label="target matrix", flag="--y-true"
            )
        need("y_true", y_true, "labels", "--y-true")
    elif layout == SCALAR and (outputs := _outputs(columns, choice, file)):
        binding.columns["y_true"], binding.columns["y_pred"] = outputs
        binding.multi_output = True
    else:
        need("y_true", pick("y_true", choice.y_true, label="label", flag="--y-true"), "labels (y_true)", "--y-true")
        pair = _pair_columns(roles, choice, columns, file) if layout == PAIR_LAYOUT else {}
        binding.columns.update(pair)
        if not pair or "distance" in roles or choice.y_pred is not None:
            pred_role = "distance" if layout == PAIR_LAYOUT and "distance" in roles else "y_pred"
            need(
                "y_pred",
                pick(pred_role, choice.y_pred, label="prediction", flag="--y-pred"),
                "distance" if layout == PAIR_LAYOUT else "predictions (y_pred)",
                "--y-pred",
            )
            if binding.columns["y_true"] == binding.columns["y_pred"]:
                raise UsageError(f"y_true and y_pred are the same column {binding.columns['y_true'][0]!r}")
    weight = pick("weight", choice.weight, label="sample weight", flag="--weight")
    if weight:
        binding.columns["sample_weight"] = weight
    if queries and layout == SCALAR:
        query = pick("query", choice.query, label="query id", flag="--query")
        if not query:
            raise InputError(
                "no query column: ranking lists are rows grouped by a query id, or a list per row",
                file=file,
                hint="name the query column with --query, or give lists as --y-true 'rel_*' --y-pred 'score_*'",
            )
        binding.columns["query"] = query
    if layout == SCALAR:  # the own weights of two samples
        for role, named in (("u_weights", choice.u_weights), ("v_weights", choice.v_weights)):
            cols = pick(role, named, label=f"{role} of a sample", flag=f"--{role.replace('_', '-')}")
            if cols:
                binding.columns[role] = cols
    # One rule, whether the predictions were found or named: a column (or group) named
    # logit... holds logits.
    predictions = binding.columns.get("y_pred")
    binding.logit_names = bool(predictions) and is_logit(predictions[0])
    return binding


def _outputs(columns: list[str], choice: ColumnChoice, file: str) -> tuple[list[str], list[str]] | None:
    """The target and prediction columns of a multi-output regression: ``--y-true`` and
    ``--y-pred`` each matching several columns, as many of each, paired in the file's order."""
    if choice.y_true is None or choice.y_pred is None:
        return None
    targets = select_columns(columns, choice.y_true, file=file)
    predictions = select_columns(columns, choice.y_pred, file=file)
    if len(targets) == 1 and len(predictions) == 1:
        return None
    if len(targets) != len(predictions):
        raise UsageError(
            f"--y-true {choice.y_true!r} matches {len(targets)} columns and --y-pred {choice.y_pred!r} "
            f"{len(predictions)}: a multi-output regression pairs as many targets as predictions"
        )
    if set(targets) & set(predictions):
        raise UsageError(f"column {sorted(set(targets) & set(predictions))[0]!r} is both a target and a prediction")
    return targets, predictions
