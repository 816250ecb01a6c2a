"""``lossctl compute``: the losses named with ``--loss`` on a prediction file."""

from __future__ import annotations

import click

from lossctl.cli.completion import complete_files, complete_losses
from lossctl.cli.evaluation import compute_and_emit
from lossctl.cli.options import (
    LevelCommand,
    engine_options,
    input_options,
    interval_options,
    labels_option,
    output_options,
    parameter_options,
)


@click.command(
    cls=LevelCommand,
    epilog="""\b
Examples:
  lossctl compute --loss huber --delta 1.0 preds.csv
  lossctl compute --loss "focal:gamma=2" --from-logits scores.parquet
  lossctl compute --loss "bce + 1e-4*l2" --model-weights w.npy preds.csv
  lossctl compute --loss mse preds.csv --labels labels.csv --on id
  cat preds.csv | lossctl compute --loss mae -""",
)
@click.option(
    "--loss",
    "-l",
    "losses",
    shell_complete=complete_losses,
    multiple=True,
    required=True,
    help=(
        "A loss name, 'name:key=value,...' (a list as 'cross-entropy:class_weights=[1,2,0.5]'), or an "
        "expression such as 'bce + 0.5*focal' (repeatable)."
    ),
)
@labels_option
@click.argument("file", required=False, shell_complete=complete_files)
@click.argument("labels_file", required=False, shell_complete=complete_files)
@parameter_options
@input_options
@engine_options
@interval_options
@output_options
def compute(losses: tuple[str, ...], labels: str | None, file: str | None, labels_file: str | None, **kwargs) -> None:
    """Compute each --loss on FILE (predictions and labels), or on FILE joined with --labels.

    FILE is CSV, TSV, Parquet, Feather, JSON Lines, .npy or .npz (CSV and JSON Lines may be
    gzip/bz2/xz/zstd compressed); '-' reads stdin. Columns are found by name (y_true, target,
    label ... / y_pred, pred, prob, logit ...) or named with --y-true / --y-pred. A second
    file, LABELS_FILE, is a shorthand for --labels LABELS_FILE.
    """
    if labels and labels_file:
        from lossctl.errors import UsageError

        raise UsageError(f"labels given twice: --labels {labels} and LABELS_FILE {labels_file}; give one")
    compute_and_emit(list(losses), [file] if file else [], labels or labels_file, strict=True, kwargs=kwargs)
