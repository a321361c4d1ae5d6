"""The client side of a scan: a Dask cluster (a local one, or an existing scheduler), sources sent in
batches with a bounded number in flight, results handed back as they complete."""

from __future__ import annotations

import itertools
import logging
import os
import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from ..errors import InputError
from .records import Batch, batch_of, error_outcome
from .worker import audit_batch, warm

IN_FLIGHT_PER_WORKER = 3  # batches submitted per worker: one running, the next ones already queued
TASKS_PER_WORKER = 16  # a scan is cut into about this many full batches per worker
MAX_BATCH = 64  # sources per task at most: bounded memory and a progress bar that moves


def batches(sources: list[str], n_workers: int) -> Iterator[list[str]]:
    """`sources` in order, cut into Dask tasks. Every task costs the client and its scheduler a few
    milliseconds whatever its size, so batches are large: about TASKS_PER_WORKER per worker, up to
    MAX_BATCH sources. Towards the end they shrink (never more than half of what is left per
    worker), so the workers run out of work together instead of one finishing a long last batch
    while the others wait."""
    n, i = len(sources), 0
    full = max(1, min(MAX_BATCH, n // max(1, n_workers * TASKS_PER_WORKER)))
    while i < n:
        size = max(1, min(full, (n - i) // (2 * max(1, n_workers))))
        yield sources[i:i + size]
        i += size


def _quiet() -> None:
    """Dask's own INFO lines (cluster up, worker started) are not our output."""
    import dask

    # a local cluster whose workers all died and none came back fails its tasks after 5 minutes
    # (error records) rather than wait forever; a remote scheduler keeps its own setting
    dask.config.set({"distributed.admin.tick.limit": "1h", "logging.distributed": "error",
                     "distributed.scheduler.no-workers-timeout": "300s"})
    # Nobody watches a scan's dashboard: the workers' statistical profiler (a stack sample every
    # 10 ms) and a 20 ms event-loop tick in every process only take CPU from the audits. A local
    # cluster's workers get this configuration from their nanny; a remote one keeps its own.
    dask.config.set({"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "200ms"})
    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker",
                 "distributed.core", "distributed.comm", "distributed.http.proxy", "tornado"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _start_warm_forkserver() -> bool:
    """On Linux, a local cluster's worker processes are forked from one that has already imported
    Dask and trueopen and loaded the catalog and the license index (multiprocessing's forkserver
    with scan/preload.py), not spawned as fresh interpreters that each load it all again: the
    start of a scan costs one warm-up instead of one per worker, and workers close at once.
    Started before this process imports Dask, so that its warm-up and this process's imports run
    side by side. Elsewhere (False) Dask's default, spawn, stays."""
    import multiprocessing
    from multiprocessing import forkserver

    if not sys.platform.startswith("linux") or "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    multiprocessing.get_context("forkserver").set_forkserver_preload(["distributed", "trueopen.scan.preload"])
    # The forkserver imports its preload with the default path of a new interpreter (Python 3.11
    # ignores the sys.path it is given), where the current directory comes first: it must import
    # the very trueopen and Dask this process runs, so it gets this process's path and no current
    # directory.
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "PYTHONSAFEPATH")}
    os.environ["PYTHONPATH"] = os.pathsep.join(p or os.getcwd() for p in sys.path)
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return True


def _fork_workers_from_it() -> None:
    """Dask's local workers start through the forkserver started above."""
    import dask
    from distributed import utils

    dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"})
    # distributed would otherwise import every optional package it knows into this process to
    # preload them; if a later version ignores this flag, its list replaces ours and the workers
    # simply warm themselves
    utils._forkserver_preload_set = True


@contextmanager
def cluster(workers: int | None, scheduler: str | None) -> Iterator[tuple[object, int]]:
    """A dask.distributed Client and its number of workers: a LocalCluster of `workers` processes
    with one thread each (no dashboard), or the cluster at `scheduler`."""
    forked = not scheduler and _start_warm_forkserver()
    _quiet()
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(scheduler, f"no Dask scheduler answers there ({type(exc).__name__}); "
                                        "start one with `dask scheduler` and `dask worker ADDRESS`") from None
        try:
            n = len(client.scheduler_info()["workers"])
            if n == 0:
                client.wait_for_workers(1, timeout="60s")
                n = len(client.scheduler_info()["workers"])
            yield client, n
        finally:
            client.close()
        return
    n = workers or os.cpu_count() or 1
    if forked:
        _fork_workers_from_it()
    # ":0": no dashboard is wanted, but the scheduler still serves HTTP; a free port, not 8787
    lc = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                      worker_dashboard_address=None, host="127.0.0.1",
                      silence_logs=logging.ERROR, scheduler_port=0)
    client = Client(lc)
    try:
        yield client, n
    finally:
        client.close()
        lc.close()


def run(client, n_workers: int, sources: list[str], timeout: float, on_result: Callable[[Batch], None],
        offline: bool | None = None, against: str | None = None) -> None:
    """Audit `sources` on the cluster; `on_result` gets each batch's records as it completes. At most
    IN_FLIGHT_PER_WORKER batches per worker are pending, so memory does not grow with the number
    of sources. A batch lost with its worker is retried by Dask; a batch that still fails is split
    and each source tried alone once, and what fails then becomes an error record."""
    from distributed import as_completed

    if not sources:
        return
    try:
        client.run(warm)  # every worker loads the catalog and the license index before any clock starts
    except Exception as exc:  # noqa: BLE001 - e.g. a remote worker without trueopen installed
        raise InputError("the Dask workers", f"cannot run trueopen ({type(exc).__name__}: {str(exc)[:160]}); "
                                             "install trueopen where the workers run") from None
    window = max(2, n_workers * IN_FLIGHT_PER_WORKER)
    todo = batches(sources, n_workers)
    pending: dict = {}

    def submit(batch: list[str]) -> object:
        fut = client.submit(audit_batch, batch, timeout, offline, against, pure=False, retries=1)
        pending[fut.key] = batch
        return fut

    ac = as_completed([submit(b) for b in itertools.islice(todo, window)])
    for fut in ac:
        batch = pending.pop(fut.key)
        started = time.perf_counter()
        try:
            result = fut.result()
        except Exception as exc:  # noqa: BLE001 - a worker died (KilledWorker) or the task failed
            if len(batch) > 1:
                for s in batch:
                    ac.add(submit([s]))
                continue
            result = batch_of([error_outcome(batch[0], time.perf_counter() - started,
                                             f"{batch[0]}: the Dask worker auditing it failed "
                                             f"({type(exc).__name__}: {str(exc)[:120]})")])
        finally:
            fut.release()
        on_result(result)
        nxt = next(todo, None)
        if nxt is not None:
            ac.add(submit(nxt))
