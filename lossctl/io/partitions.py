"""Hive partitioning: directories named ``key=value`` between a dataset's root and a file add a
column ``key`` holding ``value`` to the file's rows, int64 when every value of the key is an
integer, else text (``__HIVE_DEFAULT_PARTITION__`` is null)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from lossctl.errors import InputError
from lossctl.io.locations import is_url
from lossctl.io.parts import DataFile, stamp_file

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
_INTEGER = re.compile(r"-?\d+")


def partitioned(files: list[tuple[str, str]]) -> list[DataFile]:
    """The files with the ``key=value`` directories above each of them; every file must have
    the same keys."""
    out = []
    for path, rel in files:
        pairs = []
        for name in rel.split("/")[:-1]:
            key, equals, value = name.partition("=")
            if equals and key:
                pairs.append((unquote(key), None if value == NULL_PARTITION else unquote(value)))
        out.append(DataFile(path, tuple(pairs), None if is_url(path) else stamp_file(path)))
    keys = [key for key, _ in out[0].partition]
    for file in out[1:]:
        if [key for key, _ in file.partition] != keys:
            raise InputError(
                f"its partition directories ({_keys(file)}) differ from those of {out[0].path} ({_keys(out[0])})",
                file=file.path,
            )
    return out


def _keys(file: DataFile) -> str:
    return ", ".join(key for key, _ in file.partition) or "none"


def partition_types(files: list[DataFile]) -> dict[str, str]:
    """Each partition key's type: ``int`` when every value is an integer, else ``str``."""
    types: dict[str, str] = {}
    for index, (key, _) in enumerate(files[0].partition):
        values = [file.partition[index][1] for file in files]
        integral = all(value is None or _INTEGER.fullmatch(value) for value in values)
        types[key] = "int" if integral else "str"
    return types
