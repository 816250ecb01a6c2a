"""One whole process, timed wall-clock, with the peak resident memory of exactly that process.

The peak comes from GNU ``/usr/bin/time -f %M`` (or, without it, from ``bench/peak.py``, a
tiny launcher): the measured command is forked from that small process. It cannot come from
the benchmark's own ``os.wait4``/``getrusage``: Linux carries the high-water RSS of the
address space a process replaces at ``exec`` into its ``ru_maxrss``, so a child spawned
directly by the benchmark (vfork or fork) reports at least the benchmark's own RSS (~85 MiB),
and ``RUSAGE_CHILDREN`` only keeps the largest child seen so far.

Wall-clock time is measured around the whole launch; CPU time (user + system) is the wrapper's
``wait4`` usage, which includes the command it reaped.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

GNU_TIME = "/usr/bin/time"
LAUNCHER = Path(__file__).resolve().with_name("peak.py")


@dataclass(frozen=True)
class Run:
    """What one process did: wall-clock and CPU (user + system) seconds, peak RSS in MiB, exit code, output."""

    seconds: float
    cpu_s: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str


def _with_peak_report(argv: list[str], report: str) -> list[str]:
    """``argv`` wrapped so that its peak RSS in kB is written as the last line of ``report``."""
    if os.access(GNU_TIME, os.X_OK):
        return [GNU_TIME, "-f", "%M", "-o", report, *argv]
    return [sys.executable, str(LAUNCHER), report, *argv]


def _peak_kib(report: str) -> float:
    with open(report) as f:
        lines = f.read().split()
    return float(lines[-1]) if lines else float("nan")


def run(argv: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` to completion; stdout and stderr go to temporary files, not pipes."""
    fd, report = tempfile.mkstemp(prefix="bench-peak-")
    os.close(fd)
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(
                _with_peak_report(argv, report), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env
            )
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            return Run(
                seconds=seconds,
                cpu_s=usage.ru_utime + usage.ru_stime,
                peak_mib=_peak_kib(report) / 1024,
                returncode=proc.returncode,
                stdout=out.read().decode(errors="replace"),
                stderr=err.read().decode(errors="replace"),
            )
    finally:
        os.unlink(report)


def warm(path: str, block: int = 1 << 24) -> None:
    """Read a file once so that every competitor finds it in the page cache."""
    with open(path, "rb", buffering=0) as f:
        while f.read(block):
            pass


@dataclass
class Result:
    """Every run of one competitor in one case, and the loss value it printed."""

    case: str
    competitor: str
    argv: list[str]
    runs: list[Run] = field(default_factory=list)
    value: float | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.runs)

    @property
    def median_s(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.ok else None

    @property
    def min_s(self) -> float | None:
        return min(r.seconds for r in self.runs) if self.ok else None

    @property
    def cpu_s(self) -> float | None:
        """The median CPU time: less disturbed than wall-clock by a busy machine, blind to idle waits."""
        return statistics.median(r.cpu_s for r in self.runs) if self.ok else None

    @property
    def peak_mib(self) -> float | None:
        """The median over the runs of the process's peak RSS."""
        return statistics.median(r.peak_mib for r in self.runs) if self.ok else None

    def as_json(self) -> dict:
        return {
            "case": self.case,
            "competitor": self.competitor,
            "argv": self.argv,
            "seconds": [r.seconds for r in self.runs],
            "cpu_s": [r.cpu_s for r in self.runs],
            "peak_mib": [r.peak_mib for r in self.runs],
            "median_s": self.median_s,
            "min_s": self.min_s,
            "median_cpu_s": self.cpu_s,
            "median_peak_mib": self.peak_mib,
            "value": self.value,
            "error": self.error,
        }
