"""Match many texts at once, on several cores when there are enough of them.

A folder of edited license texts costs the approximate matcher a few milliseconds a file; on
two cores two processes halve that. The workers are forked after the index is loaded, so they
share its memory-mapped arrays and read the texts from the parent's memory: only indexes go
out and matches (numbers) come back. A few texts are matched in this process: starting
workers costs more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from typing import Sequence

from . import index, match
from .fingerprint import tokenize

MIN_TEXTS = 32  # fewer texts are matched in this process: forking two workers costs about as much
CHUNKS_PER_JOB = 4  # texts differ a hundredfold in length: smaller chunks even out the work

_texts: Sequence[str] = ()  # what the forked workers match, set just before they are forked


def cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def find_all(texts: Sequence[str], jobs: int | None = 1) -> list[list[match.RawMatch]]:
    """match.find for each text, in the order given; with `jobs` > 1 (None: one per core),
    spread over that many processes when there are at least MIN_TEXTS texts and the platform
    can fork."""
    idx = index.load()  # before forking: the workers inherit the loaded index
    jobs = min(cores() if jobs is None else jobs, len(texts) // 2)
    if jobs <= 1 or len(texts) < MIN_TEXTS or not _can_fork():
        return [match.find(idx, tokenize(t)) for t in texts]
    global _texts
    _texts = texts
    try:
        n = len(texts)
        k = min(n, jobs * CHUNKS_PER_JOB)
        bounds = [(i * n // k, (i + 1) * n // k) for i in range(k)]
        gc.freeze()  # the parent's objects out of the workers' collections: fewer pages copied on write
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_start) as pool:
            # Leaving the block terminates the workers: after Ctrl-C or an error none is left running.
            return [m for chunk in pool.imap(_find_range, bounds) for m in chunk]
    finally:
        gc.unfreeze()
        _texts = ()


def _can_fork() -> bool:
    """Forking shares the loaded index for free; without it each worker would load its own, which
    costs more than it saves. macOS lists fork but its system libraries are not safe across it;
    a daemonic process (a pool's or a cluster's worker) may not start processes of its own."""
    return (sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def _worker_start() -> None:
    """Ctrl-C reaches every process of the terminal's group: only the parent handles it (and
    stops the workers), so the user sees one clean exit instead of a traceback per worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _find_range(bounds: tuple[int, int]) -> list[list[match.RawMatch]]:
    idx = index.load()
    return [match.find(idx, tokenize(t)) for t in _texts[bounds[0]:bounds[1]]]
