"""lossctl: every loss that matters, exact, side by side.

>>> import lossctl
>>> lossctl.compute("mse", [1.0, 2.0], [1.5, 2.0])
0.125

The loss core is loaded on first use of a name below (PEP 562): ``import lossctl.io`` or
``lossctl --help`` do not load NumPy. ``evaluate`` (files or DataFrames in, a pandas DataFrame
out) comes from ``lossctl.frames``, the notebook's layer above the engine, loaded the same way.
"""

from __future__ import annotations

from lossctl.lazy import exports

__version__ = "0.1.0"

_HOMES = {**dict.fromkeys(("catalog", "compute", "interval", "per_sample", "resolve"), "losses"), "evaluate": "frames"}
__all__ = ["__version__", *_HOMES]


__getattr__, __dir__ = exports(__name__, _HOMES, globals())
