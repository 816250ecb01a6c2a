"""Names loaded on first use (PEP 562): a package lists each public name with the module that
defines it, and that module is imported only when the name is first asked for, so that
``lossctl --help`` does not load NumPy and ``lossctl.io.formats`` needs no pyarrow."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def exports(package: str, homes: dict[str, str], namespace: dict[str, Any]) -> tuple[Callable, Callable]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose public names are ``homes``
    (name -> module within the package); a name, once loaded, is kept in ``namespace``."""

    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{homes[name]}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return __getattr__, __dir__
