"""Name the licenses of many files at once, on several cores when there are enough of them.

An edited license text costs the approximate matcher a few milliseconds, and numpy and the index
take a tenth of a second to load; on two cores two processes halve both. Unedited copies are
named in the calling process first, by one lookup each (identify.in_files), so only the texts
left for the matcher come here. The workers are forked before numpy or the index is loaded, each
reads its share of the files, and the findings come back in file order. Fewer files are read in
this process: starting workers would cost more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from typing import Callable, Sequence, TypeVar

MIN_FILES = 32  # fewer files are read in this process
CHUNKS_PER_JOB = 8  # files differ a hundredfold in length: smaller chunks even out the work

T = TypeVar("T")
R = TypeVar("R")
_work: tuple[Callable, Sequence] | None = None  # what the forked workers do, set just before they fork


def cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def in_order(fn: Callable[[T], R], items: Sequence[T], jobs: int | None = 1) -> list[R]:
    """[fn(x) for x in items], on up to `jobs` forked processes (None: one per core; at most one
    per MIN_FILES / 2 items) when there are at least MIN_FILES items and this process may fork.
    `fn` must not raise: errors are results too, so that each names its file. The license index
    is built first, here, so that workers never build it side by side."""
    jobs = min(cores() if jobs is None else jobs, len(items) // (MIN_FILES // 2))  # each loads numpy
    if jobs <= 1 or len(items) < MIN_FILES or not _can_fork():
        return [fn(x) for x in items]
    from . import cache

    if not cache.index_ready():
        from . import index  # numpy: only to build

        index.built()
    global _work
    _work = (fn, items)
    n, k = len(items), min(len(items), jobs * CHUNKS_PER_JOB)
    bounds = [(i * n // k, (i + 1) * n // k) for i in range(k)]
    gc.freeze()  # the parent's objects out of the workers' collections: fewer pages copied on write
    on_term = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _exit_on_term) if on_term else None
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_start) as pool:
            # Leaving the block terminates the workers: after Ctrl-C, kill (SIGTERM) or an error
            # none is left running.
            return [r for chunk in pool.imap(_run_range, bounds) for r in chunk]
    finally:
        if on_term and previous is not None:  # None: a handler set outside Python, left as it was
            signal.signal(signal.SIGTERM, previous)
        gc.unfreeze()
        _work = None


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # as the default action's status, after the workers are stopped


def _can_fork() -> bool:
    """Forking hands the workers this process's state for free. macOS lists fork but its system
    libraries are not safe across it; a daemonic process (a pool's or a cluster's worker) may not
    start processes of its own."""
    return (sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def _worker_start() -> None:
    """Ctrl-C reaches every process of the terminal's group: only the parent handles it (and
    stops the workers), so the user sees one clean exit instead of a traceback per worker. A
    database connection must not cross a fork: each worker opens its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # how the pool stops its workers
    from . import verbatim

    verbatim.forget()


def _run_range(bounds: tuple[int, int]) -> list:
    assert _work is not None
    fn, items = _work
    return [fn(x) for x in items[bounds[0]:bounds[1]]]
