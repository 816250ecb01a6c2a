"""The issue's targets, checked on the medians of a benchmark run.

Time ratios are ratios of median wall-clock seconds; memory ratios are ratios of median peak
RSS. The in-memory pipeline that the memory targets refer to is the pandas + scikit-learn
script: the issue describes it as the one that "holds the whole file in memory (0.8-1.6 GB)",
and the best bounded-memory CSV reader it cites peaks at 334 MiB for 367 MB of CSV, far above
0.35x of the hand-built script's peak (about 270 MB), which only a pandas reference can mean.
The table still shows every competitor's peak. The report's targets are in seconds, not ratios:
the issue asks for a page in under 15 s for a million rows and under 3 s for the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases import (
    ARROW,
    BASE_CASES,
    BOOTSTRAP_CI,
    COMPARE,
    COMPARED,
    COMPUTE,
    COMPUTE_CI,
    DUCKDB,
    IMPORTS,
    LARGE,
    PANDAS,
    POLARS,
    REPORT,
    REPORT_CASE,
    REPORT_DEMO,
    STARTUP,
    SWEEP,
    SWEPT,
    VERSION,
    case_name,
)
from measure import Result

Results = dict[str, dict[str, Result]]  # case name -> competitor name -> result

# format -> (pandas + sklearn / lossctl compute at least, lossctl peak / pandas + sklearn peak at most)
SPEEDUP = {"csv": 3.0, "parquet": 6.0}
MEMORY = {"csv": 0.35, "parquet": 0.6}
NEAR_PIPELINE = 1.3
COMPARE_OVER_COMPUTE = 1.5
LARGE_OVER_BASE = 1.2  # lossctl's peak on the 5x regression file over its peak on the base file, per format
# format -> lossctl's peak / polars' peak on the 5x regression file at most (the issue asks it for Parquet)
LARGE_PEAK_OVER_POLARS = {"parquet": 1.0}
CI_OVER_PLAIN = 1.3  # compute --ci (either method) over the same compute without an interval
STARTUP_OVER_IMPORTS = 1.5
# lossctl report's median seconds at most: of a million rows, of the demo's two 200-row files
REPORT_SECONDS = {REPORT: 15.0, REPORT_DEMO: 3.0}
# format -> lossctl compute / the fastest peer computing the same number (DuckDB, polars, the script)
OVER_FASTEST_PEER = {"csv": 1.1, "parquet": 1.0}
PEERS = (ARROW, DUCKDB, POLARS)
SWEEP_OVER_COMPUTE = 4.0  # a 50-point sweep of huber over one compute


@dataclass(frozen=True)
class Target:
    """A measured ratio and its bound: ``at_least`` or at most ``limit``."""

    name: str
    measured: float | None
    limit: float
    at_least: bool = False

    @property
    def passed(self) -> bool:
        if self.measured is None:
            return False
        return self.measured >= self.limit if self.at_least else self.measured <= self.limit

    @property
    def bound(self) -> str:
        return f"{'>=' if self.at_least else '<='} {self.limit:g}"

    def as_json(self) -> dict:
        return {"target": self.name, "measured": self.measured, "bound": self.bound, "pass": self.passed}


def _ratio(results: Results, num: tuple[str, str], den: tuple[str, str], attr: str) -> float | None:
    """results[num].attr / results[den].attr, None if either is missing or failed."""
    a = getattr(results[num[0]][num[1]], attr)
    b = getattr(results[den[0]][den[1]], attr)
    return None if a is None or b is None else a / b


def _over_fastest(results: Results, case: str) -> float | None:
    """lossctl compute's median time over the fastest peer's (None if a peer did not run)."""
    times = [results[case][peer].median_s if peer in results[case] else None for peer in PEERS]
    mine = results[case][COMPUTE].median_s
    return None if mine is None or None in times else mine / min(times)


def _has(results: Results, *cases: str) -> bool:
    return all(case in results for case in cases)


def _format_targets(results: Results, fmt: str) -> list[Target]:
    """Speed-up over pandas, closeness to the pipeline and memory, per case; compare vs compute."""
    out = []
    for dataset, loss in BASE_CASES:
        case = case_name(dataset, fmt, loss)
        if not _has(results, case):
            continue
        lossctl, pandas, arrow = (case, COMPUTE), (case, PANDAS), (case, ARROW)
        out += [
            Target(
                f"{case}: time pandas+sklearn / lossctl",
                _ratio(results, pandas, lossctl, "median_s"),
                SPEEDUP[fmt],
                at_least=True,
            ),
            Target(f"{case}: time lossctl / arrow+numpy", _ratio(results, lossctl, arrow, "median_s"), NEAR_PIPELINE),
            Target(f"{case}: peak lossctl / pandas+sklearn", _ratio(results, lossctl, pandas, "peak_mib"), MEMORY[fmt]),
            Target(f"{case}: time lossctl / fastest peer", _over_fastest(results, case), OVER_FASTEST_PEER[fmt]),
        ]
    dataset, loss = COMPARED
    case = case_name(dataset, fmt, loss)
    if _has(results, case):
        ratio = _ratio(results, (case, COMPARE), (case, COMPUTE), "median_s")
        out.append(Target(f"{case}: time lossctl compare (10 losses) / compute", ratio, COMPARE_OVER_COMPUTE))
        for name in (COMPUTE_CI, BOOTSTRAP_CI):
            ratio = _ratio(results, (case, name), (case, COMPUTE), "median_s")
            out.append(Target(f"{case}: time {name} / compute", ratio, CI_OVER_PLAIN))
    return out


def _large_targets(results: Results, fmt: str) -> list[Target]:
    """Memory flat in the file size (lossctl's peak on 5x the rows against the base file's) and,
    where the format has a bound, lossctl's peak on the 5x file against polars'."""
    out = []
    base, large = case_name("regression", fmt, "mse"), case_name(LARGE, fmt, "mse")
    if _has(results, base, large):
        ratio = _ratio(results, (large, COMPUTE), (base, COMPUTE), "peak_mib")
        out.append(Target(f"{large}: peak lossctl on 5x rows / on base file", ratio, LARGE_OVER_BASE))
    if fmt in LARGE_PEAK_OVER_POLARS and _has(results, large):
        ratio = _ratio(results, (large, COMPUTE), (large, POLARS), "peak_mib")
        out.append(Target(f"{large}: peak lossctl / polars", ratio, LARGE_PEAK_OVER_POLARS[fmt]))
    return out


def evaluate(results: Results) -> list[Target]:
    """Every target whose cases were run."""
    out = [target for fmt in SPEEDUP for target in _format_targets(results, fmt)]
    out += [target for fmt in SPEEDUP for target in _large_targets(results, fmt)]
    swept = case_name(SWEPT[0], "parquet", SWEPT[1])
    if _has(results, swept):
        ratio = _ratio(results, (swept, SWEEP), (swept, COMPUTE), "median_s")
        out.append(Target(f"{swept}: time lossctl sweep (50 deltas) / compute", ratio, SWEEP_OVER_COMPUTE))
    if _has(results, REPORT_CASE):
        for name, limit in REPORT_SECONDS.items():
            out.append(Target(f"{REPORT_CASE}: seconds of {name}", results[REPORT_CASE][name].median_s, limit))
    if _has(results, STARTUP):
        ratio = _ratio(results, (STARTUP, VERSION), (STARTUP, IMPORTS), "median_s")
        out.append(Target("startup: lossctl --version / import numpy, click, rich", ratio, STARTUP_OVER_IMPORTS))
    return out
