"""Files lossctl writes are written atomically: to a temporary file beside the target, then
renamed over it, so an interrupted run leaves the previous file intact. lossctl never writes
over one of its own inputs."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lossctl.errors import OutputError, UsageError, readable

# What writing a file can run into (a full disk, a quota, a file too large, a read-only file
# system): one line, not an internal error.
_WRITE_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def check_output(target: str, inputs: Iterable[str | None]) -> None:
    """Before any work: a ``UsageError`` if ``target`` is (a link to) one of ``inputs``, an
    ``OutputError`` if its directory does not exist or cannot be written to."""
    target_path = Path(target).resolve()
    for name in inputs:
        if name and name != "-" and Path(name).resolve() == target_path:
            raise UsageError(f"refusing to write {target}: it is one of the inputs")
    if os.path.isdir(target):
        raise OutputError(f"cannot write {target}: it is a directory")
    if _special(target):  # written through: the file itself must take writes
        if not os.access(target, os.W_OK):
            raise OutputError(f"cannot write {target}: no permission")
        return
    directory = os.path.dirname(os.path.realpath(target))
    if not os.path.isdir(directory):
        raise OutputError(f"cannot write {target}: no directory {directory}")
    if not os.access(directory, os.W_OK):
        raise OutputError(f"cannot write {target}: no permission to write in {directory}")


@contextmanager
def atomic_path(target: str) -> Iterator[str]:
    """A temporary path to write; renamed to ``target`` when the block ends without error,
    removed otherwise. A target that exists and is not a regular file (``/dev/null``,
    ``/dev/stdout``, a pipe) is written through, as a shell's ``>`` would, never replaced; a
    symbolic link's file is replaced, the link kept."""
    if _special(target):
        yield target
        return
    target = os.path.realpath(target)
    directory = os.path.dirname(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".lossctl-", suffix=Path(target).suffix, dir=directory)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    os.close(fd)
    os.chmod(tmp, _mode_for(target))
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno in _WRITE_FAILURES:
            raise _cannot_write(target, exc) from None
        raise


def _special(target: str) -> bool:
    """Whether ``target`` exists and is neither a regular file nor a directory (a device, a
    pipe, a socket)."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _cannot_write(target: str, exc: OSError) -> OutputError:
    """The one-line error of an output that cannot be written: what the system said."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError):
        reason = f"no directory {os.path.dirname(os.path.abspath(target))}"
    return OutputError(f"cannot write {target}: {reason}")


def _mode_for(target: str) -> int:
    """The replaced file's mode, or a new file's (0666 less the umask), not mkstemp's 0600."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text(target: str, text: str, inputs: Iterable[str | None] = ()) -> None:
    """Write ``text`` to ``target`` atomically, as UTF-8 (see `readable`), refusing to
    overwrite an input."""
    check_output(target, inputs)
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(readable(text))
            f.flush()
            if stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # a device or a pipe has nothing to sync
                os.fsync(f.fileno())
