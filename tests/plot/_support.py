"""Helpers of the picture tests: sample files, result checks, PNG sizes, the golden plot."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Ran  # tests/conftest.py


REPO = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO / "sample_data"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# mse, mae and huber(delta=1) over residuals -3..3, 40 characters wide, a plot 10 rows high.
# Each curve carries its number k at k/4 of the axis: mse at -1.5, mae at 0, huber at 1.5.
REGRESSION_40x10 = """\
  9 ┤⢳⡀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⢀⡞
    │⠀⢣⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⡜⠀
    │⠀⠀⢣⡀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⢀⡜⠀⠀
    │⠀⠀⠀⢳⡀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⢀⡞⠀⠀⠀
4.5 ┤⠀⠀⠀⠀⢳⡀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⢀⡞⠀⠀⠀⠀
    │⠀⠀⠀⠀⠀⠙⣄⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣠⠋⠀⠀⠀⠀⠀
    │⢤⣀⡀⠀⠀⠀⠈⢦⡀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⢀⡴⠁⠀⠀⠀⢀⣀⡤
    │⠙⠒⠭⣝⣲⠤⣄⡀1⣄⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣠⠋⢀⣠⠤⣖⣫⠭⠒⠋
    │⠀⠀⠀⠀⠈⠉⠒⠮⢽⣚⠷⢤⣀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣀⡤⠾⣓3⠵⠒⠉⠁⠀⠀⠀⠀
  0 ┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠈⠉⠓⠻⠿⢷⣦⣤2⣤⣴⡾⠿⠟⠚⠉⠁⠀⠀⠀⠀⠀⠀⠀⠀⠀
    └───────────────────────────────────
     -3               0                3
     residual r = y_true - y_pred
     1 mse  2 mae  3 huber
"""


def ok(result: Ran) -> Ran:
    assert result.exit_code == 0, f"exit {result.exit_code}; stderr: {result.stderr}"
    return result


def failed(result: Ran, *fragments: str) -> str:
    """stderr of a command that failed as a user's error: exit 2, one line, no traceback."""
    assert result.exit_code == 2, f"exit {result.exit_code}; stdout: {result.stdout}; stderr: {result.stderr}"
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in {result.stderr!r}"
    return result.stderr


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, after checking the signature."""
    assert data[:8] == PNG_SIGNATURE, data[:8]
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])
