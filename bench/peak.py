"""Runs a command and writes its peak RSS in kB to a file: the fallback when /usr/bin/time is missing.

    python peak.py REPORT_FILE COMMAND [ARG...]

The command is a fresh child of this small process, so its ``ru_maxrss`` (the largest of this
process's reaped children) is its own peak, floored only by this launcher's own ~11 MiB.
"""

from __future__ import annotations

import resource
import subprocess
import sys

if __name__ == "__main__":
    report, *command = sys.argv[1:]
    code = subprocess.call(command)
    with open(report, "w") as f:
        f.write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")
    sys.exit(code)
