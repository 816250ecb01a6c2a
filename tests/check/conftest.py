"""Fixtures of the ``lossctl check`` tests: a repository in tmp_path, small prediction files
whose losses are computed by hand, and the real entry point (``lossctl.cli.main.main``, which
turns errors into exit code 2) run in-process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ._data import FILES


@dataclass(frozen=True)
class Result:
    """What a run of lossctl gave: its exit code, stdout and stderr."""

    code: int
    out: str
    err: str


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


@pytest.fixture
def lossctl(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``lossctl ARGS...`` through its entry point; the exit code, stdout and stderr."""
    from lossctl.cli import main as entry

    def run(*args: str) -> Result:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            entry.main(list(args))
        out, err = capsys.readouterr()
        return Result(exit_info.value.code, out, err)

    return run
