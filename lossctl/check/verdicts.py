"""The verdict of every check on every one of its inputs, each input read once.

Checks are grouped by input file and input options (columns, nan policy, ...): each group is
one pass of ``lossctl.engine.evaluate`` over the file for all the losses of its checks.
Baselines are read before any input, so that a missing baseline fails before a long pass.
"""

from __future__ import annotations

import json
from typing import Any

from lossctl.check.checks import Check
from lossctl.check.significance import paired_regression, stored_regression
from lossctl.engine.evaluate import evaluate
from lossctl.engine.request import Request
from lossctl.engine.results import Evaluation
from lossctl.errors import InputError, UsageError
from lossctl.losses import LossError
from lossctl.options.request import build_request
from lossctl.output.document import Baseline
from lossctl.output.gate import Outcome

Options = tuple[tuple[str, Any], ...]
INTERVAL_LEVEL = 0.95
"""The level of the intervals a significance test is computed from (the test's own level is
the check's ``significance``; the standard errors do not depend on this one)."""


def request(path: str | None, losses: list[str], options: dict[str, Any], paired: bool = False) -> Request:
    """The engine request of ``losses`` on ``path`` with the input options of a
    configuration (``y_true``, ``nan``, ...; absent keys take compute's defaults);
    ``paired``: tested row by row against a baseline predictions file."""
    values = dict(options)
    if "storage_options" in values:
        values["storage_options"] = json.loads(values["storage_options"])
    return build_request(path, losses, paired=paired, **values)


Group = tuple[str | None, Options]
"""An input and its options: what one pass of the engine reads."""


def _plan(checks: list[Check], files: list[str], options: dict[str, Any]) -> dict[Group, list[tuple[int, int]]]:
    """Each group -> the (check index, input index) pairs it serves. A check's inputs are its
    own files, else ``files``; its options are ``options`` updated with its own."""
    groups: dict[Group, list[tuple[int, int]]] = {}
    for c, check in enumerate(checks):
        merged = {**options, **dict(check.options)}
        inputs: list[str | None] = list(check.files or files)
        if not inputs:
            if "model_weights" not in merged:
                raise UsageError(f"{check.name}: no input file; give FILE, or files = [...] in the configuration")
            inputs = [None]  # a regularization loss over the model's weights alone
        for i, path in enumerate(inputs):
            groups.setdefault((path, tuple(sorted(merged.items()))), []).append((c, i))
    return groups


def files_read(checks: list[Check], files: list[str], options: dict[str, Any]) -> list[str]:
    """Every file the checks read: inputs, labels, model weights, baselines (none of which a
    report may overwrite)."""
    read = [b for c in checks for b in (c.baseline, c.baseline_file) if b is not None]
    for path, opts in _plan(checks, files, options):
        found = dict(opts)
        read += [p for p in (path, found.get("labels"), found.get("model_weights")) if p is not None]
    return list(dict.fromkeys(read))


def verdicts(checks: list[Check], files: list[str], options: dict[str, Any]) -> tuple[list[Outcome], list, list[str]]:
    """The outcome of each check on each of its inputs, ordered by check then input; the
    evaluations they were judged on (one per pass); and the warnings of the evaluations."""
    baselines = {c.baseline: Baseline.load(c.baseline) for c in checks if c.baseline is not None}
    outcomes: dict[tuple[int, int], Outcome] = {}
    warnings: list[str] = []
    evaluations = []
    for (path, opts), members in _plan(checks, files, options).items():
        losses = list(dict.fromkeys(checks[c].loss for c, _ in members))
        tested = any(checks[c].significance is not None for c, _ in members)
        values = {"ci": INTERVAL_LEVEL, **dict(opts)} if tested else dict(opts)
        paired = any(checks[c].significance is not None and checks[c].baseline_file for c, _ in members)
        evaluation, notes = evaluate(request(path, losses, values, paired))
        evaluations.append(evaluation)
        warnings += notes + evaluation.warnings()
        scored = {}  # each baseline predictions file, evaluated once for this group
        for c, i in members:
            check = checks[c]
            result = evaluation.results[losses.index(check.loss)]
            baseline, regression = None, None
            if check.baseline_file is not None:
                if check.baseline_file not in scored:
                    scored[check.baseline_file], notes = evaluate(request(check.baseline_file, losses, values, paired))
                    warnings += notes
                    _same_rows(scored[check.baseline_file], evaluation, check.baseline_file)
                reference = scored[check.baseline_file].results[losses.index(check.loss)]
                baseline = reference.value
                if check.significance is not None:
                    try:
                        regression = paired_regression(
                            reference.state, result.state, check.significance, result.loss.higher_is_better
                        )
                    except LossError as exc:
                        raise InputError(f"{check.name}: {exc}", file=evaluation.input) from None
            elif check.baseline is not None:
                stored = baselines[check.baseline]
                baseline = stored.value(result.label, evaluation.input)
                if check.significance is not None:
                    if result.ci is None:
                        raise InputError(
                            f"{check.name}: no interval for {result.label} to test against the baseline "
                            "(see the warning above)",
                            file=evaluation.input,
                        )
                    interval = stored.interval(result.label, evaluation.input)
                    regression = stored_regression(
                        result.value, result.ci, baseline, interval, check.significance, result.loss.higher_is_better
                    )
            outcomes[c, i] = check.judge(result, evaluation.input, baseline, regression)
    return [outcomes[key] for key in sorted(outcomes)], evaluations, warnings


def _same_rows(baseline: Evaluation, evaluation: Evaluation, file: str) -> None:
    """An error unless the baseline predictions were scored on the rows of ``evaluation``, in
    the same order (as many rows, and, where intervals took them, the same labels' fingerprint)."""
    if baseline.rows != evaluation.rows:
        why = f"{baseline.rows} rows, but {evaluation.input} has {evaluation.rows}"
    elif None not in (baseline.labels, evaluation.labels) and baseline.labels != evaluation.labels:
        why = f"its labels differ from those of the same rows of {evaluation.input}"
    else:
        return
    raise InputError(f"{why}: a baseline predictions file holds the same rows, in the same order", file=file)
