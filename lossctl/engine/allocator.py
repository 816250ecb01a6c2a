"""The process's allocators, set once before a run reads its input.

glibc: loss kernels make several temporaries per 64K-row chunk (512 KiB each). glibc serves
allocations that large with mmap, or trims them off the heap when freed, so every chunk
faults its pages in again: on ten regression losses over 10M rows, half the run was system
time (1.6 s in all). Raising the mmap and trim thresholds keeps that memory in the process
for reuse (0.7 s, same peak memory). Reference: mallopt(3), M_MMAP_THRESHOLD and
M_TRIM_THRESHOLD.

Arrow: its buffers come from jemalloc rather than pyarrow's default, mimalloc, unless
ARROW_DEFAULT_MEMORY_POOL names a pool. The decoded columns are allocated on the reader's
thread and freed on the main thread, and with mimalloc the process held more of that memory:
the peak of an mse over 10M rows of Parquet was 173-187 MiB with mimalloc and 150-157 MiB
with jemalloc, over 50M rows 185-199 against 161-174 MiB, in no more time. Reference:
Arrow's memory pools, https://arrow.apache.org/docs/cpp/memory.html#memory-pools.
"""

from __future__ import annotations

import ctypes
import os
import sys
from functools import cache

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_BYTES = 64 << 20
_TRIM_THRESHOLD_BYTES = 256 << 20
_ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


@cache
def set_allocators() -> None:
    """Keep glibc's freed memory and put Arrow on jemalloc, once per process."""
    _keep_freed_memory()
    _arrow_on_jemalloc()


def _keep_freed_memory() -> None:
    """Raise glibc's mmap and trim thresholds (on Linux, with glibc)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own symbols: its C library's
    except (OSError, AttributeError):  # not glibc
        return
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)
    mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD_BYTES)


def _arrow_on_jemalloc() -> None:
    """Make jemalloc Arrow's default pool, unless the environment chose one."""
    if _ARROW_POOL_VARIABLE in os.environ:
        return
    import pyarrow as pa

    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:  # a pyarrow built without jemalloc (on Windows)
        pass
