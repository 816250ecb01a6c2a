"""A canvas of Unicode braille characters: each character cell holds 2 x 4 dots, so a
W x H character canvas draws at 2W x 4H dots. Each cell remembers the last series drawn
into it, for its colour."""

from __future__ import annotations

import math

# Bit of each dot in a braille character (U+2800 + bits), by (column, row) within the cell.
DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
BLANK = 0x2800


class BrailleCanvas:
    """``columns`` x ``rows`` character cells; dot coordinates run from the top left."""

    def __init__(self, columns: int, rows: int) -> None:
        self.columns = columns
        self.rows = rows
        self.bits = [[0] * columns for _ in range(rows)]
        self.owner = [[-1] * columns for _ in range(rows)]

    @property
    def dot_width(self) -> int:
        return 2 * self.columns

    @property
    def dot_height(self) -> int:
        return 4 * self.rows

    def dot(self, x: int, y: int, series: int) -> None:
        """Set the dot at (x, y); dots off the canvas are ignored."""
        if 0 <= x < self.dot_width and 0 <= y < self.dot_height:
            row, column = y // 4, x // 2
            self.bits[row][column] |= DOT_BITS[x % 2][y % 4]
            self.owner[row][column] = series

    def line(self, start: tuple[float, float], end: tuple[float, float], series: int) -> None:
        """A straight line between two points in dot coordinates, clipped to the canvas
        height first (a point far above it costs nothing), then drawn dot by dot."""
        clipped = _clip_vertically(start, end, self.dot_height - 1)
        if clipped is None:
            return
        (x0, y0), (x1, y1) = ((round(x), round(y)) for x, y in clipped)
        steps = max(abs(x1 - x0), abs(y1 - y0))
        for i in range(steps + 1):
            t = i / steps if steps else 0.0
            self.dot(round(x0 + t * (x1 - x0)), round(y0 + t * (y1 - y0)), series)

    def char(self, row: int, column: int) -> str:
        return chr(BLANK + self.bits[row][column])


def _clip_vertically(
    start: tuple[float, float], end: tuple[float, float], bottom: float
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the segment with 0 <= y <= bottom, or ``None`` if there is none. A cut end
    lies exactly on the edge it was cut at, however far away the original end was."""
    if not all(map(math.isfinite, (*start, *end))):
        return None
    (x0, y0), (x1, y1) = sorted((start, end), key=lambda point: point[1])
    if y1 < 0 or y0 > bottom:
        return None

    def x_at(y: float) -> float:
        return x0 + (y - y0) / (y1 - y0) * (x1 - x0)

    top_end = (x_at(0.0), 0.0) if y0 < 0 else (x0, y0)
    bottom_end = (x_at(bottom), bottom) if y1 > bottom else (x1, y1)
    return top_end, bottom_end
