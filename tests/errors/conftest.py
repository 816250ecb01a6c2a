"""Fixtures of the robustness tests (lossctl is run by ``invoke``, tests/conftest.py).

Every test runs in its own ``tmp_path`` as the working directory, so fixture files are named by
their bare names and messages show those names.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as the working directory; no debug tracebacks, no colour."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOSSCTL_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path
