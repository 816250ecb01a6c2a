"""``lossctl sweep``: one loss over a range of one of its parameters, for several models; where
they swap rank; Murphy diagrams of quantile and expectile forecasts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import click

from lossctl.cli.options import compose, declared_options, labels_option, no_progress_option, precision_option
from lossctl.cli.output import note, warn, write_result
from lossctl.options.declared import BY_KEY, INTEGER, NUMBER, PARAMETERS

TERMINAL_HEIGHT = 16
PICTURES = ("png", "svg", "html")
MURPHY_POINTS = 101  # default thresholds of a Murphy diagram
SWEEP_INPUT_KEYS = ("y_true", "y_pred", "weight", "on", "task", "nan", "input_format", "encoding")
RANGE = "X|START:STOP[:lin|log]:N"
SWEPT = tuple(key for key in PARAMETERS if BY_KEY[key].type in (NUMBER, INTEGER))
"""The parameters a sweep takes as ranges: the numbers (a choice, as binning or reduction, is
given in the loss's spec: -l mse:reduction=sum)."""


def _range_option(key: str):
    declared = BY_KEY[key]
    return click.option(
        declared.flag, key, metavar=RANGE, help=f"{declared.help} A range sweeps it; a number holds it."
    )


range_options = compose(*(_range_option(key) for key in SWEPT))


@click.command(
    epilog="""\b
Examples:
  lossctl sweep -l huber --delta 0.01:100:log:50 model_a.csv model_b.csv
  lossctl sweep -l focal --gamma 0:5:11 --from-logits a.parquet b.parquet
  lossctl sweep -l quantile --quantile 0.05:0.95:19 a.csv b.csv --format json
  lossctl sweep --murphy quantile:0.9 a.csv b.csv -o murphy.svg
  lossctl sweep --murphy expectile:0.5 --theta 0:10:201 a.csv b.csv""",
)
@click.option("--loss", "-l", "loss", help="The loss to sweep (a name, or 'name:key=value,...').")
@click.argument("files", nargs=-1)
@range_options
@declared_options("from_logits")
@click.option(
    "--murphy",
    metavar="quantile:LEVEL|expectile:LEVEL",
    help="A Murphy diagram instead of a loss: the mean elementary score of LEVEL-quantile (or expectile) "
    "forecasts over the threshold theta.",
)
@click.option(
    "--theta",
    metavar="START:STOP[:lin|log]:N",
    help=f"The thresholds of --murphy (default: {MURPHY_POINTS} from the smallest to the largest label or "
    "prediction of all files).",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(0, min_open=True),
    help="Narrow every crossing to within this distance, in the parameter's units (default: 3 passes, each "
    "cutting its bracket 16-fold).",
)
@labels_option
@declared_options(*SWEEP_INPUT_KEYS)
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True, help="Output format."
)
@precision_option
@click.option("--plot/--no-plot", default=True, show_default=True, help="Draw the curves under the table.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the curves as a .png or .svg image or an .html page (the table or JSON still on stdout); "
    "any other name gets the table or JSON instead of stdout. Atomically.",
)
@click.option("--width", type=click.IntRange(1, 10_000), help="Plot width: characters, or pixels in an image.")
@click.option("--height", type=click.IntRange(1, 10_000), help="Plot height: rows, or pixels in an image.")
@click.option("--title", default="", help="A title of the image or page.")
@no_progress_option
def sweep(loss: str | None, files: tuple[str, ...], **kwargs) -> None:
    """Sweep one parameter of a loss over a grid for each of FILES (models on the same labels).

    Give the parameter as START:STOP[:lin|log]:N (N points, both ends included, evenly or
    geometrically spaced). Each file is read once for the whole grid, and every point equals
    a separate 'lossctl compute' at that parameter, bit for bit. Where two models swap rank
    between grid points, further passes narrow the crossing (15 points inside each bracket
    per pass). With --murphy, the mean elementary scores of Ehm et al. (2016) over the
    threshold: a model lower or equal at every threshold is better for every consistent
    scoring function of that quantile or expectile, and lossctl says whether one dominates.
    """
    from lossctl.errors import UsageError

    if not files:
        raise click.UsageError("give at least one FILE")
    if len(set(files)) < len(files):
        raise UsageError("each model's file is given once: a model is named by its file")
    if "-" in files:
        raise UsageError("a sweep may read a file more than once (crossings, thresholds): give a file, not stdin")
    if (loss is None) == (kwargs["murphy"] is None):
        raise UsageError("give a loss to sweep (-l LOSS with a parameter range) or --murphy, not both")
    output = kwargs["output"]
    picture = output is not None and output.rsplit(".", 1)[-1].lower() in PICTURES
    inputs = [*files, kwargs["labels"]]
    if output is not None:
        from lossctl.atomic import check_output

        check_output(output, inputs)
    result = _murphy(files, kwargs) if loss is None else _loss_sweep(loss, files, kwargs)
    for message in result.warnings:
        warn(message)
    text = _text(result, kwargs)
    if picture:
        _write_picture(result, output, inputs, kwargs)
        click.echo(text, nl=False)
    else:
        write_result(text, output, inputs)


def _loss_sweep(loss: str, files: tuple[str, ...], kwargs: dict):
    from lossctl.engine.sweep import sweep as run
    from lossctl.errors import UsageError
    from lossctl.losses import CombinedLoss, resolve
    from lossctl.options.sweep_range import parse_range

    if kwargs["theta"] is not None:
        raise UsageError("--theta gives the thresholds of --murphy")
    ranges = {key: parse_range(kwargs[key], BY_KEY[key].flag) for key in SWEPT if kwargs[key] is not None}
    swept = [key for key, r in ranges.items() if r.points > 1]
    if len(swept) > 1:
        raise UsageError(f"sweep one parameter at a time, not {' and '.join(BY_KEY[k].flag for k in swept)}")
    if not swept and len(ranges) != 1:
        raise UsageError(f"give the parameter to sweep as a range, e.g. --delta 0.01:100:log:50 ({RANGE})")
    key = swept[0] if swept else next(iter(ranges))
    flag, name = BY_KEY[key].flag, key.rstrip("_")
    held = {k: r.start for k, r in ranges.items() if k != key}
    configured = resolve(loss)
    if isinstance(configured, CombinedLoss):
        raise UsageError(f"sweep one loss, not the expression {loss!r}")
    taken = [p.name for p in configured.spec.params]
    if name not in taken:
        raise UsageError(
            f"{flag}: {configured.name} has no parameter {name}",
            hint=f"it takes: {', '.join(taken)}" if taken else f"{configured.name} takes no parameters",
        )
    separator = "," if "=" in loss else ":"
    grid = ranges[key]

    def point_loss(x: float) -> str:
        return f"{loss}{separator}{name}={x!r}"

    with _requests(files, kwargs, held) as requests:
        return run(
            requests, point_loss, grid.values(), loss=loss, parameter=name, log=grid.log, tolerance=kwargs["tolerance"]
        )


def _murphy(files: tuple[str, ...], kwargs: dict):
    from lossctl.engine.sweep import extent
    from lossctl.engine.sweep import sweep as run
    from lossctl.errors import UsageError
    from lossctl.losses.elementary import EXTENT, FUNCTIONALS, elementary_score
    from lossctl.options.sweep_range import SweepRange, parse_range

    given = [BY_KEY[key].flag for key in SWEPT if kwargs[key] is not None]
    if given:
        raise UsageError(f"--murphy sweeps the threshold: {given[0]} does not apply")
    functional, _, level_text = kwargs["murphy"].partition(":")
    functional = functional.strip().lower()
    if functional not in FUNCTIONALS or not level_text:
        raise UsageError(f"--murphy {kwargs['murphy']!r}: give quantile:LEVEL or expectile:LEVEL, e.g. quantile:0.9")
    try:
        level = float(level_text)
    except ValueError:
        raise UsageError(f"--murphy level {level_text!r} is not a number") from None
    if not 0 < level < 1:
        raise UsageError(f"--murphy level must lie in (0, 1), not {level_text}")
    with _requests(files, kwargs, {}) as requests:
        if kwargs["theta"] is not None:
            grid = parse_range(kwargs["theta"], "--theta")
        else:
            low, high = extent(requests, EXTENT)
            grid = SweepRange(low, high, MURPHY_POINTS) if high > low else SweepRange(low, low, 1)
        return run(
            requests,
            lambda theta: elementary_score(functional, level, theta),
            grid.values(),
            loss=f"elementary-{functional}:level={level:g}",
            parameter="theta",
            log=grid.log,
            tolerance=kwargs["tolerance"],
            murphy={"functional": functional, "level": level},
        )


@contextmanager
def _requests(files: tuple[str, ...], kwargs: dict, held: dict) -> Iterator[list]:
    """The engine requests of ``files`` (one each, with the option values and the ``held``
    parameters), with a progress bar while they run."""
    from lossctl.cli.options import evaluation_values
    from lossctl.cli.progress import ProgressBar
    from lossctl.options.request import build_request

    values = {k: v for k, v in evaluation_values(kwargs).items() if k not in PARAMETERS} | held
    with ExitStack() as stack:
        progress = stack.enter_context(ProgressBar()) if ProgressBar.wanted(kwargs["no_progress"]) else None
        yield [build_request(path, (), strict=True, progress=progress, **values) for path in files]


def _text(result, kwargs: dict) -> str:
    if kwargs["fmt"] == "json":
        from lossctl.output.sweep import sweep_json

        return sweep_json(result)
    from lossctl.cli.plot import terminal_width
    from lossctl.output.sweep import crossing_lines, sweep_grid
    from lossctl.output.table import render_grids

    text = render_grids([sweep_grid(result, kwargs["precision"])], "table")
    text += "".join(line + "\n" for line in crossing_lines(result, kwargs["precision"]))
    if kwargs["plot"] and len(result.x) > 1:
        text += _drawing(result, terminal_width(kwargs["width"]), kwargs["height"] or TERMINAL_HEIGHT)
    return text


def _drawing(result, width: int, height: int) -> str:
    import io
    import sys

    from rich.console import Console

    from lossctl.plot.sweep import render_sweep

    buffer = io.StringIO()
    Console(file=buffer, force_terminal=sys.stdout.isatty(), soft_wrap=True).print(
        render_sweep(result, width=width, height=height), end=""
    )
    return buffer.getvalue()


def _write_picture(result, output: str, inputs: list, kwargs: dict) -> None:
    from lossctl.cli.plot import CURVES_IMAGE_SIZE, image_size

    if output.lower().endswith(".html"):
        from lossctl.atomic import write_text
        from lossctl.plot.sweep import sweep_page

        write_text(output, sweep_page(result, title=kwargs["title"], precision=kwargs["precision"]), inputs)
    else:
        from lossctl.plot.images import write_image
        from lossctl.plot.sweep import sweep_figure

        w, h = image_size(kwargs["width"], kwargs["height"], CURVES_IMAGE_SIZE)
        write_image(sweep_figure(result, width=w, height=h, title=kwargs["title"]), output, inputs)
    note(f"wrote {output}")
