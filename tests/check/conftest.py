"""Fixtures of the ``lossctl check`` tests: a repository in tmp_path and small prediction files
whose losses are computed by hand. lossctl itself is run by ``invoke`` (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._data import FILES


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as the working directory and the root of a repository (it holds ``.git``),
    with preds.csv, better.csv and worse.csv."""
    (tmp_path / ".git").mkdir()
    for name, last in FILES.items():
        (tmp_path / name).write_text(f"y_true,y_pred\n1,1\n2,2\n3,{last}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path
