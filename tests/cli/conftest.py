"""Fixtures and helpers of the command-line tests.

Every test runs lossctl's real entry point, ``lossctl.cli.main.main`` (which drives the Click
group ``lossctl.cli.main.cli`` and turns errors into exit codes), in-process under Click's
``CliRunner``: stdout and stderr are captured apart, stdin comes from ``input=``, and stdout is
not a terminal (so tables are 160 columns wide and carry no colour). The working directory is
``tmp_path``, so files are named in the output as they were given on the command line.

The small files here hold numbers whose losses the tests compute by hand.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Ran  # tests/conftest.py

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DATA = REPO / "sample_data"

# The regression file of most tests, r.csv: one error of 4 in the last row.
Y_TRUE = [1.0, 2.0, 3.0, 4.0]
Y_PRED = [1.0, 2.0, 3.0, 8.0]
REGRESSION_CSV = "y_true,y_pred\n1,1\n2,2\n3,3\n4,8\n"
# Another model on the same labels, b.csv: every prediction 1.5 too high (no outlier).
BIASED_CSV = "y_true,y_pred\n1,2.5\n2,3.5\n3,4.5\n4,5.5\n"
# A binary file, bin.csv: probabilities of the positive class.
BINARY_CSV = "y_true,y_pred\n1,0.9\n0,0.2\n1,0.6\n0,0.4\n"
# The probability given to the true class of each row of bin.csv (p if y = 1, else 1 - p).
BINARY_PT = [0.9, 0.8, 0.6, 0.6]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, invoke: Callable[..., Ran]) -> Callable[..., Ran]:
    """``run("compute", "-l", "mse", "r.csv", input=None, env=None)`` -> a ``Ran``
    (``exit_code``, ``stdout``, ``stderr``), in ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    return invoke


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """tmp_path with r.csv, b.csv and bin.csv written (see the constants above)."""
    write(tmp_path / "r.csv", REGRESSION_CSV)
    write(tmp_path / "b.csv", BIASED_CSV)
    write(tmp_path / "bin.csv", BINARY_CSV)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def ok(result: Ran) -> Ran:
    """The result, after checking that the command succeeded (showing stderr if not)."""
    assert result.exit_code == 0, f"exit {result.exit_code}; stderr: {result.stderr}"
    return result


def failed(result: Ran, *fragments: str, code: int = 2) -> str:
    """stderr of a command that failed as a user's error: exit ``code``, nothing on stdout,
    one ``Error:`` line holding every fragment, no traceback."""
    assert result.exit_code == code, f"exit {result.exit_code}; stdout: {result.stdout}; stderr: {result.stderr}"
    assert result.stdout == ""
    err = result.stderr
    assert "Traceback" not in err
    assert "internal error" not in err
    assert err.startswith("Error: ") or err.startswith("Usage: "), err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    return err


def document(result: Ran) -> dict[str, Any]:
    """The JSON document on stdout of a successful command."""
    return json.loads(ok(result).stdout)


def value(result: Ran) -> float:
    """The value of the only result of a ``--format json`` run."""
    results = document(result)["results"]
    assert len(results) == 1, results
    return results[0]["value"]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def lossctl_script() -> Path:
    """The console script installed beside the running interpreter."""
    path = Path(sys.executable).parent / "lossctl"
    assert path.exists(), f"no console script at {path}"
    return path
