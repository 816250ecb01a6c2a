"""The body that ``compute``, ``compare``, ``plot samples`` and ``report`` share: options ->
one request per prediction file -> evaluations."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from lossctl.cli.options import evaluation_values
from lossctl.cli.output import emit_results, note
from lossctl.cli.progress import ProgressBar


def evaluate_files(
    losses: list[str],
    files: list[str],
    labels: str | None,
    kwargs: dict,
    *,
    strict: bool,
    worst: int = 0,
    sink: Callable[[str | None], object] | None = None,
    calibration: bool = False,
) -> tuple[list, list[str]]:
    """Evaluate ``losses`` (none: every loss that fits) on each file, joined with ``labels``
    when given; ``sink(path)`` gives each file's per-sample sink; ``calibration`` adds ece to a
    classifier's default losses (the report's reliability diagram). ``strict``: every parameter
    option must fit every loss (``compute``); otherwise each goes to the losses that take it.
    Returns the evaluations and the warnings."""
    from lossctl.engine.evaluate import evaluate
    from lossctl.options.request import build_request

    values = {**evaluation_values(kwargs), "labels": labels}
    evaluations, warnings = [], []
    with ExitStack() as stack:
        progress = stack.enter_context(ProgressBar()) if ProgressBar.wanted(kwargs["no_progress"]) else None
        for path in files or [None]:
            request = build_request(
                path,
                losses,
                strict=strict,
                worst=worst,
                per_sample=sink(path) if sink else None,
                progress=progress,
                calibration=calibration,
                paired=not strict and len(files) > 1,  # compare of models: each against the reference
                **values,
            )
            evaluation, notes = evaluate(request)
            evaluations.append(evaluation)
            warnings += notes + evaluation.warnings()
    return evaluations, warnings


def compute_and_emit(losses: list[str], files: list[str], labels: str | None, strict: bool, kwargs: dict) -> None:
    """``compute`` and ``compare``: evaluate, then print the result in the chosen format."""
    from lossctl.errors import UsageError

    per_sample_target = kwargs["per_sample"]
    inputs = [*files, labels, kwargs["model_weights"]]
    if per_sample_target and len(files) > 1:
        raise UsageError("--per-sample writes one file: give one prediction file")
    if kwargs["output"]:
        from lossctl.atomic import check_output

        check_output(kwargs["output"], inputs)  # before the evaluation, not after it
    with ExitStack() as stack:
        writer = None
        if per_sample_target:
            from lossctl.output.per_sample import PerSampleWriter

            writer = stack.enter_context(PerSampleWriter(per_sample_target, inputs))
        evaluations, warnings = evaluate_files(
            losses,
            files,
            labels,
            kwargs,
            strict=strict,
            worst=kwargs["worst"],
            sink=(lambda _: writer) if writer else None,
        )
    paired = skills = None
    if not strict and kwargs.get("ci") is not None and len(evaluations) > 1:
        paired = _paired(evaluations, files, kwargs, warnings)
    if not strict and kwargs.get("reference") and len(evaluations) > 1:
        from lossctl.engine.comparison import skill_against

        skills, notes = skill_against(evaluations, _reference(files, kwargs))
        warnings += notes
    emit_results(
        evaluations,
        warnings,
        fmt=kwargs["fmt"],
        precision=kwargs["precision"],
        output=kwargs["output"],
        inputs=inputs,
        paired=paired,
        skills=skills,
    )
    if not losses:  # the defaults: say last what they leave out, once per task
        from lossctl.engine.task import left_out

        for line in dict.fromkeys(left_out(e.task) for e in evaluations):
            if line:
                note(line)


def _reference(files: list[str], kwargs: dict) -> int:
    """The index of the reference model: ``--reference``, else the first file."""
    from lossctl.errors import UsageError

    reference = kwargs.get("reference") or files[0]
    if reference not in files:
        raise UsageError(f"--reference {reference} is not one of the files compared", hint=", ".join(files))
    return files.index(reference)


def _paired(evaluations: list, files: list[str], kwargs: dict, warnings: list[str]) -> tuple[list, dict[str, bool]]:
    """``compare --ci`` of models: each against the reference (``--reference``, else the
    first file), and whether each loss's best is significantly best."""
    from lossctl.engine.comparison import against_reference, significantly_best
    from lossctl.options.request import interval_choice

    ci = interval_choice(evaluation_values(kwargs))
    comparisons, notes = against_reference(evaluations, _reference(files, kwargs), ci)
    warnings += notes
    return comparisons, significantly_best(evaluations, ci)
