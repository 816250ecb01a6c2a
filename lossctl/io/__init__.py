"""lossctl's input layer: files to chunks of NumPy arrays. It knows nothing of losses.

- `open_source(path)` opens CSV, TSV, JSON Lines (each possibly compressed), Parquet, Arrow
  IPC / Feather, .npy and .npz, from a file or standard input, and returns a `Source`;
- `Source.iter_chunks(numeric, other)` reads the named columns as `Chunk`s of arrays;
- `detect_roles(columns)` finds the label, prediction, weight, ... columns by name, and
  `select_columns` resolves a name or glob;
- `join_sources(left, right, on=...)` pairs two inputs by row order or by a key column.

Every problem with an input is a `lossctl.errors.InputError` naming file, column and row.
"""

from __future__ import annotations

from lossctl.io.chunk import Chunk
from lossctl.io.dispatch import open_source
from lossctl.io.join import join_sources
from lossctl.io.roles import RoleMatch, detect_roles, is_glob, is_logit, select_columns
from lossctl.io.source import Source

__all__ = [
    "Chunk",
    "RoleMatch",
    "Source",
    "detect_roles",
    "is_glob",
    "is_logit",
    "join_sources",
    "open_source",
    "select_columns",
]
