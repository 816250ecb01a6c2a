"""Read ahead: the next chunks are read on a second thread while the current ones are folded.

Reading (Arrow's CSV parser, Parquet decoding) and the loss kernels (NumPy ufuncs) both
release the GIL, so on two cores the reader works on the next window of the file while the
losses fold the last one, instead of each waiting for the other. The items come out in the
order the reader made them, so results are the same with or without reading ahead; at most
`depth` items wait between the two threads, which bounds the extra memory.

An exception of the reader is raised by the consumer at the point it occurred. When the
consumer closes the iterator early (``engine.run.fold`` does, however its loop ends), the
reader is stopped and its own iterator closed, on its thread, before ``close`` returns. A
``for`` loop left by an exception does not close its iterator: until it is closed or
collected, the reader holds its file and up to `depth` items.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_POLL_SECONDS = 0.05  # how often a reader waiting for room checks whether the consumer stopped
_ITEM, _END, _ERROR = range(3)


def read_ahead(items: Iterator[T], depth: int) -> Iterator[T]:
    """`items`, produced on a second thread at most `depth` items ahead of the caller."""
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple) -> bool:
        """Hand `entry` to the consumer; False once the consumer has stopped."""
        while not stop.is_set():
            try:
                waiting.put(entry, timeout=_POLL_SECONDS)
                return not stop.is_set()
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((_ITEM, item)):
                    return
            put((_END, None))
        except BaseException as exc:  # noqa: BLE001 - every failure is the consumer's to raise
            put((_ERROR, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=produce, name="lossctl-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            kind, value = waiting.get()
            if kind == _END:
                return
            if kind == _ERROR:
                raise value
            yield value
    finally:
        stop.set()
        while not waiting.empty():  # a reader blocked on a full queue goes on at once
            waiting.get_nowait()
        reader.join()
