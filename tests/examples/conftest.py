"""Fixtures of the worked-examples tests: the reference documents, found next to the repository."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

SEEDS = Path(__file__).parents[2].parent / "shared" / "seeds"
"""The reference documents: ../shared/seeds/ relative to the repository."""


@pytest.fixture
def seed_text() -> Callable[[str], str]:
    """A reader of one reference document by file name; skips when the documents are absent."""
    if not SEEDS.is_dir():
        pytest.skip(f"the reference documents are not checked out next to the repository ({SEEDS.name}/ absent)")

    def read(name: str) -> str:
        return (SEEDS / name).read_text(encoding="utf-8")

    return read
