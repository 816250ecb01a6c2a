"""Where results go: stdout (or ``-o FILE``, atomically) for the result, stderr for notes."""

from __future__ import annotations

import io
import sys

import click


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def note(message: str) -> None:
    click.echo(message, err=True)


def render_tables(grids: list) -> str:
    """The grids as rich tables; colour only on a terminal (rich honours NO_COLOR)."""
    from rich.console import Console

    from lossctl.report.render import rich_table

    terminal = sys.stdout.isatty()
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=terminal, width=None if terminal else 160, soft_wrap=True)
    colour = terminal and not console.no_color
    for grid in grids:
        console.print(rich_table(grid, colour=colour))
        if grid.best and not colour:
            console.print("* lowest value of its column", style="dim", markup=False)
        for line in grid.caption.split("; ") if grid.caption else []:
            console.print(line, style="dim", markup=False, highlight=False)
    return buffer.getvalue()


def render_grids(grids: list, fmt: str) -> str:
    """Markdown tables when asked for, rich tables otherwise."""
    from lossctl.report.render import markdown

    return "\n".join(markdown(g) for g in grids) if fmt == "markdown" else render_tables(grids)


def write_result(text: str, output: str | None, inputs: list[str | None]) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from lossctl.atomic import write_text

    write_text(output, text, inputs)
    note(f"wrote {output}")


def emit_results(
    evaluations: list, warnings: list[str], *, fmt: str, precision: int, output: str | None, inputs: list
) -> None:
    from lossctl.report import render
    from lossctl.report.grid import results_grid, worst_grid

    for message in warnings:
        warn(message)
    if fmt == "json":
        text = render.results_json(evaluations, warnings)
    elif fmt == "csv":
        text = render.results_csv(evaluations)
    else:
        grids = [results_grid(evaluations, precision)]
        for evaluation in evaluations:
            grids += worst_grid(evaluation, precision)
        text = render_grids(grids, fmt)
    write_result(text, output, inputs)
