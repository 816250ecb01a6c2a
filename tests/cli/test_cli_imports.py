"""Start-up stays cheap: a command imports what it needs, no more. ``--help`` and ``--version``
import neither NumPy nor pandas nor pyarrow (the group's help imports every command, to list them);
a command imports its own module, not the other commands';
a CSV run does not import the Parquet reader (pyarrow.parquet also imports pyarrow.fs and
ssl), while a Parquet run does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
WATCHED = [
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    *(f"lossctl.cli.{name}" for name in ("check", "compare", "compute", "plot", "listing")),
]
SCRIPT = f"""
import json, sys
from lossctl.cli.main import main
sys.argv = ["lossctl", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps([name for name in {WATCHED!r} if name in sys.modules]), file=sys.stderr)
"""


def imported(*args: str) -> list[str]:
    """Which of WATCHED a fresh process running ``lossctl ARGS`` has imported."""
    result = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, cwd=ROOT)
    return json.loads(result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_import_neither_numpy_nor_pandas_nor_pyarrow(flag):
    assert {"numpy", "pandas", "pyarrow"}.isdisjoint(imported(flag))


def test_version_imports_no_command():
    assert imported("--version") == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("sample_data/preds.csv", ["numpy", "pyarrow", "lossctl.cli.compute"]),
        ("sample_data/preds.parquet", ["numpy", "pyarrow", "pyarrow.parquet", "lossctl.cli.compute"]),
    ],
)
def test_a_command_imports_its_own_module_and_its_format_reader(path, expected):
    assert imported("compute", "-l", "mse", path) == expected
