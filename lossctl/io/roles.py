"""Column roles: which columns hold the labels, the predictions, the weights, ...

Found from common names, ignoring case and the differences between `-`, `_` and spaces
(`y_true`, `Y-True` and `ytrue` are one name). Nothing here reads data.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import NamedTuple

from lossctl.io.columns import matrix_order, unknown_column

SCALAR_ROLES: dict[str, tuple[str, ...]] = {
    "y_true": (
        "y_true", "target", "label", "labels", "actual", "truth", "y", "true", "ground_truth",
        "targets", "y_label", "true_label", "gt", "actuals", "observed", "relevance",
    ),
    "y_pred": (
        "y_pred", "pred", "prediction", "predictions", "predicted", "preds", "yhat", "y_hat",
        "score", "y_score", "prob", "proba", "y_prob", "y_proba", "pred_prob", "pred_proba",
        "probability", "probabilities", "logit", "output", "mean", "mu", "loc",
    ),
    "weight": ("weight", "sample_weight", "weights", "w"),
    "u_weights": ("u_weights", "u_weight"),
    "query": ("query", "qid", "query_id", "group"),
    "v_weights": ("v_weights", "v_weight"),
    "x1": ("x1", "input1", "score1"),
    "x2": ("x2", "input2", "score2"),
    "distance": ("distance", "dist", "d"),
    "d_ap": ("d_ap", "dist_ap", "d_pos", "pos_dist"),
    "d_an": ("d_an", "dist_an", "d_neg", "neg_dist"),
    "lower": ("lower", "y_lower", "lower_bound", "pred_lower", "lo", "low"),
    "upper": ("upper", "y_upper", "upper_bound", "pred_upper", "hi", "high"),
    "scale": ("std", "sigma", "stddev", "sd", "y_std", "pred_std", "scale"),
    "variance": ("variance", "var", "y_var", "pred_var", "sigma2"),
}  # fmt: skip
"""Single-column roles and their names, the preferred name first."""

GROUP_ROLES: dict[str, tuple[str, ...]] = {
    "matrix": ("prob", "p", "proba", "y_prob", "y_proba", "pred_proba", "probability", "logit", "logits", "score"),
    "target_matrix": ("target", "y_true", "label"),
    "anchor": ("anchor",),
    "positive": ("positive",),
    "negative": ("negative",),
    "members": ("member", "members", "ensemble", "ens", "sample", "draw"),
    "quantiles": ("q", "quantile"),
    "embedding1": ("x1", "input1", "emb1", "embedding1"),
    "embedding2": ("x2", "input2", "emb2", "embedding2"),
}
"""Multi-column roles and their column prefixes: `prob_0`, `prob_1`, ... or `p_cat`, `p_dog`."""


class RoleMatch(NamedTuple):
    """The columns found for one role.

    `columns` is the choice: one column for a scalar role, several in class order for a
    matrix. `candidates` is everything that could fill the role, the choice first: column
    names for a scalar role, glob patterns such as `logit_*` for a matrix role (each usable
    with `select_columns`). More than one candidate means the choice was a guess.
    """

    role: str
    columns: list[str]
    candidates: list[str]


def detect_roles(columns: list[str]) -> dict[str, RoleMatch]:
    """The roles that some of `columns` can fill, by role name (roles not found are absent).

    A scalar role takes the column with its preferred name (`y_pred` over `score`), ties
    going to the column met first. A matrix role needs at least two columns sharing a prefix;
    among several such groups, the one met first in the file is chosen.
    """
    roles = {}
    for role, names in SCALAR_ROLES.items():
        match = _scalar_match(role, names, columns)
        if match is not None:
            roles[role] = match
    for role, prefixes in GROUP_ROLES.items():
        match = _group_match(role, prefixes, columns)
        if match is not None:
            roles[role] = match
    return roles


def is_glob(pattern: str) -> bool:
    """Whether a column choice is a glob (`logit_*`) rather than one column's name."""
    return any(ch in pattern for ch in "*?[")


def quantile_level(name: str) -> float | None:
    """The level a quantile column's name says: ``q_0.1`` 0.1, ``q_10`` (a percent) 0.1;
    ``None`` when the name is not ``q`` or ``quantile``, a separator and a plain number, or the
    number is no level in (0, 1) (``q_1e-3``, ``q_v2``: the levels are then given)."""
    match = re.fullmatch(r"(?:q|quantile)[-_ ]?(\d*\.\d+|\d+)", name.strip(), re.IGNORECASE)
    if match is None:
        return None
    text = match[1]
    level = float(text) if "." in text else float(text) / 100.0
    return level if 0.0 < level < 1.0 else None


def class_names(columns: list[str]) -> list[str] | None:
    """The classes a class matrix's column names say, in column order: ``p_cat``, ``p_dog``
    give ``cat``, ``dog`` (the text after a matrix prefix such as ``prob_``, else after the
    columns' common prefix up to a separator). None when the names are numbers (``prob_0``)
    or say nothing."""
    pattern = _prefix_pattern(GROUP_ROLES["matrix"])
    matches = [pattern.match(column) for column in columns]
    if all(matches):
        names = [match["suffix"] for match in matches]
    else:
        common = re.match(r".*[-_ ]", _common_prefix(columns))
        names = [column[common.end() :] for column in columns] if common else []
    if len(set(names)) != len(columns) or any(not name or re.fullmatch(r"[\d.]+", name) for name in names):
        return None
    return names


def _common_prefix(names: list[str]) -> str:
    first, last = min(names), max(names)
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last)))
    return first[:size]


def is_logit(name: str) -> bool:
    """Whether a column or group name says it holds logits (`logit`, `logits_3`, ...)."""
    return name.lower().startswith("logit")


def select_columns(columns: list[str], pattern: str, *, file: str | None = None) -> list[str]:
    """The columns that `pattern` names: one column name, or a glob like `logit_*`.

    A glob's matches come in matrix order (by numeric suffix when all have one, else in file
    order). No match is an InputError suggesting the nearest column name.
    """
    if pattern in columns:
        return [pattern]
    matches = [column for column in columns if fnmatchcase(column, pattern)]
    if not matches:
        raise unknown_column(pattern, columns, file=file)
    return matrix_order(matches)


def _normalized(name: str) -> str:
    return re.sub(r"[-_ ]", "", name.lower())


def _scalar_match(role: str, names: tuple[str, ...], columns: list[str]) -> RoleMatch | None:
    rank = {_normalized(name): position for position, name in enumerate(names)}
    found = [column for column in columns if _normalized(column) in rank]
    if not found:
        return None
    found.sort(key=lambda column: rank[_normalized(column)])  # stable: ties keep file order
    return RoleMatch(role, [found[0]], found)


def _group_match(role: str, prefixes: tuple[str, ...], columns: list[str]) -> RoleMatch | None:
    """The groups of columns named `<prefix><separator><suffix>`, as one role match."""
    pattern = _prefix_pattern(prefixes)
    groups: dict[str, list[str]] = {}
    patterns: dict[str, str] = {}
    for column in columns:
        match = pattern.match(column)
        if match is not None:
            key = _normalized(match["prefix"])
            groups.setdefault(key, []).append(column)
            patterns.setdefault(key, column[: match.start("suffix")] + "*")
    groups = {key: group for key, group in groups.items() if len(group) >= 2}
    if not groups:
        return None
    chosen = next(iter(groups))
    return RoleMatch(role, matrix_order(groups[chosen]), [patterns[key] for key in groups])


def _prefix_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """`prefix`, then a separator or a digit, then the suffix; any of `prefixes`, any case.

    Separators inside a prefix may be written `-`, `_`, ` ` or left out (`y_true_0`,
    `ytrue-0`). A prefix must end at a separator or a digit: `pred` is not `p` + `red`.
    """
    spelled = ["[-_ ]?".join(map(re.escape, re.split(r"[-_ ]", prefix))) for prefix in prefixes]
    return re.compile(rf"^(?P<prefix>{'|'.join(spelled)})(?:[-_ ]|(?=\d))(?P<suffix>.+)$", re.IGNORECASE)
