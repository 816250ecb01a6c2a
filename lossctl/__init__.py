"""lossctl: every loss that matters, exact, side by side.

>>> import lossctl
>>> lossctl.compute("mse", [1.0, 2.0], [1.5, 2.0])
0.125
"""

__version__ = "0.1.0"

from lossctl.losses import catalog, compute, per_sample, resolve  # noqa: E402

__all__ = ["__version__", "catalog", "compute", "per_sample", "resolve"]
