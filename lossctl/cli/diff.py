"""``lossctl diff``: two models' predictions of the same labels, row by row and slice by slice."""

from __future__ import annotations

import click

from lossctl.cli.completion import complete_files
from lossctl.cli.options import (
    INPUT_KEYS,
    LevelCommand,
    declared_options,
    evaluation_values,
    fitting_losses_option,
    format_option,
    interval_options,
    output_file_option,
    parameter_options,
    precision_option,
)


@click.command(
    cls=LevelCommand,
    epilog="""\b
Examples:
  lossctl diff model_a.csv model_b.csv
  lossctl diff -l mse -l mae --top 5 model_a.csv model_b.csv
  lossctl diff --on id --group-by region main.parquet candidate.parquet
  lossctl diff --fail-on-regression -l bce main.csv candidate.csv     # exit 1 on a real regression""",
)
@click.argument("file_a", shell_complete=complete_files)
@click.argument("file_b", shell_complete=complete_files)
@fitting_losses_option
@click.option(
    "--top",
    type=click.IntRange(0),
    default=10,
    show_default=True,
    help="The N rows whose loss (the first one) changed most.",
)
@click.option(
    "--fail-on-regression",
    is_flag=True,
    help="Exit 1 when B is significantly worse than A on any loss (the verdict 'worse').",
)
@parameter_options
@declared_options(*(key for key in INPUT_KEYS if key != "model_weights"))
@interval_options
@format_option(("table", "json", "markdown"))
@precision_option
@output_file_option
def diff(
    file_a: str,
    file_b: str,
    losses: tuple[str, ...],
    top: int,
    fail_on_regression: bool,
    fmt: str,
    precision: int,
    output: str | None,
    **kwargs,
) -> None:
    """Compare model B (FILE_B) with model A (FILE_A) on the same labels, row by row.

    The rows are paired by position, or on a key column (--on ID). For each loss: A's value,
    B's, the change B - A with its interval (--ci, default 0.95), a two-sided p-value adjusted
    with Holm's method over the losses, and a verdict (better, worse, no difference). Then
    the --top rows whose per-sample loss (the first loss) changed most, and with --group-by
    the change on each slice, flagged (!) where a slice is significantly on the other side
    of the overall change.
    """
    from lossctl.cli.output import warn, write_result
    from lossctl.engine.diff import diff as run_diff
    from lossctl.options.declared import BY_KEY
    from lossctl.options.request import build_request
    from lossctl.output.diff import diff_grids, diff_json
    from lossctl.output.table import render_grids

    if file_a == file_b == "-":
        raise click.UsageError("standard input ('-') can be one of the two files, not both")
    if output:
        from lossctl.atomic import check_output

        check_output(output, [file_a, file_b])
    values = evaluation_values(kwargs)
    on = values.pop("on", None)
    if values.get("ci") is None:
        values["ci"] = BY_KEY["ci"].default
    requests = [build_request(path, losses, strict=False, **values) for path in (file_a, file_b)]
    result = run_diff(*requests, on=on, top=top)
    for message in result.warnings:
        warn(message)
    text = diff_json(result) if fmt == "json" else render_grids(diff_grids(result, precision), fmt)
    write_result(text, output, [file_a, file_b])
    if fail_on_regression and result.regression:
        click.get_current_context().exit(1)
