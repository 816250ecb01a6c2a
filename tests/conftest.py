"""Fixtures shared by the test packages."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from lossctl.cli.main import main


class _Entry:
    """What ``CliRunner.invoke`` needs of a command (a ``main``), running lossctl's entry point,
    so that exit codes and messages are those of the installed ``lossctl``."""

    name = "lossctl"

    def main(self, args: Sequence[str] = (), prog_name: str | None = None, **extra: Any) -> None:
        main(list(args))


# Hypothesis budgets. The fuzz tests (marked ``slow``) take their example count from the profile:
# "default" keeps ``make test`` bounded and reproducible (the same examples on every run);
# "fuzz" (``make fuzz``, nightly) draws fresh examples, forty times as many.
settings.register_profile("default", max_examples=40, deadline=None, derandomize=True, database=None)
settings.register_profile("fuzz", max_examples=1600, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """``invoke("compute", "-l", "mse", "r.csv", input=None, env=None)`` -> a click ``Result``
    (``exit_code``, ``stdout``, ``stderr``) of lossctl run in-process."""
    monkeypatch.delenv("LOSSCTL_DEBUG", raising=False)
    runner = CliRunner()

    def call(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:  # noqa: A002
        return runner.invoke(_Entry(), list(args), input=input, env=env, catch_exceptions=False, prog_name="lossctl")

    return call
