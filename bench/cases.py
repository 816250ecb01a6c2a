"""What the benchmark runs: each case is a file and a loss, and the processes that compute it.

Every competitor is a whole process: the ``lossctl`` console script, or this venv's Python
running one of the scripts in ``bench/competitors/``. The first competitor of a case is its
reference: ratios are taken against it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
LOSSCTL = str(Path(PYTHON).with_name("lossctl"))
COMPETITORS = BENCH / "competitors"

COMPUTE = "lossctl compute"
COMPARE = "lossctl compare"
COMPUTE_CI = "lossctl compute --ci"
BOOTSTRAP_CI = "lossctl compute --ci bootstrap"
COMPARE_CI = "lossctl compare --ci"
SWEEP = "lossctl sweep"
PANDAS = "pandas + sklearn"
ARROW = "arrow + numpy"
DUCKDB = "duckdb"
POLARS = "polars"
REPORT = "lossctl report"
REPORT_DEMO = "lossctl report (two 200-row files)"
VERSION = "lossctl --version"
IMPORTS = "python -c import"

REGRESSION_LOSSES = ["mse", "rmse", "mae", "huber", "smooth-l1", "log-cosh", "quantile", "mape", "msle", "poisson"]
IMPORT_LINE = "import numpy, click, rich.console"

# (dataset, loss) of the cases run on CSV and on Parquet; the loss names are lossctl's and the scripts'.
BASE_CASES = [("regression", "mse"), ("regression", "huber"), ("binary", "bce"), ("multiclass", "cross-entropy")]
LOSSCTL_FLAGS = {"cross-entropy": ["--from-logits"]}
# against pandas + sklearn only
SCORE_CASES = [("regression", "r2"), ("regression", "d2:mae"), ("regression", "gamma-deviance"), ("binary", "ece")]
COMPARED = ("regression", "mse")  # lossctl compare (every regression loss) runs in this case
LARGE = "regression_5x"
SWEPT = ("regression", "huber sweep")  # a 50-point sweep of huber's delta against one compute
SWEEP_RANGE = (0.01, 100.0, 50)  # log-spaced, as lossctl sweep --delta 0.01:100:log:50
SWEEP_CHECKED = 24  # the grid point whose value is checked against compute's at that delta
FORMATS = ("csv", "parquet")
STARTUP = "startup"
REPORT_CASE = "report.csv report"
DEMO_FILES = [str(BENCH.parent / "sample_data" / f"model_{m}.csv") for m in ("a", "b")]


def parse_script(stdout: str) -> float:
    """The value a competitor script prints."""
    return float(stdout.strip())


def parse_lossctl(loss: str) -> Callable[[str], float]:
    """A parser of lossctl's JSON output that picks the value of ``loss``."""

    def parse(stdout: str) -> float:
        results = json.loads(stdout)["results"]
        return next(r["value"] for r in results if r["loss"] == loss)

    return parse


def parse_nothing(stdout: str) -> None:
    """For processes that print no loss (start-up)."""
    return None


@dataclass(frozen=True)
class Competitor:
    """One process to time, and how to read the loss value from its stdout."""

    name: str
    argv: list[str]
    parse: Callable[[str], float | None] = parse_nothing


@dataclass(frozen=True)
class Case:
    """A file (None for start-up) and the competitors run on it, once per round."""

    name: str
    path: Path | None
    competitors: list[Competitor]
    repeat: int = 1  # runs per round of each competitor: cheap cases get more samples


def case_name(dataset: str, fmt: str, loss: str) -> str:
    """The name of a case, e.g. ``regression.csv mse``: how the targets find it."""
    return f"{dataset}.{fmt} {loss}"


def lossctl_compute(loss: str, path: Path, name: str = COMPUTE, extra: tuple[str, ...] = ()) -> Competitor:
    """``lossctl compute`` of one loss, JSON output: the reference of every loss case (with
    ``extra`` options, e.g. ``--ci``, under another ``name``)."""
    argv = [LOSSCTL, "compute", "--loss", loss, *LOSSCTL_FLAGS.get(loss, []), *extra, str(path), "--format", "json"]
    return Competitor(name, argv, parse_lossctl(loss))


def lossctl_compare(path: Path, name: str = COMPARE, extra: tuple[str, ...] = ()) -> Competitor:
    """lossctl compare restricted to every (streamable) regression loss; its mse is checked."""
    losses = [arg for loss in REGRESSION_LOSSES for arg in ("-l", loss)]
    argv = [LOSSCTL, "compare", *losses, *extra, str(path), "--format", "json"]
    return Competitor(name, argv, parse_lossctl("mse"))


def sweep_case(path: Path) -> Case:
    """``lossctl sweep -l huber`` over 50 log-spaced deltas against ``lossctl compute`` at one
    of them: the sweep's value at that delta must be compute's, and its time at most 4x."""
    import numpy as np

    start, stop, points = SWEEP_RANGE
    delta = float(np.geomspace(start, stop, points)[SWEEP_CHECKED])
    reference = lossctl_compute("huber", path, extra=("--delta", repr(delta)))
    argv = [LOSSCTL, "sweep", "-l", "huber", "--delta", f"{start:g}:{stop:g}:log:{points}", str(path)]

    def parse(stdout: str) -> float:
        return json.loads(stdout)["grid"]["values"][str(path)][SWEEP_CHECKED]

    sweep = Competitor(SWEEP, [*argv, "--format", "json", "--no-progress"], parse)
    return Case(case_name(path.stem, path.suffix.lstrip("."), SWEPT[1]), path, [reference, sweep])


def script(name: str, file: str, loss: str, path: Path) -> Competitor:
    """One of the scripts in bench/competitors/, run by this venv's Python."""
    return Competitor(name, [PYTHON, str(COMPETITORS / file), loss, str(path)], parse_script)


def loss_case(loss: str, path: Path, *, compare: bool = False, pandas: bool = True) -> Case:
    """lossctl compute (the reference), [lossctl compare], [pandas + sklearn], arrow + numpy,
    DuckDB and polars (the fastest peers a user could pick)."""
    competitors = [lossctl_compute(loss, path)]
    if compare:  # also what an interval costs, against the same runs without one
        competitors.append(lossctl_compute(loss, path, COMPUTE_CI, ("--ci",)))
        competitors.append(lossctl_compute(loss, path, BOOTSTRAP_CI, ("--ci", "--ci-method", "bootstrap")))
        competitors.append(lossctl_compare(path))
        competitors.append(lossctl_compare(path, COMPARE_CI, ("--ci",)))
    if pandas:
        competitors.append(script(PANDAS, "pandas_sklearn.py", loss, path))
    competitors.append(script(ARROW, "arrow_numpy.py", loss, path))
    competitors.append(script(DUCKDB, "duckdb_sql.py", loss, path))
    competitors.append(script(POLARS, "polars_lazy.py", loss, path))
    return Case(case_name(path.stem, path.suffix.lstrip("."), loss), path, competitors)


def score_case(loss: str, path: Path) -> Case:
    """A score of the whole sample: lossctl compute against pandas + scikit-learn."""
    competitors = [lossctl_compute(loss, path), script(PANDAS, "pandas_sklearn.py", loss, path)]
    return Case(case_name(path.stem, path.suffix.lstrip("."), loss), path, competitors)


def startup_case(repeat: int = 4) -> Case:
    """``lossctl --version`` against the bare imports of its dependencies."""
    competitors = [Competitor(VERSION, [LOSSCTL, "--version"]), Competitor(IMPORTS, [PYTHON, "-c", IMPORT_LINE])]
    return Case(STARTUP, None, competitors, repeat=repeat)


def report_case(path: Path) -> Case:
    """``lossctl report`` (every regression loss, the page on stdout) of a million rows, then
    of the demo's two 200-row files; its targets are in seconds."""
    competitors = [
        Competitor(REPORT, [LOSSCTL, "report", str(path), "--no-progress"]),
        Competitor(REPORT_DEMO, [LOSSCTL, "report", *DEMO_FILES, "--no-progress"]),
    ]
    return Case(REPORT_CASE, path, competitors)


def at_revision(case: Case, revision: str, tree: Path) -> Case:
    """The case with, after each lossctl competitor, the same command run by the lossctl of
    ``revision`` checked out at ``tree`` (``python -m lossctl`` run in the tree, which puts
    it first on the path, before the editable install): the cost of a change, measured in the
    same paired rounds."""
    competitors = []
    for competitor in case.competitors:
        competitors.append(competitor)
        if competitor.name in (COMPUTE, COMPARE):  # the runs without an interval
            argv = ["env", "-C", str(tree), PYTHON, "-m", "lossctl", *competitor.argv[1:]]
            competitors.append(Competitor(f"{competitor.name} @{revision}", argv, competitor.parse))
    return Case(case.name, case.path, competitors, case.repeat)


def all_cases(root: Path) -> list[Case]:
    """Every case of the benchmark, over the datasets in ``root``."""
    cases = []
    for fmt in FORMATS:
        for dataset, loss in BASE_CASES:
            cases.append(loss_case(loss, root / f"{dataset}.{fmt}", compare=(dataset, loss) == COMPARED))
        for dataset, loss in SCORE_CASES:
            cases.append(score_case(loss, root / f"{dataset}.{fmt}"))
    cases.append(sweep_case(root / f"{SWEPT[0]}.parquet"))
    for fmt in FORMATS:
        cases.append(loss_case("mse", root / f"{LARGE}.{fmt}", pandas=False))
    cases.append(report_case(root / "report.csv"))
    cases.append(startup_case())
    return cases
