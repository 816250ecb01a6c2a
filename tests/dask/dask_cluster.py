"""Clusters for the Dask tests, and a way to kill their workers mid-run."""

from __future__ import annotations

import dataclasses
import os
import signal
from collections.abc import Callable

import dask
import distributed

from lossctl.engine import cluster as engine
from lossctl.engine.request import Request


def local_cluster(**config: object) -> distributed.LocalCluster:
    """The engine's local cluster with two workers, under the given Dask configuration."""
    with dask.config.set(config):
        return engine.local_cluster(n_workers=2)


def on_dask(request: Request, scheduler: str, **execution: object) -> Request:
    """``request`` run by the Dask engine on the cluster at ``scheduler`` (and other execution
    settings changed)."""
    changed = dataclasses.replace(request.execution, engine="dask", scheduler=scheduler, **execution)
    return dataclasses.replace(request, execution=changed)


def kill_worker_when(cluster: distributed.LocalCluster, parts_done: int, *, every: bool = False) -> Callable:
    """A progress callback that kills one worker process (every worker's, with ``every``)
    once ``parts_done`` parts are done, while others remain; it records what it did."""
    pids = [nanny.process.pid for nanny in cluster.workers.values()]
    killed: list[tuple[int, int]] = []

    def progress(name: str, position: tuple[int, int, str] | None) -> None:
        done, total, _ = position
        if killed or done < parts_done:
            return
        assert done < total, "the run ended before a worker could be killed"
        for nanny, pid in zip(list(cluster.workers.values()), pids, strict=True):
            if every:
                nanny.close_gracefully()  # no restart: the worker is gone for good
            os.kill(pid, signal.SIGKILL)
            killed.append((done, total))
            if not every:
                break

    progress.killed = killed
    return progress
