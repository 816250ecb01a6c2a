"""lossctl's input layer: files to chunks of NumPy arrays. It knows nothing of losses.

- `open_source(path)` opens CSV, TSV, JSON Lines (each possibly compressed), Parquet, Arrow
  IPC / Feather, .npy and .npz, from a file or standard input, and returns a `Source`;
- `Source.iter_chunks(numeric, other)` reads the named columns as `Chunk`s of arrays;
- `detect_roles(columns)` finds the label, prediction, weight, ... columns by name, and
  `select_columns` resolves a name or glob;
- `join_sources(left, right, on=...)` pairs two inputs by row order or by a key column.

Every problem with an input is a `lossctl.errors.InputError` naming file, column and row.

The names are loaded on first use (PEP 562): `lossctl.io.formats` is importable without
pyarrow, so that the command line can offer the formats as choices.
"""

from __future__ import annotations

from lossctl.lazy import exports

# Each public name -> the module that defines it.
_HOMES = {
    "Chunk": "chunk",
    "RoleMatch": "roles",
    "Source": "source",
    "class_names": "roles",
    "detect_roles": "roles",
    "is_glob": "roles",
    "is_key_name": "join",
    "is_logit": "roles",
    "join_sources": "join",
    "open_source": "opening",
    "quantile_level": "roles",
    "select_columns": "roles",
}

__all__ = sorted(_HOMES)


__getattr__, __dir__ = exports(__name__, _HOMES, globals())
