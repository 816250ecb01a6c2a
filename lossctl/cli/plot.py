"""``lossctl plot``: loss curves and per-sample distributions, drawn in the terminal with
Unicode characters, or written as PNG or SVG images with ``-o`` (``pip install
'lossctl[plot]'``)."""

from __future__ import annotations

import io
import shutil
import sys

import click

from lossctl.cli.completion import complete_files, complete_losses
from lossctl.cli.evaluation import evaluate_files
from lossctl.cli.groups import HelpGroup
from lossctl.cli.options import (
    compose,
    declared_options,
    drawing_parameter_options,
    input_options,
    no_progress_option,
    precision_option,
)
from lossctl.cli.output import note, warn

TERMINAL_HEIGHT = 20
MAX_TERMINAL_WIDTH = 100
CURVES_IMAGE_SIZE = (800, 500)
SAMPLES_IMAGE_WIDTH = 800
SAMPLES_IMAGE_ROW_HEIGHT = 260
RELIABILITY_IMAGE_SIZE = (640, 560)
CLASSIFIER_KEYS = ("y_true", "y_pred", "weight", "on", "task", "nan", "input_format", "encoding")
"""The input options of a classifier's file (no forecast columns, no group-by, no weights file)."""
MIN_IMAGE_SIDE = 100
MAX_RANGE = 1e300
"""The largest --range: an axis twice as wide stays a float with room for matplotlib's ticks
beyond its ends (at 8.9e307 they overflow); mse already overflows past 1.3e154."""


drawing_options = compose(
    click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        help="Write a .png or .svg image (needs lossctl[plot]) instead of drawing in the terminal.",
    ),
    click.option(
        "--width",
        type=click.IntRange(1, 10_000),
        help=f"Width: characters in the terminal (default: the terminal's, at most {MAX_TERMINAL_WIDTH}), "
        "pixels in an image.",
    ),
    click.option("--height", type=click.IntRange(1, 10_000), help="Height: rows of the plot, or pixels."),
    click.option("--title", default="", help="A title above the drawing."),
)


def terminal_width(width: int | None) -> int:
    return width or min(shutil.get_terminal_size().columns, MAX_TERMINAL_WIDTH)


def image_size(width: int | None, height: int | None, default: tuple[int, int]) -> tuple[int, int]:
    """The image size in pixels: the given sides, the others from ``default``."""
    from lossctl.errors import UsageError

    size = (width or default[0], height or default[1])
    if min(size) < MIN_IMAGE_SIDE:
        raise UsageError(f"an image is at least {MIN_IMAGE_SIDE}x{MIN_IMAGE_SIDE} pixels, not {size[0]}x{size[1]}")
    return size


def echo_text(text) -> None:
    """A ``rich.text.Text`` on stdout: coloured on a terminal (unless NO_COLOR), plain otherwise."""
    from rich.console import Console

    from lossctl.errors import readable

    buffer = io.StringIO()
    Console(file=buffer, force_terminal=sys.stdout.isatty(), soft_wrap=True).print(text, end="")
    click.echo(readable(buffer.getvalue()), nl=False)


def evaluate_collecting(
    losses: list[str], files: list[str], labels: str | None, kwargs: dict, *, calibration: bool = False
):
    """Evaluate ``losses`` (default: every loss that fits; with ``calibration``, and a
    classifier's ece) on each file as ``compare`` does, keeping every per-sample value; the
    evaluations, one ``SampleCollector`` per file, and the warnings (already shown on stderr)."""
    from lossctl.plot.samples import SampleCollector

    collectors: list[SampleCollector] = []

    def collector(_path: str | None) -> SampleCollector:
        collectors.append(SampleCollector())
        return collectors[-1]

    evaluations, warnings = evaluate_files(
        losses, files, labels, kwargs, strict=False, sink=collector, calibration=calibration
    )
    # The sink here feeds figures, which say which losses are values of the whole sample (plot
    # samples refuses when none has per-sample values): the engine warns of no missing column.
    for message in warnings:
        warn(message)
    return evaluations, collectors, warnings


def range_option(f):
    """``--range A``: residual and margin curves run from -A to A."""
    return click.option(
        "--range",
        "span",
        type=click.FloatRange(0, MAX_RANGE, min_open=True),
        default=3.0,
        show_default=True,
        metavar="A",
        help="Residuals and margins run from -A to A (probabilities over (0, 1)).",
    )(f)


@click.group(
    cls=HelpGroup,
    epilog="""\b
Examples:
  lossctl plot curves -l mse -l mae -l huber:delta=1
  lossctl plot curves -l cross-entropy -l focal:gamma=0.5 -l focal:gamma=2 -l focal:gamma=5
  lossctl plot curves -l mse -l huber -o curves.svg --width 800 --height 500
  lossctl plot samples -l mse -l mae sample_data/preds.csv
  lossctl plot samples sample_data/binary.csv -o samples.png
  lossctl plot reliability sample_data/binary.csv
  lossctl plot reliability -l ece:bins=10,binning=equal-mass sample_data/binary.csv -o reliability.svg""",
)
def plot() -> None:
    """Draw losses: their curves, the distribution of their per-sample values, and the
    reliability diagram of predicted probabilities.

    In the terminal by default (no extra needed); -o FILE.png or FILE.svg writes an image
    (pip install 'lossctl[plot]').
    """


@plot.command()
@click.option(
    "--loss",
    "-l",
    "losses",
    multiple=True,
    shell_complete=complete_losses,
    required=True,
    help="A loss to draw (repeatable).",
)
@range_option
@click.option("--points", type=click.IntRange(2, 10_001), default=401, show_default=True, help="Points along the axis.")
@click.option(
    "--y-max", type=click.FloatRange(0, min_open=True), help="Top of the loss axis (default: the largest value)."
)
@drawing_options
def curves(
    losses: tuple[str, ...],
    span: float,
    points: int,
    y_max: float | None,
    output: str | None,
    width: int | None,
    height: int | None,
    title: str,
) -> None:
    """Draw losses against the residual y_true - y_pred (regression), the probability of the
    true class (bce, cross-entropy, focal, ...) or the margin (hinge).

    Each point is the loss of one sample. Losses drawn together must share the axis.
    """
    from lossctl.errors import UsageError
    from lossctl.losses import resolve
    from lossctl.plot.curves import curves_by_axis

    sets, skipped = curves_by_axis([resolve(text) for text in losses], span=span, points=points)
    if skipped:
        raise UsageError(next(iter(skipped.values())))
    if len(sets) > 1:
        drawn = ", ".join(f"{s.curves[0].label} against the {s.axis.name}" for s in sets)
        raise UsageError(f"these losses are drawn against different axes ({drawn}): plot them separately")
    curve_set = sets[0]
    if output is None:
        from lossctl.plot.terminal import render_curves

        if title:
            click.echo(title)
        echo_text(render_curves(curve_set, width=terminal_width(width), height=height or TERMINAL_HEIGHT, y_max=y_max))
        return
    from lossctl.plot.images import curves_figure, image_format, write_image

    image_format(output)
    w, h = image_size(width, height, CURVES_IMAGE_SIZE)
    write_image(curves_figure(curve_set, width=w, height=h, y_max=y_max, title=title), output)
    note(f"wrote {output}")


@plot.command()
@click.option(
    "--loss",
    "-l",
    "losses",
    multiple=True,
    shell_complete=complete_losses,
    help="A loss (repeatable); default: every loss that fits.",
)
@click.argument("file", shell_complete=complete_files)
@click.argument("labels_file", required=False, shell_complete=complete_files)
@click.option(
    "--bins", type=click.IntRange(1, 1000), help="Histogram bins (default: 10 in the terminal, 40 in images)."
)
@click.option("--top", type=click.IntRange(0), default=5, show_default=True, help="List the K worst rows.")
@precision_option
@no_progress_option
@drawing_parameter_options
@input_options
@drawing_options
def samples(
    losses: tuple[str, ...],
    file: str,
    labels_file: str | None,
    bins: int | None,
    top: int,
    precision: int,
    output: str | None,
    width: int | None,
    height: int | None,
    title: str,
    **kwargs,
) -> None:
    """Show the distribution of the per-sample losses of FILE (joined with LABELS_FILE if
    given) and which rows dominate the mean: the share of the total carried by the worst 1%
    and 10% of the rows, and the worst rows themselves (1-based).
    """
    from lossctl.errors import UsageError
    from lossctl.plot.samples import summaries as per_sample_summaries

    if kwargs["group_by"]:
        raise UsageError("plot samples draws the whole file: --group-by is for compare and report")
    inputs = [file, labels_file, kwargs["model_weights"]]
    if output is not None:
        from lossctl.atomic import check_output
        from lossctl.plot.images import image_format, require_matplotlib

        image_format(output)
        check_output(output, inputs)
        require_matplotlib()
    default_bins = 40 if output else 10
    [evaluation], [collector], _ = evaluate_collecting(list(losses), [file], labels_file, kwargs)
    summaries = per_sample_summaries(evaluation.results, collector, bins=bins or default_bins, worst=top)
    if not summaries:
        raise UsageError(f"none of {', '.join(r.label for r in evaluation.results)} has per-sample values")
    if output is None:
        from lossctl.plot.terminal import render_samples

        if title:
            click.echo(title + "\n")
        for i, summary in enumerate(summaries):
            if i:
                click.echo()
            echo_text(render_samples(summary, evaluation.input, width=terminal_width(width), precision=precision))
        return
    from lossctl.plot.images import samples_figure, write_image

    default = (SAMPLES_IMAGE_WIDTH, SAMPLES_IMAGE_ROW_HEIGHT * len(summaries) + 40)
    w, h = image_size(width, height, default)
    write_image(samples_figure(summaries, width=w, height=h, title=title or evaluation.input), output, inputs)
    note(f"wrote {output}")


@plot.command()
@click.option(
    "--loss",
    "-l",
    "loss",
    shell_complete=complete_losses,
    default="ece",
    show_default=True,
    help="The calibration score whose bins are drawn: ece:bins=10, ece:binning=equal-mass, "
    "rmsce:multiclass=classwise, ...",
)
@click.argument("file", shell_complete=complete_files)
@click.argument("labels_file", required=False, shell_complete=complete_files)
@no_progress_option
@declared_options("from_logits", *CLASSIFIER_KEYS)
@drawing_options
def reliability(
    loss: str,
    file: str,
    labels_file: str | None,
    output: str | None,
    width: int | None,
    height: int | None,
    title: str,
    **kwargs,
) -> None:
    """Draw the reliability diagram of FILE's predicted probabilities (binary or multiclass):
    each bin's observed frequency against its mean predicted probability, the diagonal being
    perfect calibration, and the bins with their counts. The bins are those of the score,
    the same as its JSON "bins".
    """
    from lossctl.errors import UsageError
    from lossctl.plot.reliability import diagrams, render_reliability

    inputs = [file, labels_file]
    if output is not None:
        from lossctl.atomic import check_output
        from lossctl.plot.images import image_format, require_matplotlib

        image_format(output)
        check_output(output, inputs)
        require_matplotlib()
    evaluations, warnings = evaluate_files([loss], [file], labels_file, kwargs, strict=True)
    for message in warnings:
        warn(message)
    found = diagrams(evaluations)
    if not found:
        raise UsageError(f"{loss} has no bins: name a calibration score (ece, mce, rmsce, brier-reliability, ...)")
    if output is None:
        echo_text(render_reliability(found[0], width=terminal_width(width), height=height or TERMINAL_HEIGHT))
        return
    from lossctl.plot.images import write_image
    from lossctl.plot.reliability import reliability_figure

    w, h = image_size(width, height, RELIABILITY_IMAGE_SIZE)
    write_image(reliability_figure(found[0], width=w, height=h, title=title), output, inputs)
    note(f"wrote {output}")
