"""Helpers of the robustness tests: checks of lossctl's error line, CSV files, and a small valid
input.

lossctl itself is run by the ``invoke`` fixture (tests/conftest.py), in-process through
``lossctl.cli.main.main``: nothing else is mocked, the errors come from the same code path as on
a terminal. Its result unpacks as ``code, out, err``, so ``error_line(*invoke(...))`` reads it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa


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


# A small valid input: ROWS rows of labels 0..6 and predictions off by 0.5.
ROWS = 500
Y_TRUE = np.arange(ROWS, dtype=np.float64) % 7
Y_PRED = Y_TRUE + 0.5


def csv_bytes(rows: int = ROWS) -> bytes:
    """The CSV text of the first ``rows`` rows of Y_TRUE and Y_PRED."""
    return ("y_true,y_pred\n" + "".join(f"{i % 7},{i % 7 + 0.5}\n" for i in range(rows))).encode()


def table() -> pa.Table:
    """Y_TRUE and Y_PRED as an Arrow table."""
    return pa.table({"y_true": Y_TRUE, "y_pred": Y_PRED})


def npy_claiming(rows: int, data: bytes = b"\0" * 64) -> bytes:
    """A .npy file whose header claims ``rows`` float64 values, followed by ``data``."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (rows,)})
    return header.getvalue() + data
