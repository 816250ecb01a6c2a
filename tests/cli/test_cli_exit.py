"""The quick exit of the installed command (``entry_point``): the process ends with ``os._exit``
once the ``atexit`` handlers have run and the output is flushed, with ``main``'s exit code.

- The temporary directory of a sample spilled to sorted runs on disk is still removed: a
  process whose run buffer holds 1,000 values instead of a million keeps every sample alive
  to its end (as a reference cycle would), so that only the handlers can remove it.
- What a handler prints reaches a piped stdout (block-buffered: the child runs without
  PYTHONUNBUFFERED).
- A thread that is not a daemon, still at work, leaves the end to Python's own shutdown,
  which waits for it, instead of cutting it short."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
from sklearn.metrics import d2_absolute_error_score

from .conftest import write

RUNNER = """
import atexit, sys
from lossctl.cli.main import entry_point
from lossctl.losses import runs

runs.BUFFER_VALUES = 1000
kept, made = [], runs.Runs.__init__
runs.Runs.__init__ = lambda self, *args: (kept.append(self), made(self, *args))[1]
atexit.register(print, "handlers ran")
if sys.argv[1] == "late-thread":
    import threading, time

    threading.Thread(target=lambda: (time.sleep(0.5), print("thread done", flush=True))).start()
sys.argv = ["lossctl", *sys.argv[2:]]
entry_point()
"""


def run(tmp_path, setting: str, *args: str) -> subprocess.CompletedProcess:
    temporary = tmp_path / "tmp"
    temporary.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("LOSSCTL_DEBUG", "PYTHONUNBUFFERED")}
    env["TMPDIR"] = str(temporary)
    command = [sys.executable, "-c", RUNNER, setting, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, env=env)


def test_spilled_runs_are_removed_and_the_output_is_whole(tmp_path):
    rng = np.random.default_rng(11)
    y = rng.normal(size=5000)
    p = y + rng.standard_t(3, size=5000)
    rows = "".join(f"{a!r},{b!r}\n" for a, b in zip(y.tolist(), p.tolist(), strict=True))
    write(tmp_path / "preds.csv", "y_true,y_pred\n" + rows)
    proc = run(tmp_path, "plain", "compute", "-l", "d2:mae", str(tmp_path / "preds.csv"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    document, handlers = proc.stdout.rsplit("\n", 2)[:2]
    assert handlers == "handlers ran"
    value = json.loads(document)["results"][0]["value"]
    assert abs(value - d2_absolute_error_score(y, p)) <= 1e-12 * abs(value)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_the_exit_code_is_mains_and_a_thread_at_work_finishes(tmp_path):
    # mse of errors (1, 3) is 5: over a maximum of 4, the check fails with code 1.
    write(tmp_path / "preds.csv", "y_true,y_pred\n0,1\n0,3\n")
    for setting in ("plain", "late-thread"):
        proc = run(tmp_path, setting, "check", "-l", "mse", "--max", "4", str(tmp_path / "preds.csv"))
        assert proc.returncode == 1, (setting, proc.stderr)
        assert proc.stdout.endswith("handlers ran\n"), setting
        assert ("thread done" in proc.stdout) == (setting == "late-thread"), setting
