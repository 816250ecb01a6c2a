"""A Dask cluster as the Dask engine uses it: connecting (or starting a local one), and the
futures of one run, submitted with readable keys, waited for while watching that the cluster
keeps workers, and their failures told in the user's terms.

Workers: a worker lost mid-run is Dask's to handle: its tasks run again elsewhere and its
results are recomputed. If the same task kills ``allowed-failures`` + 1 workers
(``distributed.scheduler.allowed-failures``, 3 by default) or the cluster keeps no worker for
``worker_timeout`` seconds, the run fails with a ``ClusterError``: a clear line, no number.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from lossctl.errors import LossctlError, UsageError, printable

POLL_SECONDS = 0.5
CONNECT_TIMEOUT = 10.0


class ClusterError(LossctlError):
    """The cluster could not finish the run; no value is given."""


class PartFailed(Exception):
    """A ``LossctlError`` raised in a task, on its way to the client: the error's class and
    fields, which pickle (an exception's keyword arguments do not)."""

    def __init__(self, kind: type[LossctlError], message: str, fields: dict[str, Any]) -> None:
        super().__init__(kind, message, fields)

    @classmethod
    def of(cls, exc: LossctlError) -> PartFailed:
        fields = {"file": exc.file, "column": exc.column, "row": exc.row, "hint": exc.hint}
        return cls(type(exc), exc.message, fields)

    def error(self) -> LossctlError:
        kind, message, fields = self.args
        return kind(message, **fields)


def dask_distributed():
    """The ``distributed`` package, or a usage error saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise UsageError("--engine dask needs Dask", hint="pip install 'lossctl[dask]'") from None
    return distributed


@contextmanager
def connect(scheduler: str | None) -> Iterator[Any]:
    """A Dask client of the scheduler at ``scheduler``, or of a ``local_cluster()`` started
    for the run and closed at its end."""
    distributed = dask_distributed()
    if scheduler is None:
        with local_cluster() as cluster, distributed.Client(cluster, set_as_default=False) as client:
            yield client
        return
    probe_scheduler(scheduler)
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(
            f"cannot connect to the Dask scheduler at {scheduler}: {exc}",
            hint="check the address (tcp://host:8786), or leave out --scheduler for a local cluster",
        ) from None
    with client:
        yield client


HANDSHAKE_BYTES = 1 << 20
"""The largest first message a Dask scheduler is taken to send (its handshake is some 60
bytes)."""


def probe_scheduler(scheduler: str) -> None:
    """A UsageError unless the TCP service at ``scheduler`` speaks first as a Dask scheduler
    does, within CONNECT_TIMEOUT: its handshake, framed by its length (8 bytes, little-endian;
    Dask's TCP comm). Dask reads any 8 bytes as a length and allocates it (an SSH server's
    greeting asks for exabytes), and waits without end for a service that does not speak
    first (an HTTP server); both are told here instead. Other protocols (tls://) are Dask's
    to check."""
    scheme, _, rest = scheduler.rpartition("://")
    if scheme not in ("", "tcp"):
        return
    host, _, port = rest.rpartition(":")
    if not port.isdigit() or not host:
        return  # Dask's own message says what is wrong with the address
    deadline = time.monotonic() + CONNECT_TIMEOUT
    try:
        conn = socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        raise _not_dask(scheduler, exc.strerror or str(exc), hint="check the address (tcp://host:8786)") from None
    greeting = b""
    with conn:
        try:
            while len(greeting) < 8:
                conn.settimeout(max(deadline - time.monotonic(), 0.001))
                received = conn.recv(8 - len(greeting))
                if not received:
                    break
                greeting += received
        except TimeoutError:
            raise _not_dask(scheduler, f"it said nothing within {CONNECT_TIMEOUT:g} s") from None
        except OSError as exc:
            raise _not_dask(scheduler, exc.strerror or str(exc)) from None
    if len(greeting) < 8:
        raise _not_dask(scheduler, "it closed the connection")
    if not 0 < int.from_bytes(greeting, "little") <= HANDSHAKE_BYTES:
        raise _not_dask(scheduler, f"it answered {printable(greeting.decode('latin-1'))!r}..., not as Dask does")


def _not_dask(scheduler: str, why: str, hint: str | None = None) -> UsageError:
    return UsageError(
        f"cannot connect to the Dask scheduler at {scheduler}: {why}",
        hint=hint or "is it the address of a Dask scheduler (tcp://host:8786 by default)?",
    )


def local_cluster(n_workers: int | None = None) -> Any:
    """A cluster of ``n_workers`` (default: one per core) single-threaded worker processes,
    listening on 127.0.0.1 only, without a dashboard."""
    return dask_distributed().LocalCluster(
        n_workers=n_workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # its HTTP server: any free port
        silence_logs="CRITICAL",  # a failed task is lossctl's one error line, not a worker's log and traceback
    )


class Futures:
    """The futures of one run on a client."""

    def __init__(self, client: Any, worker_timeout: float) -> None:
        self.client = client
        self.worker_timeout = worker_timeout
        self.token = uuid.uuid4().hex[:12]
        self.reads: dict[str, str] = {}  # task key -> what the task reads, for messages
        self.futures: list[Any] = []

    def submit(self, name: str, reads: str, function: Callable, *args: Any, priority: int = 0) -> Any:
        key = f"lossctl-{name}-{self.token}"
        self.reads[key] = reads
        future = self.client.submit(function, *args, key=key, priority=priority)
        self.futures.append(future)
        return future

    def cancel(self) -> None:
        self.client.cancel(self.futures)

    def tree(self, futures: list[Any], merge: Callable[[Any, Any], Any]) -> Any:
        """The pairwise ``merge`` of adjacent results, level by level, to one; merges first
        when ready, to free memory."""
        level, depth = futures, 0
        while len(level) > 1:
            depth += 1
            level = [
                self.submit(f"merge-{depth}-{i}", "merged tallies", merge, *level[i : i + 2], priority=1)
                if i + 1 < len(level)
                else level[i]
                for i in range(0, len(level), 2)
            ]
        return level[0]

    def outcome(self, final: Any, members: list[Any], report: Callable[[], None] | None = None) -> Any:
        """The result of ``final``, computed from ``members``; if it fails, the error of the
        first member (in order) that failed, once the members before it are done."""
        self.wait([final], report)
        if report is not None:
            report()
        if final.status == "finished":
            return final.result()
        keys = {f.key for f in members}
        ordered = members + [f for f in self.futures if f.key not in keys]
        first = next((i for i, f in enumerate(ordered) if f.status in ("error", "cancelled")), len(ordered) - 1)
        self.wait(ordered[:first])
        failed = next(f for f in ordered[: first + 1] + [final] if f.status in ("error", "cancelled"))
        raise self.error(failed)

    def wait(self, futures: list[Any], report: Callable[[], None] | None = None) -> None:
        """Until every future is done; a ClusterError when no worker is left for
        ``worker_timeout`` seconds, or the scheduler is gone."""
        wake = threading.Event()
        for future in futures:
            future.add_done_callback(lambda _: wake.set())
        alone_since = None
        while True:
            wake.clear()
            if all(future.done() for future in futures):
                return
            if wake.wait(POLL_SECONDS):
                continue
            if report is not None:
                report()
            try:
                workers = self.client.nthreads()
            except OSError as exc:
                raise ClusterError(f"lost the Dask scheduler ({exc}); no result") from None
            if workers:
                alone_since = None
                continue
            alone_since = alone_since or time.monotonic()
            if time.monotonic() - alone_since > self.worker_timeout:
                raise ClusterError(
                    f"no Dask worker left for {self.worker_timeout:g} s (every worker died or left); no result",
                    hint="see the workers' logs; restart the workers and run again",
                )

    def error(self, future: Any) -> Exception:
        """What a failed future means for the user."""
        reads = self.reads.get(future.key, str(future.key))
        if future.status == "cancelled":
            return ClusterError(f"the cluster cancelled the task reading {reads}; no result")
        exc = future.exception()
        if isinstance(exc, PartFailed):
            return exc.error()
        if isinstance(exc, dask_distributed().KilledWorker):
            reads = self.reads.get(exc.task, str(exc.task))
            return ClusterError(
                f"Dask workers died while reading {reads} ({exc.allowed_failures + 1} attempts); no result",
                hint="a worker may have run out of memory: see the workers' logs",
            )
        if isinstance(exc, ImportError):
            return ClusterError(f"a Dask worker cannot run lossctl ({exc})", hint="install lossctl on every worker")
        return exc
