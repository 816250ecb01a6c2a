"""A progress bar on stderr for long reads: bytes of a text file, row groups of Parquet, rows
otherwise. Shown only on a terminal, only once a read has lasted half a second, and never with
``--no-progress``; it disappears when the read ends."""

from __future__ import annotations

import sys
import time

SHOW_AFTER_SECONDS = 0.5


class ProgressBar:
    """The engine's progress callback; a context manager that clears the bar at the end."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._progress = None
        self._tasks: dict[str, int] = {}

    @staticmethod
    def wanted(no_progress: bool) -> bool:
        return not no_progress and sys.stderr.isatty()

    def __enter__(self) -> ProgressBar:
        return self

    def __call__(self, name: str, position: tuple[int, int, str] | None) -> None:
        if position is None or time.monotonic() - self._started < SHOW_AFTER_SECONDS:
            return
        done, total, unit = position
        if self._progress is None:
            self._start()
        if name not in self._tasks:
            self._tasks[name] = self._progress.add_task(f"{name} ({unit})", total=total)
        self._progress.update(self._tasks[name], completed=done, total=total)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()

    def __exit__(self, *exc_info) -> None:
        if self._progress is not None:
            self._progress.stop()
