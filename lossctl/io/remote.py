"""Inputs behind fsspec URLs (``s3://``, ``gs://``, ``az://``, ``file://``, ...): the filesystem
of a URL, the storage options every process reads it with, and its errors in the user's terms.

Options are given over fsspec's own configuration (its ``FSSPEC_<PROTOCOL>_<OPTION>``
environment variables and ~/.config/fsspec), resolved once when the input is opened, so that
every process reading a part uses the same options.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from lossctl.errors import InputError, UsageError


def fsspec_module():
    try:
        import fsspec
    except ImportError:
        raise UsageError("reading URLs needs fsspec", hint="pip install 'lossctl[dask]'") from None
    return fsspec


def filesystem(url: str, options: dict[str, Any]):
    """The fsspec filesystem of ``url`` and the path within it."""
    try:
        return fsspec_module().core.url_to_fs(url, **options)
    except ImportError as exc:
        raise UsageError(f"reading {url.split('://')[0]}:// URLs needs a package: {exc}", file=url) from None
    except (TypeError, ValueError) as exc:
        raise UsageError(f"bad storage options for this URL: {exc}", file=url) from None


def resolved_options(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` over fsspec's configuration for the URL's protocol (environment and
    config files of this process), so that worker processes read with the same options."""
    protocol = url.split("://", 1)[0]
    configured = fsspec_module().config.conf.get(protocol, {})
    return {**configured, **options}


@contextmanager
def remote_errors(path: str) -> Iterator[None]:
    """A file that cannot be reached or read, as one InputError naming ``path``."""
    try:
        yield
    except FileNotFoundError:
        raise InputError("no such file or directory", file=path) from None
    except PermissionError as exc:
        raise InputError(f"permission denied ({exc})", file=path) from None
    except OSError as exc:
        if isinstance(exc, pa.ArrowException):
            raise
        raise InputError(f"cannot be read: {exc}", file=path) from None
