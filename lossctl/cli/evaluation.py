"""The body that ``compute`` and ``compare`` share: options -> requests -> evaluations ->
rendered output."""

from __future__ import annotations

from contextlib import ExitStack

from lossctl.cli.options import pop_parameters
from lossctl.cli.output import emit_results
from lossctl.cli.progress import ProgressBar


def run(losses: list[str], files: list[str], labels: str | None, strict: bool, kwargs: dict) -> None:
    """Evaluate ``losses`` on each prediction file (joined with ``labels`` when given) and
    print the result in the chosen format. ``strict``: every parameter option must fit every
    loss (``compute``); otherwise each goes to the losses that take it (``compare``)."""
    from lossctl.engine.binding import ColumnChoice
    from lossctl.engine.run import Request, evaluate
    from lossctl.errors import UsageError
    from lossctl.report.per_sample import PerSampleWriter

    overrides = pop_parameters(kwargs)
    fmt, precision, output = kwargs.pop("fmt"), kwargs.pop("precision"), kwargs.pop("output")
    per_sample_target = kwargs.pop("per_sample")
    inputs = [*files, labels, kwargs["model_weights"]]
    if per_sample_target and len(files) > 1:
        raise UsageError("--per-sample writes one file: give one prediction file")

    evaluations, warnings = [], []
    with ExitStack() as stack:
        writer = stack.enter_context(PerSampleWriter(per_sample_target, inputs)) if per_sample_target else None
        progress = stack.enter_context(ProgressBar()) if ProgressBar.wanted(kwargs["no_progress"]) else None
        for path in files or [None]:
            request = Request(
                path=path,
                losses=losses,
                labels=labels,
                on=kwargs["on"],
                overrides=overrides,
                strict_parameters=strict,
                from_logits=kwargs["from_logits"],
                task=kwargs["task"],
                columns=ColumnChoice(kwargs["y_true"], kwargs["y_pred"], kwargs["weight_col"]),
                group_by=kwargs["group_by"],
                model_weights=kwargs["model_weights"],
                nan=kwargs["nan"],
                worst=kwargs["worst"],
                per_sample=writer,
                progress=progress,
                input_format=kwargs["input_format"],
                encoding=kwargs["encoding"],
            )
            evaluation, notes = evaluate(request)
            evaluations.append(evaluation)
            warnings += notes + evaluation.warnings()
    emit_results(evaluations, warnings, fmt=fmt, precision=precision, output=output, inputs=inputs)
