"""The body that ``compute`` and ``compare`` share: options -> requests -> evaluations ->
rendered output."""

from __future__ import annotations

import sys

from lossctl.cli.options import pop_parameters
from lossctl.cli.output import emit_results


def run(losses: list[str], files: list[str], labels: str | None, strict: bool, kwargs: dict) -> None:
    """Evaluate ``losses`` on each prediction file (joined with ``labels`` when given) and
    print the result in the chosen format."""
    from lossctl.engine.binding import ColumnChoice
    from lossctl.engine.run import Request, evaluate
    from lossctl.report.per_sample import PerSampleWriter

    overrides = pop_parameters(kwargs)
    from_logits = kwargs.pop("from_logits")
    fmt, precision, output = kwargs.pop("fmt"), kwargs.pop("precision"), kwargs.pop("output")
    per_sample_target = kwargs.pop("per_sample")
    inputs = [*files, labels, kwargs.get("model_weights")]
    if per_sample_target and len(files) > 1:
        from lossctl.errors import UsageError

        raise UsageError("--per-sample writes one file: give one prediction file")
    writer = PerSampleWriter(per_sample_target, inputs) if per_sample_target else None

    evaluations, warnings = [], []
    for path in files or [None]:
        request = Request(
            path=path,
            losses=losses,
            labels=labels,
            on=kwargs["on"],
            overrides=overrides,
            strict_parameters=strict,
            from_logits=from_logits,
            task=kwargs["task"],
            columns=ColumnChoice(kwargs["y_true"], kwargs["y_pred"], kwargs["weight_col"]),
            group_by=kwargs["group_by"],
            model_weights=kwargs["model_weights"],
            nan=kwargs["nan"],
            worst=kwargs["worst"],
            per_sample=writer,
            input_format=kwargs["input_format"],
            encoding=kwargs["encoding"],
        )
        if writer is not None:
            with writer:
                evaluation, notes = evaluate(request)
        else:
            evaluation, notes = evaluate(request)
        evaluations.append(evaluation)
        warnings += notes + evaluation.warnings()
    emit_results(evaluations, warnings, fmt=fmt, precision=precision, output=output, inputs=inputs)
    sys.stdout.flush()
