"""Option bundles shared by the commands, as decorators (one place for each option's name,
type and help)."""

from __future__ import annotations

import click

from lossctl.engine.kinds import FILE_KINDS
from lossctl.report.render import FORMATS

# (option, parameter name, help) of the loss parameters that have their own option.
PARAMETER_OPTIONS = (
    ("--delta", "delta", "Huber delta."),
    ("--beta", "beta", "Smooth-L1 beta."),
    ("--quantile", "quantile", "Quantile of the pinball loss."),
    ("--gamma", "gamma", "Focal gamma."),
    ("--alpha", "alpha", "Focal alpha (weight of positives)."),
    ("--margin", "margin", "Margin of contrastive and triplet losses."),
    ("--eps", "eps", "Probabilities are clipped to [eps, 1-eps]."),
    ("--pos-weight", "pos_weight", "BCE weight of the positive term."),
    ("--label-smoothing", "label_smoothing", "Label smoothing of (binary) cross-entropy."),
    ("--lambda", "lambda_", "Strength of l1 / l2 regularization."),
)


def _compose(*decorators):
    def apply(f):
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


def parameter_options(f):
    """--delta, --gamma, ... and --from-logits."""
    options = [click.option(flag, name, type=float, default=None, help=text) for flag, name, text in PARAMETER_OPTIONS]
    options.append(click.option("--from-logits", is_flag=True, help="Predictions are logits, not probabilities."))
    return _compose(*options)(f)


def pop_parameters(kwargs: dict) -> dict:
    """Remove the loss-parameter options from a command's keyword arguments; return the ones
    given (``lambda_`` stands for ``lambda``)."""
    given = {}
    for _, name, _ in PARAMETER_OPTIONS:
        value = kwargs.pop(name)
        if value is not None:
            given[name] = value
    return given


input_options = _compose(
    click.option("--y-true", help="Column of the labels (a name, or a glob such as 'target_*')."),
    click.option("--y-pred", help="Column of the predictions (a name, or a glob such as 'logit_*')."),
    click.option("--weight", "weight_col", help="Column of per-sample weights."),
    click.option("--group-by", help="Report one value per distinct value of this column."),
    click.option("--on", help="Join the prediction file and the labels file on this key column."),
    click.option(
        "--model-weights",
        type=click.Path(dir_okay=False),
        help="Model parameters (.npy, .npz, CSV, Parquet) for l1, l2, elastic-net.",
    ),
    click.option(
        "--task",
        type=click.Choice(FILE_KINDS),
        help="Say what the file holds instead of detecting it.",
    ),
    click.option(
        "--nan",
        type=click.Choice(["error", "drop", "propagate"]),
        default="error",
        show_default=True,
        help="What a missing value (NaN, empty cell) does.",
    ),
    click.option(
        "--input-format",
        type=click.Choice(["csv", "tsv", "parquet", "feather", "jsonl", "npy", "npz"]),
        help="Format of the inputs (default: from the extension, else the content).",
    ),
    click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of CSV/TSV/JSONL inputs."),
)

engine_options = _compose(
    click.option(
        "--engine",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help="Compute in this process, or on a Dask cluster (pip install 'lossctl[dask]').",
    ),
    click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="With --engine dask: the scheduler (tcp://host:8786); default: a local cluster of this machine's cores.",
    ),
)

output_options = _compose(
    click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format."
    ),
    click.option(
        "--precision",
        type=click.IntRange(1, 17),
        default=6,
        show_default=True,
        help="Significant digits shown in tables.",
    ),
    click.option(
        "--worst", type=click.IntRange(0), default=0, help="Also list the K rows with the largest per-sample loss."
    ),
    click.option(
        "--per-sample", type=click.Path(dir_okay=False), help="Write per-sample losses to this .csv or .parquet file."
    ),
    click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        help="Write the result to this file (atomically) instead of stdout.",
    ),
    click.option("--no-progress", is_flag=True, help="No progress bar on stderr."),
)
