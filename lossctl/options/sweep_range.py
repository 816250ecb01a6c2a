"""The range of a swept parameter, ``START:STOP[:lin|log]:N``: N points from START to STOP,
both included, evenly spaced (``lin``, the default) or geometrically (``log``); a plain number
is a single point."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lossctl.errors import UsageError

SCALES = ("lin", "log")
SPELLING = "START:STOP[:lin|log]:N"


@dataclass(frozen=True)
class SweepRange:
    start: float
    stop: float
    points: int
    log: bool = False

    def values(self):
        """The grid: ``points`` values from ``start`` to ``stop``, the ends exactly."""
        import numpy as np

        if self.points == 1:
            return np.array([self.start])
        grid = (
            np.geomspace(self.start, self.stop, self.points)
            if self.log
            else np.linspace(self.start, self.stop, self.points)
        )
        grid[0], grid[-1] = self.start, self.stop
        return grid


def _number(text: str, flag: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{flag} {what} {text!r} is not a number (a range is {SPELLING})") from None
    if not math.isfinite(value):
        raise UsageError(f"{flag} {what} must be finite, not {text}")
    return value


MAX_POINTS = 10_000  # a point is one more loss of the pass: 10,000 take seconds on a small file


def parse_range(text: str, flag: str) -> SweepRange:
    """The range ``text`` of the option ``flag``; a one-line ``UsageError`` naming the flag if
    it is malformed: STOP not above START, fewer than 2 points, a log range not above 0."""
    parts = text.strip().split(":")
    if len(parts) == 1:
        value = _number(parts[0], flag, "value")
        return SweepRange(value, value, 1)
    if len(parts) not in (3, 4):
        raise UsageError(f"{flag} {text!r}: a range is {SPELLING}, e.g. 0.01:100:log:50")
    scale = parts[2].strip().lower() if len(parts) == 4 else "lin"
    if scale not in SCALES:
        raise UsageError(f"{flag} {text!r}: the scale must be lin or log, not {parts[2]!r}")
    start, stop = _number(parts[0], flag, "start"), _number(parts[1], flag, "stop")
    try:
        points = int(parts[-1])
    except ValueError:
        raise UsageError(f"{flag} {text!r}: N, the number of points, must be a whole number") from None
    if stop <= start:
        raise UsageError(f"{flag} {text!r}: the stop ({parts[1]}) must be above the start ({parts[0]})")
    if points < 2:
        raise UsageError(f"{flag} {text!r}: a range needs at least 2 points, not {points}")
    if points > MAX_POINTS:
        raise UsageError(
            f"{flag} {text!r}: at most {MAX_POINTS:,} points (each is one more loss of every pass), not {points:,}"
        )
    if scale == "log" and start <= 0:
        raise UsageError(f"{flag} {text!r}: a log range starts above 0, not at {parts[0]}")
    return SweepRange(start, stop, points, scale == "log")
