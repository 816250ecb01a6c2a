"""Grids drawn for a terminal (rich tables; colour only on a terminal, rich honours
NO_COLOR), fitted to its width (``fit``), or, when asked, as Markdown."""

from __future__ import annotations

import io
import shutil
import sys

from lossctl.output.fit import fitting, output_width, records
from lossctl.output.render import markdown, rich_table


def render_tables(grids: list) -> str:
    """The grids as rich tables; colour only on a terminal (rich honours NO_COLOR), the best
    values starred with or without it."""
    from rich.console import Console

    terminal = sys.stdout.isatty()
    buffer = io.StringIO()
    width = output_width(shutil.get_terminal_size((0, 0)).columns if terminal else None)
    console = Console(file=buffer, force_terminal=terminal, width=width, soft_wrap=True)
    colour = terminal and not console.no_color
    marker = " *"  # beside the colour too: it survives a copy and paste
    for grid in grids:
        shown = fitting(grid, width, marker)
        if shown is not None:
            console.print(rich_table(shown, colour=colour))
        else:
            console.print(grid.title, style="italic", markup=False, highlight=False, soft_wrap=False)
            for line in records(grid, marker, width):
                console.print(line, markup=False, highlight=False, soft_wrap=False, overflow="fold")
        if grid.best:
            console.print(
                "* best value of each loss (the lowest loss, the highest score)",
                style="dim",
                markup=False,
                highlight=False,
                soft_wrap=False,
            )
        for line in grid.caption.split("; ") if grid.caption else []:
            console.print(line, style="dim", markup=False, highlight=False, soft_wrap=False, overflow="fold")
    return buffer.getvalue()


def render_grids(grids: list, fmt: str) -> str:
    """Markdown tables when asked for, rich tables otherwise."""
    return "\n".join(markdown(g) for g in grids) if fmt == "markdown" else render_tables(grids)
