"""Where results go: stdout (or ``-o FILE``, atomically) for the result, stderr for notes."""

from __future__ import annotations

import click

from lossctl.errors import printable, readable


def warn(message: str) -> None:
    click.echo(f"warning: {printable(message)}", err=True)


def note(message: str) -> None:
    click.echo(printable(message), err=True)


def write_result(text: str, output: str | None, inputs: list[str | None]) -> None:
    """The result on stdout (UTF-8 whatever the file names: see `readable`), or in ``output``."""
    if output is None:
        click.echo(readable(text), nl=False)
        return
    from lossctl.atomic import write_text

    write_text(output, text, inputs)
    note(f"wrote {output}")


def emit_results(
    evaluations: list,
    warnings: list[str],
    *,
    fmt: str,
    precision: int,
    output: str | None,
    inputs: list,
    paired: tuple[list, dict[str, bool]] | None = None,
    skills: list | None = None,
) -> None:
    """Print (or write) the results; ``paired``: the comparisons of models against the
    reference and, per loss, whether its best is significantly best; ``skills``: each model's
    skill against the reference (``--reference``)."""
    comparisons, significant = paired if paired is not None else (None, None)
    for message in warnings:
        warn(message)
    # Each format imports its own writer: JSON and CSV need no table layout, nor Rich.
    if fmt == "json":
        from lossctl.output.document import document_text

        text = document_text(evaluations, warnings, comparisons=comparisons, skills=skills)
    elif fmt == "csv":
        from lossctl.output import render

        text = render.results_csv(evaluations)
    else:
        from lossctl.output.grid import comparisons_grid, results_grid, skills_grid, worst_grid
        from lossctl.output.table import render_grids

        grids = [results_grid(evaluations, precision, significant)]
        if comparisons:
            grids.append(comparisons_grid(comparisons, precision))
        if skills:
            grids.append(skills_grid(skills, precision))
        for evaluation in evaluations:
            grids += worst_grid(evaluation, precision)
        text = render_grids(grids, fmt)
    write_result(text, output, inputs)
