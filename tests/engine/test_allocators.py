"""The allocators a run sets (``lossctl.engine.allocator``): Arrow's buffers come from jemalloc
when pyarrow has it, unless ARROW_DEFAULT_MEMORY_POOL chose a pool, which is then kept. Each
case is a fresh process, whose pool no other test has set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

ROOT = Path(__file__).parents[2]
SCRIPT = """
import pyarrow as pa
from lossctl.cli.main import main
try:
    main(["compute", "-l", "mse", "sample_data/preds.parquet", "--format", "json"])
except SystemExit as exc:
    assert exc.code == 0, exc.code
print(pa.default_memory_pool().backend_name)
"""


def _has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


def pool_after_a_run(chosen: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()[-1]


def test_a_run_puts_arrow_on_jemalloc_when_pyarrow_has_it():
    expected = "jemalloc" if _has_jemalloc() else pa.default_memory_pool().backend_name
    assert pool_after_a_run(None) == expected


@pytest.mark.parametrize("chosen", ["system", "mimalloc"])
def test_the_pool_the_environment_chose_is_kept(chosen):
    assert pool_after_a_run(chosen) == chosen
