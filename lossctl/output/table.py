"""Grids drawn for a terminal (rich tables; colour only on a terminal, rich honours
NO_COLOR) or, when asked, as Markdown."""

from __future__ import annotations

import io
import sys

from lossctl.output.render import markdown, rich_table


def render_tables(grids: list) -> str:
    """The grids as rich tables; colour only on a terminal (rich honours NO_COLOR)."""
    from rich.console import Console

    terminal = sys.stdout.isatty()
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=terminal, width=None if terminal else 160, soft_wrap=True)
    colour = terminal and not console.no_color
    for grid in grids:
        console.print(rich_table(grid, colour=colour))
        if grid.best and not colour:
            console.print(
                "* best value of its column (the lowest loss, the highest score)",
                style="dim",
                markup=False,
                highlight=False,
            )
        for line in grid.caption.split("; ") if grid.caption else []:
            console.print(line, style="dim", markup=False, highlight=False)
    return buffer.getvalue()


def render_grids(grids: list, fmt: str) -> str:
    """Markdown tables when asked for, rich tables otherwise."""
    return "\n".join(markdown(g) for g in grids) if fmt == "markdown" else render_tables(grids)
