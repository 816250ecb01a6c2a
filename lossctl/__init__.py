"""lossctl: every loss that matters, exact, side by side.

>>> import lossctl
>>> lossctl.compute("mse", [1.0, 2.0], [1.5, 2.0])
0.125

The loss core is loaded on first use of a name below (PEP 562): ``import lossctl.io`` or
``lossctl --help`` do not load NumPy.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = ("catalog", "compute", "per_sample", "resolve")
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from lossctl import losses

    value = getattr(losses, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
