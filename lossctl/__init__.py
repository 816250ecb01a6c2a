"""lossctl: every loss that matters, exact, side by side.

>>> import lossctl
>>> lossctl.compute("mse", [1.0, 2.0], [1.5, 2.0])
0.125

The loss core is loaded on first use of a name below (PEP 562): ``import lossctl.io`` or
``lossctl --help`` do not load NumPy.
"""

from __future__ import annotations

from lossctl.lazy import exports

__version__ = "0.1.0"

_API = ("catalog", "compute", "interval", "per_sample", "resolve")
__all__ = ["__version__", *_API]


__getattr__, __dir__ = exports(__name__, dict.fromkeys(_API, "losses"), globals())
