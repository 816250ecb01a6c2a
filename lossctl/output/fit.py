"""Tables that fit the screen: a grid too wide for the width is turned (its rows become
columns), and one still too wide is printed as records, a block of ``header value`` lines per
row. A number or a name is never cut: the layout changes instead.

``models compared`` with twenty losses is twenty columns wide; turned, it is a column per
model and a row per loss, which fits 80 columns for two or three models. At 40 columns even
that may not fit, and records always do (a long name wraps, it is not cut).
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import replace

from rich.cells import cell_len

from lossctl.output.grid import Grid

PIPED_WIDTH = 100
"""The width of a table written to a pipe or a file when ``COLUMNS`` does not say one."""

_BORDER = 3  # a column's share of the box: the rule and a space either side
FOLD = 12
"""Text columns but the first wrap at spaces, and fold a word longer than this."""


def output_width(terminal_width: int | None) -> int:
    """The width to fit: ``COLUMNS`` when set (also for a pipe, so that ``COLUMNS=80 lossctl
    ... | less`` fits 80), else the terminal's, else ``PIPED_WIDTH``."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return terminal_width or PIPED_WIDTH


def narrowest(grid: Grid, marker: str = "") -> int:
    """The least width at which nothing of the grid is cut: the key columns (the names a
    user types next) and the numbers whole, other text wrapped at spaces and folded past
    ``FOLD`` characters (``marker``: what follows a best value without colour)."""
    widths = [0] * len(grid.headers)
    for r, row in enumerate([grid.headers, *grid.rows]):
        for c, cell in enumerate(row):
            whole = c in grid.keys or grid.numeric[c]
            need = cell_len(cell) if whole else min(FOLD, max(map(cell_len, cell.split() or [""])))
            widths[c] = max(widths[c], need + (cell_len(marker) if (r - 1, c) in grid.best else 0))
    return sum(widths) + _BORDER * len(widths) + 1


def turned(grid: Grid) -> Grid:
    """The grid with rows and columns exchanged: its first column (the names of the rows)
    becomes the header, its headers the first column. A cell (r, c) moves to (c - 1, r + 1).
    Every column of it is kept whole: a column then holds numbers and text alike."""
    headers = ["", *(row[0] for row in grid.rows)]
    rows = [[header, *(row[c] for row in grid.rows)] for c, header in enumerate(grid.headers) if c > 0]
    numeric = all(grid.numeric[1:])
    return replace(
        grid,
        headers=headers,
        rows=rows,
        numeric=[False, *[numeric] * len(grid.rows)],
        best={(c - 1, r + 1) for r, c in grid.best if c > 0},
        styles={(c - 1, r + 1): style for (r, c), style in grid.styles.items() if c > 0},
        keys=tuple(range(len(headers))),  # numbers and text mixed in a column: nothing is cut
    )


def fitting(grid: Grid, width: int, marker: str) -> Grid | None:
    """The grid, or the grid turned, whichever fits ``width`` (the grid when both do);
    ``None`` when neither fits: print it as records."""
    if narrowest(grid, marker) <= width:
        return grid
    if len(grid.rows) > 1 and len(grid.headers) > 2:
        other = turned(grid)
        if narrowest(other, marker) <= width:
            return other
    return None


def records(grid: Grid, marker: str, width: int) -> list[str]:
    """The grid as blocks of lines: each row's key (its first key column), then ``header
    value`` for the other columns (empty cells left out), the headers padded to one width and
    a long value wrapped at spaces under itself, within ``width``."""
    key = grid.keys[0]
    others = [c for c in range(len(grid.headers)) if c != key]
    pad = max((len(grid.headers[c]) for c in others), default=0)
    lines = []
    for r, row in enumerate(grid.rows):
        lines.append(f"{grid.headers[key]} {row[key]}" if grid.headers[key] else row[key])
        for c in others:
            if row[c]:
                prefix = f"  {grid.headers[c]:<{pad}}  "
                text = row[c] + (marker if (r, c) in grid.best else "")
                chunks = textwrap.wrap(text, max(width - len(prefix), 10), break_long_words=False) or [text]
                lines.append(prefix + chunks[0])
                lines += [" " * len(prefix) + chunk for chunk in chunks[1:]]
    return lines
