"""Renderers: a ``Grid`` as a rich table for people or Markdown for pull requests; the results
as CSV for spreadsheets (the JSON document: ``output.document``)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lossctl.engine.results import Evaluation
    from lossctl.output.grid import Grid

FORMATS = ("table", "json", "csv", "markdown")


def rich_table(grid: Grid, *, colour: bool):
    """A ``rich.table.Table``; the best value of each compared column followed by ``*`` (which
    a copy and paste keeps), and in bold green on a terminal."""
    from rich.cells import cell_len
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(grid.title))
    for c, (header, numeric) in enumerate(zip(grid.headers, grid.numeric, strict=True)):
        whole = numeric or c in grid.keys  # numbers and the names a user types next are never cut
        marked = [f"{row[c]} *" if (r, c) in grid.best else row[c] for r, row in enumerate(grid.rows)]
        width = max(map(cell_len, [header, *marked])) if whole else None
        table.add_column(
            escape(header), justify="right" if numeric else "left", no_wrap=whole, min_width=width, overflow="fold"
        )
    for r, row in enumerate(grid.rows):
        cells = [escape(cell) for cell in row]
        for c in range(len(cells)):
            if (r, c) in grid.best:
                cells[c] = f"[bold green]{cells[c]} *[/]" if colour else f"{cells[c]} *"
            elif (r, c) in grid.styles and colour:
                cells[c] = f"[{grid.styles[(r, c)]}]{cells[c]}[/]"
        table.add_row(*cells)
    return table


def markdown(grid: Grid) -> str:
    """A GitHub-flavoured Markdown table; the best values in bold."""

    def escape(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = [f"**{escape(grid.title)}**", ""]
    lines.append("| " + " | ".join(escape(h) for h in grid.headers) + " |")
    lines.append("|" + "|".join("---:" if numeric else "---" for numeric in grid.numeric) + "|")
    for r, row in enumerate(grid.rows):
        cells = [f"**{escape(cell)}**" if (r, c) in grid.best else escape(cell) for c, cell in enumerate(row)]
        lines.append("| " + " | ".join(cells) + " |")
    if grid.caption:
        lines += ["", grid.caption]
    return "\n".join(lines) + "\n"


def results_csv(evaluations: list[Evaluation]) -> str:
    """One line per result, full precision: input, loss, spec, group, value, n."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["input", "loss", "spec", "group", "value", "n"])
    for e in evaluations:
        for r in e.results:
            writer.writerow([e.input, r.loss.name, r.label, "" if r.group is None else r.group, repr(r.value), r.n])
    return buffer.getvalue()
