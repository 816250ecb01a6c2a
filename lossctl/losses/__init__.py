"""The loss core: pure NumPy, one module per family, a registry of specs.

Nothing here imports the rest of lossctl (but ``lossctl.lazy``): no I/O, no command line, no
rendering. The names below are loaded on first use (PEP 562), so that
``lossctl.losses.tasks`` is importable without NumPy.
"""

from __future__ import annotations

from lossctl.lazy import exports

# Each public name -> the module that defines it.
_HOMES = {
    "AnyLoss": "api",
    "compute": "api",
    "interval": "api",
    "Interval": "intervals",
    "per_sample": "api",
    "resolve": "api",
    "reads_two_samples": "api",
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


__getattr__, __dir__ = exports(__name__, _HOMES, globals())
