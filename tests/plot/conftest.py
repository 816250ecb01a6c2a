"""Fixtures of the picture tests.

Commands run through lossctl's real entry point, ``lossctl.cli.main.main``, in-process under
Click's ``CliRunner``, in ``tmp_path``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Ran  # tests/conftest.py


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, invoke: Callable[..., Ran]) -> Callable[..., Ran]:
    """``run("plot", "curves", "-l", "mse")`` -> a ``Ran``, in ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return invoke
