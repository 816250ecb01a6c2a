"""``lossctl compare``: several losses, or several models, side by side."""

from __future__ import annotations

import click

from lossctl.cli.completion import complete_files
from lossctl.cli.evaluation import compute_and_emit
from lossctl.cli.options import (
    LevelCommand,
    engine_options,
    fitting_losses_option,
    input_options,
    interval_options,
    labels_option,
    output_options,
    parameter_options,
    reference_option,
)


@click.command(
    cls=LevelCommand,
    epilog="""\b
Examples:
  lossctl compare preds.csv                        # every loss that fits
  lossctl compare -l mse -l mae -l huber:delta=2 preds.csv
  lossctl compare model_a.csv model_b.csv          # a row per model, best in bold
  lossctl compare --group-by region binary.parquet""",
)
@fitting_losses_option
@labels_option
@reference_option
@click.argument("files", nargs=-1, shell_complete=complete_files)
@parameter_options
@input_options
@engine_options
@interval_options
@output_options
def compare(losses: tuple[str, ...], labels: str | None, files: tuple[str, ...], **kwargs) -> None:
    """Compare losses on FILES side by side.

    One file: a row per loss. Several files (models) against the same labels: a row per
    model, a column per loss, the best value of each column in bold. Options such as --delta
    apply to every compared loss that takes them. With --ci, each model is also compared with
    the reference row by row (B - A, its interval, a Holm-adjusted p-value and a verdict), and
    a best value is marked only where it is significantly lower than every other.
    """
    if not files and not kwargs.get("model_weights"):
        raise click.UsageError("give at least one FILE")
    compute_and_emit(list(losses), list(files), labels, strict=False, kwargs=kwargs)
