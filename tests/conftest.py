"""Fixtures shared by the test packages."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner
from hypothesis import settings

from lossctl.cli.main import main


def pytest_collection_finish(session: pytest.Session) -> None:
    """The objects of every module the tests imported (PyTorch, SciPy, scikit-learn, Dask,
    hypothesis...) moved out of the garbage collector's reach (``gc.freeze``): lossctl's entry
    point collects garbage after an error (``lossctl.cli.main.main``), which in a test process
    holding them took a quarter of a second a run. The objects a run makes are collected as
    before; these modules live as long as the process anyway."""
    gc.freeze()


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as a pipe draws them (``output.fit``: 100 columns) unless a test sets COLUMNS:
    pytest-xdist's workers inherit COLUMNS=80."""
    monkeypatch.delenv("COLUMNS", raising=False)


class Ran(NamedTuple):
    """What a run of lossctl gave: its exit code, stdout and stderr (decoded as UTF-8, undecodable
    bytes replaced). A tuple, so ``code, out, err = invoke(...)`` unpacks it."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout parsed as JSON."""
        return json.loads(self.stdout)


class _Entry:
    """What ``CliRunner.invoke`` needs of a command (a ``main``), running lossctl's entry point,
    so that exit codes and messages are those of the installed ``lossctl``."""

    name = "lossctl"

    def main(self, args: Sequence[str] = (), prog_name: str | None = None, **extra: Any) -> None:
        try:
            main(list(args))
        except SystemExit as exc:
            assert exc.code is None or isinstance(exc.code, int), f"exit with a non-integer code {exc.code!r}"
            raise


@contextmanager
def _working_directory(cwd: str | os.PathLike[str] | None) -> Iterator[None]:
    if cwd is None:
        yield
        return
    saved = os.getcwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved)


def _in_a_process(
    args: list[str],
    input: str | bytes | None,  # noqa: A002 - as subprocess.run
    env: Mapping[str, str | None] | None,
    cwd: str | os.PathLike[str] | None,
) -> Ran:
    """``python -m lossctl ARGS`` in a process of its own (for inputs that may crash the
    interpreter), with the environment of the tests less LOSSCTL_DEBUG, then ``env``."""
    environ = {key: value for key, value in os.environ.items() if key != "LOSSCTL_DEBUG"}
    for key, value in (env or {}).items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    data = input.encode("utf-8") if isinstance(input, str) else (input or b"")
    done = subprocess.run(
        [sys.executable, "-m", "lossctl", *args], cwd=cwd, env=environ, input=data, capture_output=True
    )
    return Ran(done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace"))


# Hypothesis budgets: "default" keeps the property tests bounded and reproducible (the same
# examples on every run; ``make test``, which leaves out the fuzz tests marked ``slow``); "fuzz"
# (``make fuzz``, nightly: the fuzz tests only) draws fresh examples, sixty times as many.
settings.register_profile("default", max_examples=20, deadline=None, derandomize=True, database=None)
settings.register_profile("fuzz", max_examples=1200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

Invoke = Callable[..., Ran]


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """``invoke("compute", "-l", "mse", "r.csv", input=None, env=None, cwd=None, process=False)``
    -> a ``Ran`` (``exit_code``, ``stdout``, ``stderr``, ``.json()``) of lossctl.

    Run in-process by default: lossctl's entry point, ``lossctl.cli.main.main``, under Click's
    ``CliRunner`` (stdin from ``input=``, str or bytes; stdout and stderr captured apart, not a
    terminal; ``env=`` set for the run, a ``None`` value unsetting a variable). ``cwd=`` runs it in
    that directory. ``process=True`` runs ``python -m lossctl`` in a process of its own instead.
    LOSSCTL_DEBUG is unset either way. Arguments are passed through ``str`` (paths may be given)."""
    monkeypatch.delenv("LOSSCTL_DEBUG", raising=False)
    runner = CliRunner()

    def call(
        *args: str | os.PathLike[str],
        input: str | bytes | None = None,  # noqa: A002
        env: Mapping[str, str | None] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        process: bool = False,
    ) -> Ran:
        words = [str(arg) for arg in args]
        if process:
            return _in_a_process(words, input, env, cwd)
        with _working_directory(cwd):
            result = runner.invoke(_Entry(), words, input=input, env=env, catch_exceptions=False, prog_name="lossctl")
        return Ran(result.exit_code, result.stdout, result.stderr)

    return call


_PEAK = """
import resource, sys
from lossctl.cli.main import main
sys.argv = ["lossctl", *sys.argv[1:]]
try:
    main()
finally:
    print("peak", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def peak_mib(*args: str | os.PathLike[str]) -> float:
    """Peak resident memory, in MiB, of a lossctl process run with ``args`` (which must
    succeed), as the process itself reports it (getrusage(2), RUSAGE_SELF: KiB on Linux)."""
    ran = subprocess.run([sys.executable, "-c", _PEAK, *map(str, args)], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    return int(ran.stderr.split("peak ")[-1]) / 1024


@pytest.fixture(name="peak_mib")
def peak_mib_fixture() -> Callable[..., float]:
    """``peak_mib("compute", "-l", "mse", path)``: see `peak_mib`."""
    return peak_mib
