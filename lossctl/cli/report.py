"""``lossctl report``: one self-contained HTML page (the comparison table, the loss curves,
the per-sample distributions and the worst samples) for a CI job to publish."""

from __future__ import annotations

import click

from lossctl.cli.options import (
    drawing_parameter_options,
    fitting_losses_option,
    input_options,
    labels_option,
    no_progress_option,
    precision_option,
)
from lossctl.cli.output import write_result
from lossctl.cli.plot import evaluate_collecting, range_option


@click.command(
    epilog="""\b
Examples:
  lossctl report sample_data/preds.csv -o report.html
  lossctl report -l mse -l mae -l huber model_a.csv model_b.csv -o report.html
  lossctl report --group-by group sample_data/binary.csv -o report.html"""
)
@click.argument("files", nargs=-1, required=True)
@fitting_losses_option
@labels_option
@drawing_parameter_options
@input_options
@precision_option
@click.option(
    "--worst", type=click.IntRange(1, 1000), default=10, show_default=True, help="Worst rows listed per loss."
)
@click.option("--bins", type=click.IntRange(1, 1000), default=40, show_default=True, help="Histogram bins.")
@range_option
@click.option("--title", default="lossctl report", show_default=True, help="Title of the page.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the page to this file (atomically), not stdout."
)
@no_progress_option
def report(
    files: tuple[str, ...],
    losses: tuple[str, ...],
    labels: str | None,
    precision: int,
    worst: int,
    bins: int,
    span: float,
    title: str,
    output: str | None,
    **kwargs,
) -> None:
    """Write an HTML report on FILES: the table of compare (same losses, same options; a
    classifier's with its ece), the curves of the losses, the distribution of their per-sample
    values, the worst rows, and the reliability diagram of each calibration score. When the
    first two files are models scored on the same labels: how the second differs from the
    first (lossctl diff's paired changes, per --group-by slice too), and where they swap rank
    along Huber's delta (a regression) or focal's gamma (a classifier), as lossctl sweep.

    The page is one file that needs no network to view (inline CSS, figures as inline SVG,
    no scripts). Each value of the table carries its full precision in a data-value
    attribute; losses that are the same number on every input are shown once, with a note.
    While the figures are drawn, a progress bar on stderr (on a terminal, unless
    --no-progress).
    """
    from lossctl.atomic import check_output
    from lossctl.cli.progress import ProgressBar
    from lossctl.cli.report_models import model_sections
    from lossctl.plot.html_report import ReportOptions, build_report

    inputs = [*files, labels, kwargs["model_weights"]]
    if output is not None:
        check_output(output, inputs)
    evaluations, collectors, warnings = evaluate_collecting(list(losses), list(files), labels, kwargs, calibration=True)
    more = model_sections(evaluations, list(files), list(losses), labels, kwargs, precision)
    options = ReportOptions(title=title, precision=precision, worst=worst, bins=bins, span=span)
    with ProgressBar() as bar:
        progress = (
            (lambda done, total: bar("drawing the report", (done, total, "steps")))
            if ProgressBar.wanted(kwargs["no_progress"])
            else None
        )
        html = build_report(evaluations, collectors, warnings, options, more=more, progress=progress)
    write_result(html, output, inputs)
