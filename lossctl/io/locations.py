"""What a path given to lossctl names: one local file, or a dataset of many (see
`lossctl.io.dataset`). Told from the path alone, without importing the dataset reader."""

from __future__ import annotations

import os
import re

GLOB_MAGIC = re.compile(r"[*?[]")
"""The characters that make a path a glob pattern (as `glob.has_magic`)."""


def is_url(path: str) -> bool:
    """Whether ``path`` is an fsspec URL (``scheme://...``) rather than a local path."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", path) is not None


def is_dataset(path: str) -> bool:
    """Whether ``path`` names a dataset rather than one local file: a URL, a directory, or a
    glob pattern that is not the name of an existing file."""
    if is_url(path):
        return True
    if os.path.isdir(path):
        return True
    return GLOB_MAGIC.search(path) is not None and not os.path.exists(path)
