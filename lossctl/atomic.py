"""Files lossctl writes are written atomically: to a temporary file beside the target, then
renamed over it, so an interrupted run leaves the previous file intact. lossctl never writes
over one of its own inputs."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lossctl.errors import UsageError


def refuse_inputs(target: str, inputs: Iterable[str | None]) -> None:
    """A ``UsageError`` if ``target`` is (a link to) one of ``inputs``."""
    target_path = Path(target).resolve()
    for name in inputs:
        if name and name != "-" and Path(name).resolve() == target_path:
            raise UsageError(f"refusing to write {target}: it is one of the inputs")


@contextmanager
def atomic_path(target: str) -> Iterator[str]:
    """A temporary path to write; renamed to ``target`` when the block ends without error,
    removed otherwise."""
    directory = os.path.dirname(os.path.abspath(target))
    fd, tmp = tempfile.mkstemp(prefix=".lossctl-", suffix=Path(target).suffix, dir=directory)
    os.close(fd)
    os.chmod(tmp, _mode_for(target))
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _mode_for(target: str) -> int:
    """The replaced file's mode, or a new file's (0666 less the umask), not mkstemp's 0600."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text(target: str, text: str, inputs: Iterable[str | None] = ()) -> None:
    """Write ``text`` to ``target`` atomically, refusing to overwrite an input."""
    refuse_inputs(target, inputs)
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
