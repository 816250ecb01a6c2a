"""lossctl's benchmark: lossctl against pandas + scikit-learn and a hand-built pyarrow + NumPy pipeline.

    .venv/bin/python bench/run.py [--quick] [--rounds N] [--only TEXT] [--against REV] [--regenerate]
                                  [--update-results]

Generates the seeded data if missing (bench/make_data.py), warms the page cache once per file,
then runs each case in paired rounds: every round runs every competitor of the case once, as
a whole process, in an order that rotates from round to round. Prints the medians, the
ratios and the peak memory with the issue's targets (PASS/MISS), and writes the same as JSON
to bench/data/latest.json; ``--update-results`` also rewrites the figures in bench/RESULTS.md.
Progress goes to stderr. ``--against REV`` also runs each lossctl command with the lossctl of
git revision REV (checked out in a temporary worktree), in the same rounds: the cost of a
change.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import make_data
import targets
from cases import PYTHON, Case, all_cases, at_revision
from measure import Result, run, warm
from report import Report, disagreements, failures

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
LATEST = make_data.DATA_DIR / "latest.json"
RESULTS_MD = BENCH / "RESULTS.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
PACKAGES = ["numpy", "pyarrow", "pandas", "scikit-learn", "click", "rich"]
PYCACHE = make_data.DATA_DIR / "pycache"
# Compiles (into PYCACHE) the modules every competitor imports, lossctl's included.
WARM_IMPORTS = """
import importlib, pkgutil
import numpy, pyarrow.csv, pyarrow.parquet, pandas, scipy.special, sklearn.metrics, click, rich.console, rich.table
import lossctl
for module in pkgutil.walk_packages(lossctl.__path__, "lossctl."):
    try:
        importlib.import_module(module.name)
    except Exception:
        pass
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _first_line(path: str, key: str) -> str:
    with open(path) as f:
        return next((line.split(":", 1)[1].strip() for line in f if line.startswith(key)), "unknown")


SIMD_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512vl")
"""The CPU features NumPy's vectorized loops are chosen by: its float64 sinh, log1p, expm1
are vectorized with AVX-512 and scalar library calls without it, so a run's kernel times
depend on which of these the machine has."""


def _simd_flags() -> str:
    flags = set(_first_line("/proc/cpuinfo", "flags").split())
    return " ".join(flag for flag in SIMD_FLAGS if flag in flags) or "none of " + " ".join(SIMD_FLAGS)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "missing"


def machine() -> dict:
    """Where the figures come from: CPU, memory, software versions, lossctl's commit."""
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": _first_line("/proc/cpuinfo", "model name"),
        "simd": _simd_flags(),
        "ram_gib": int(_first_line("/proc/meminfo", "MemTotal").split()[0]) / 2**20,
        "load_before": f"{os.getloadavg()[0]:.1f}",
        "versions": {"python": platform.python_version()} | {p: _version(p) for p in PACKAGES},
        "lossctl_commit": _git("rev-parse", "--short", "HEAD") or "unknown",
        "lossctl_dirty": bool(_git("status", "--porcelain", "--", "lossctl")),
    }


def child_env() -> dict[str, str]:
    """The competitors' environment: bytecode is cached, as it is for an installed package.

    With PYTHONDONTWRITEBYTECODE set (as on the machine this was written on), an editable
    lossctl would recompile its own modules in every process while numpy, pandas, ... load
    the bytecode pip compiled; every process instead shares a cache in bench/data/pycache.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def run_case(case: Case, rounds: int, env: dict[str, str]) -> dict[str, Result]:
    """Paired rounds: each runs every competitor once, starting one later than the round before."""
    results = {c.name: Result(case.name, c.name, c.argv) for c in case.competitors}
    if case.path is not None:
        warm(str(case.path))
    n = len(case.competitors)
    for i in range(rounds * case.repeat):
        for competitor in case.competitors[i % n :] + case.competitors[: i % n]:
            result = results[competitor.name]
            if result.error is not None:
                continue
            process = run(competitor.argv, env)
            if process.returncode != 0:
                lines = process.stderr.strip().splitlines() or ["(no message)"]
                result.error = f"exit {process.returncode}: {lines[-1]}"
                continue
            try:
                result.value = competitor.parse(process.stdout)
            except (ValueError, KeyError, StopIteration) as exc:
                result.error = f"unreadable output ({exc!r}): {process.stdout[:200]!r}"
                continue
            result.runs.append(process)
        log(
            f"  round {i + 1}/{rounds * case.repeat}: "
            + ", ".join(f"{r.competitor} {r.runs[-1].seconds:.2f}s" for r in results.values() if r.ok)
        )
    return results


@contextmanager
def revision_tree(revision: str | None) -> Iterator[Path | None]:
    """A temporary git worktree of ``revision`` (None: no tree), removed afterwards."""
    if revision is None:
        yield None
        return
    tree = make_data.DATA_DIR / "revision"
    subprocess.run(["git", "worktree", "add", "--force", "--detach", str(tree), revision], cwd=REPO, check=True)
    try:
        yield tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, check=True)


def update_results_md(report: Report) -> None:
    """Replace the generated part of bench/RESULTS.md (between the markers), keeping the notes."""
    block = f"{BEGIN}\n{report.render(markdown=True)}{END}"
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# lossctl benchmark results\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS_MD.write_text(text)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1M-row files (5M for regression_5x, 100k multi-class)")
    parser.add_argument("--rounds", type=int, help="paired rounds per case (default 5; 1 with --quick, a smoke run)")
    parser.add_argument(
        "--only", action="append", default=[], help="run only the cases whose name contains TEXT (repeatable)"
    )
    parser.add_argument("--against", metavar="REV", help="also time the lossctl of git revision REV, paired")
    parser.add_argument("--regenerate", action="store_true", help="rewrite the data files even if present")
    parser.add_argument("--update-results", action="store_true", help="rewrite the figures in bench/RESULTS.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 5)
    datasets = make_data.ensure(args.quick, args.regenerate, log=log)
    cases = [
        c for c in all_cases(make_data.data_root(args.quick)) if not args.only or any(s in c.name for s in args.only)
    ]
    host = machine()
    env = child_env()
    run([PYTHON, "-c", WARM_IMPORTS], env)
    results = {}
    with revision_tree(args.against) as tree:
        if tree is not None:
            cases = [at_revision(case, args.against, tree) for case in cases]
            run(["env", "-C", str(tree), PYTHON, "-c", WARM_IMPORTS], env)
        for case in cases:
            log(f"{case.name}: {', '.join(c.name for c in case.competitors)}")
            results[case.name] = run_case(case, rounds, env)
    host["load_after"] = f"{os.getloadavg()[0]:.1f}"
    rows = ", ".join(f"{d.name} {d.rows:,}" for d in datasets.values())
    settings = {"scale": "quick" if args.quick else "full", "rows": rows, "rounds": rounds}
    report = Report(host, settings, results, targets.evaluate(results), failures(results) + disagreements(results))
    print(report.render())
    LATEST.write_text(json.dumps(report.as_json(), indent=2) + "\n")
    log(f"wrote {LATEST.relative_to(REPO)}")
    if args.update_results:
        update_results_md(report)
        log(f"wrote {RESULTS_MD.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
