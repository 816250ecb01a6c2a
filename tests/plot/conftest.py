"""Fixtures of the picture tests.

Commands run through lossctl's real entry point, ``lossctl.cli.main.main``, in-process under
Click's ``CliRunner``, in ``tmp_path``. ``plot`` and ``report`` are added to the ``lossctl``
group for the test when the group does not register them yet, so the tests run the same
before and after they are wired into ``lossctl.cli.main``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lossctl.cli.main import cli, main
from lossctl.cli.plot import plot
from lossctl.cli.report import report


class _Entry:
    """What ``CliRunner.invoke`` needs of a command: lossctl's entry point, exit codes included."""

    name = "lossctl"

    def main(self, args: Sequence[str] = (), prog_name: str | None = None, **extra: Any) -> None:
        main(list(args))


Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """``run("plot", "curves", "-l", "mse")`` -> a click ``Result``, in ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOSSCTL_DEBUG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    for command in (plot, report):
        if command.name not in cli.commands:
            monkeypatch.setitem(cli.commands, command.name, command)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(_Entry(), list(args), catch_exceptions=False, prog_name="lossctl")

    return invoke
