"""Helpers of the robustness tests: lossctl run in-process, and checks of its error line.

``run_lossctl(args, input=None) -> (code, stdout, stderr)`` calls ``lossctl.cli.main.main(args)``
with stdin, stdout and stderr replaced by in-memory streams, and returns the exit code it ended
with (``main`` always ends with ``sys.exit``). Nothing else is mocked: the errors come from the
same code path as on a terminal.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path

Outcome = tuple[int, str, str]


def run_lossctl(args: Sequence[str], input: str | bytes | None = None) -> Outcome:  # noqa: A002 - as subprocess
    """Run ``lossctl ARGS`` in-process: (exit code, stdout, stderr)."""
    from lossctl.cli.main import main

    data = input.encode("utf-8") if isinstance(input, str) else (input or b"")
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        main([str(arg) for arg in args])
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    if code is None:
        code = 0
    out = stdout.buffer.getvalue().decode("utf-8", errors="replace")
    err = stderr.buffer.getvalue().decode("utf-8", errors="replace")
    assert isinstance(code, int), f"exit with a non-integer code {code!r}; stderr: {err}"
    return code, out, err


def error_line(code: int, out: str, err: str, *, expected_code: int = 2) -> str:
    """The one error line of a failed run, after checking the run failed as it should: the
    expected exit code, nothing on stdout, exactly one line on stderr, no traceback, and not
    an internal error."""
    assert code == expected_code, f"exit code {code}, expected {expected_code}; stderr: {err!r}"
    assert out == "", f"a failed run printed a result: {out!r}"
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, f"the error is not one line: {err!r}"
    return lines[0]


def write_csv(path: Path, header: str, rows: Sequence[str]) -> Path:
    """A CSV file: the header line, then one line per row."""
    path.write_text(header + "\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path
