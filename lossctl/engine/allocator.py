"""Keep the C allocator from handing each temporary array back to the kernel.

Loss kernels make several temporaries per 64K-row chunk (512 KiB each). glibc serves
allocations that large with mmap, or trims them off the heap when freed, so every chunk
faults its pages in again: on ten regression losses over 10M rows, half the run was system
time (1.6 s in all). Raising the mmap and trim thresholds keeps that memory in the process
for reuse (0.7 s, same peak memory). Other C libraries are left alone.

Reference: mallopt(3), M_MMAP_THRESHOLD and M_TRIM_THRESHOLD.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_BYTES = 64 << 20
_TRIM_THRESHOLD_BYTES = 256 << 20


@cache
def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds, once; whether it was done."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own symbols: its C library's
    except (OSError, AttributeError):  # not glibc
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES) and mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD_BYTES))
