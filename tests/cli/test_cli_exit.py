"""The quick exit of the installed command (``entry_point``): the process ends with ``os._exit``
once the output is flushed and the ``atexit`` handlers have run, so what those handlers clean
up is still cleaned up. Here: the temporary directory of a sample spilled to sorted runs on
disk, by a process whose run buffer holds 1,000 values instead of a million, and which keeps
every sample alive to its end (as a reference cycle would), so that only the handlers can
remove the directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
from sklearn.metrics import d2_absolute_error_score

from .conftest import write

RUNNER = """
import sys
from lossctl.cli.main import entry_point
from lossctl.losses import runs

runs.BUFFER_VALUES = 1000
kept, made = [], runs.Runs.__init__
runs.Runs.__init__ = lambda self, *args: (kept.append(self), made(self, *args))[1]
sys.argv = ["lossctl", *sys.argv[1:]]
entry_point()
"""


def test_spilled_runs_are_removed_and_the_output_is_whole(tmp_path):
    rng = np.random.default_rng(11)
    y = rng.normal(size=5000)
    p = y + rng.standard_t(3, size=5000)
    rows = "".join(f"{a!r},{b!r}\n" for a, b in zip(y.tolist(), p.tolist(), strict=True))
    write(tmp_path / "preds.csv", "y_true,y_pred\n" + rows)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "LOSSCTL_DEBUG"} | {"TMPDIR": str(temporary)}
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, "compute", "-l", "d2:mae", str(tmp_path / "preds.csv"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    value = json.loads(proc.stdout)["results"][0]["value"]
    assert abs(value - d2_absolute_error_score(y, p)) <= 1e-12 * abs(value)
    assert list(temporary.iterdir()) == []
