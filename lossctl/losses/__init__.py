"""The loss core: pure NumPy, one module per family, a registry of specs.

Nothing here imports the rest of lossctl: no I/O, no command line, no rendering. The names
below are loaded on first use (PEP 562), so that ``lossctl.losses.tasks`` is importable
without NumPy.
"""

from __future__ import annotations

import importlib
from typing import Any

# Each public name -> the module that defines it.
_HOMES = {
    "AnyLoss": "api",
    "compute": "api",
    "per_sample": "api",
    "resolve": "api",
    "Batch": "batch",
    "CombinedLoss": "combined",
    "ExpressionError": "errors",
    "InputDomainError": "errors",
    "LossError": "errors",
    "ParameterError": "errors",
    "UnknownLossError": "errors",
    "catalog": "registry",
    "get_spec": "registry",
    "specs_for_task": "registry",
    "Loss": "spec",
    "LossSpec": "spec",
    "TASKS": "tasks",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
