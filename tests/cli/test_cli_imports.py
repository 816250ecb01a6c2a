"""Start-up stays cheap: a command imports what it needs, no more. ``--help`` and ``--version``
import neither NumPy nor pandas nor pyarrow (the group's help imports every command, to list them);
a command imports its own module, not the other commands';
a CSV run does not import the Parquet reader (pyarrow.parquet also imports pyarrow.fs and
ssl), while a Parquet run does; and a run of one loss imports only what it uses: no table
layout (Rich) for JSON, no temporary files (tempfile) before a sample spills to disk, no
normal quantile (statistics) without an interval, no equal-mass bins for equal-width ones."""

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
ON_DEMAND = ["rich", "tempfile", "statistics", "lossctl.losses.equal_mass"]
SCRIPT = f"""
import json, sys
from lossctl.cli.main import main
sys.argv = ["lossctl", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps([name for name in {WATCHED + ON_DEMAND!r} if name in sys.modules]), file=sys.stderr)
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
    assert [name for name in imported("compute", "-l", "mse", path) if name in WATCHED] == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-l", "mse", "--format", "json"], []),
        (["-l", "ece", "--format", "json"], []),
        (["-l", "ece", "--binning", "equal-mass", "--format", "json"], ["lossctl.losses.equal_mass"]),
        (["-l", "mse", "--ci", "0.95", "--format", "json"], ["statistics"]),
        (["-l", "mse"], ["rich"]),
    ],
)
def test_a_run_imports_what_it_uses(args, expected):
    path = "sample_data/binary.csv" if "ece" in args else "sample_data/preds.csv"
    loaded = imported("compute", *args, path)
    assert [name for name in ON_DEMAND if name in loaded] == expected
