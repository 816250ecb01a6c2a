"""Fixtures of the robustness tests (see ``_support`` for the in-process runner).

Every test runs in its own ``tmp_path`` as the working directory, so fixture files are named by
their bare names and messages show those names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ._support import Outcome, run_lossctl


@pytest.fixture(scope="session")
def run() -> Callable[..., Outcome]:
    """``run(args, input=None) -> (code, stdout, stderr)``; see ``run_lossctl``."""
    return run_lossctl


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as the working directory; no debug tracebacks, no colour."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOSSCTL_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path
