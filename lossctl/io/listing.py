"""Listing the files of a multi-file input: a directory (searched recursively), a glob
(``preds/*.parquet``, ``**`` recursive), or either behind an fsspec URL.

Names starting with ``.`` or ``_`` (``_SUCCESS``, ``.crc`` files) are skipped, and so are
files whose extension names no data format (unless ``input_format`` says the format). Every
file must be of one format: Parquet, CSV, TSV, JSON Lines or Feather.
"""

from __future__ import annotations

import glob
import os
import posixpath
from typing import Any

from lossctl.errors import InputError
from lossctl.io import formats
from lossctl.io.locations import GLOB_MAGIC, is_url
from lossctl.io.remote import filesystem, remote_errors

DATASET_FORMATS = ("parquet", "csv", "tsv", "jsonl", "feather")


def list_files(path: str, options: dict[str, Any], input_format: str | None) -> list[tuple[str, str]]:
    """The dataset's data files, sorted: each as its path (or URL) and its path below the
    dataset's root (the directory, or a glob's directory before its first wildcard)."""
    if is_url(path):
        fs, stripped = filesystem(path, options)
        with remote_errors(path):
            if GLOB_MAGIC.search(stripped):
                found = [p for p, info in fs.glob(stripped, detail=True).items() if info["type"] == "file"]
                root = glob_root(stripped)
            elif fs.isdir(stripped):
                found, root = fs.find(stripped), stripped
            elif fs.exists(stripped):
                return [(path, posixpath.basename(stripped))]
            else:
                raise InputError("no such file or directory", file=path)
        below = [(fs.unstrip_protocol(p), p[len(root) :].lstrip("/")) for p in found]
    elif os.path.isdir(path):
        below = [(os.path.join(d, name), "") for d, _, names in os.walk(path) for name in names]
        below = [(file, _below(path, file)) for file, _ in below]
    elif not os.path.exists(path):
        root = glob_root(path)
        below = [(p, _below(root, p)) for p in glob.glob(path, recursive=True) if os.path.isfile(p)]
    else:
        return [(path, os.path.basename(path))]
    kept = sorted(
        (file, rel)
        for file, rel in below
        if not any(name.startswith((".", "_")) for name in rel.split("/"))
        and (input_format is not None or formats.from_name(file)[0] is not None)
    )
    if not kept:
        globbed = GLOB_MAGIC.search(path) is not None
        raise InputError(
            "no data file matches this pattern" if globbed else "no data file in this directory",
            file=path,
            hint=f"datasets hold {', '.join(DATASET_FORMATS)} files",
        )
    return kept


def _below(root: str, file: str) -> str:
    return os.path.relpath(file, root).replace(os.sep, "/")


def glob_root(pattern: str) -> str:
    """The directory a glob pattern starts from: its components before the first wildcard."""
    fixed = []
    for component in pattern.split("/")[:-1]:
        if GLOB_MAGIC.search(component):
            break
        fixed.append(component)
    return "/".join(fixed) or "."


def format_of(path: str, files: list[tuple[str, str]], input_format: str | None) -> str:
    """The one format of the files: ``input_format``, else told by their names."""
    found = {input_format or formats.from_name(file)[0] for file, _ in files}
    if None in found:
        raise InputError("cannot tell the format from the file name", file=path, hint="name it with --input-format")
    if len(found) > 1:
        raise InputError(
            f"the files are of several formats ({', '.join(sorted(found))})", file=path, hint="select one with a glob"
        )
    fmt = found.pop()
    if fmt not in DATASET_FORMATS:
        raise InputError(f"{fmt} files cannot form a dataset", file=path, hint=f"use {', '.join(DATASET_FORMATS)}")
    return fmt
