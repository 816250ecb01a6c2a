"""The loss core: pure NumPy, one module per family, a registry of specs.

Nothing here imports the rest of lossctl: no I/O, no command line, no rendering.
"""

from lossctl.losses.api import AnyLoss, compute, per_sample, resolve
from lossctl.losses.batch import Batch
from lossctl.losses.combined import CombinedLoss
from lossctl.losses.errors import (
    ExpressionError,
    InputDomainError,
    LossError,
    ParameterError,
    UnknownLossError,
)
from lossctl.losses.registry import catalog, get_spec, specs_for_task
from lossctl.losses.spec import TASKS, Loss, LossSpec

__all__ = [
    "AnyLoss",
    "Batch",
    "CombinedLoss",
    "ExpressionError",
    "InputDomainError",
    "Loss",
    "LossError",
    "LossSpec",
    "ParameterError",
    "TASKS",
    "UnknownLossError",
    "catalog",
    "compute",
    "get_spec",
    "per_sample",
    "resolve",
    "specs_for_task",
]
