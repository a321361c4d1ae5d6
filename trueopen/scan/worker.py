"""What runs inside a Dask worker: audit a batch of sources, each under a deadline.

A deadline cannot stop Python code that is running: the audit runs in a daemon thread, and when it
is late the worker records a timeout and moves on while that thread finishes in the background
(trueopen's readers bound every size and depth, so it does end). Until it does, it shares the
worker's core with the next audits.
"""

from __future__ import annotations

import threading
import time

from .records import Batch, Outcome, batch_of, brief_of, error_outcome, line, record


def _audit(source: str, offline: bool | None, against: str | None):
    from .. import service

    return service.audit(source, against=against, offline=offline)


def audit_one(source: str, timeout: float, offline: bool | None = None, against: str | None = None) -> Outcome:
    """The record of one source; every failure (unreadable, malformed, late, a bug) is an error
    record, never an exception, so one source cannot stop the scan."""
    from ..errors import TrueopenError, first_line
    from ..report import audit as audit_report

    box: dict = {}

    def run() -> None:
        try:
            box["result"] = _audit(source, offline, against)
        except TrueopenError as exc:
            box["error"] = str(exc)  # the one line `trueopen audit` prints for it
        except RecursionError:
            box["error"] = f"{source}: nested too deeply to read"
        except Exception as exc:  # noqa: BLE001 - a bug in a reader must not end the scan
            box["error"] = f"{source}: internal error ({type(exc).__name__}: {first_line(exc)})"

    start = time.perf_counter()
    thread = threading.Thread(target=run, name=f"trueopen-audit {source[:60]}", daemon=True)
    thread.start()
    thread.join(timeout)
    seconds = time.perf_counter() - start
    if thread.is_alive():
        return error_outcome(source, seconds, f"{source}: timed out after {timeout:g} s")
    if "error" in box:
        return error_outcome(source, seconds, box["error"])
    result = box["result"]
    try:
        rec = record(source, seconds, audit_report.to_json(result.audit, result.assessment, result.against), None)
        return Outcome(source, line(rec), brief_of(result))
    except Exception as exc:  # noqa: BLE001
        return error_outcome(source, seconds, f"{source}: internal error rendering the audit ({type(exc).__name__})")


def audit_batch(sources: list[str], timeout: float, offline: bool | None = None,
                against: str | None = None) -> Batch:
    """Several sources in one Dask task: a task costs the client and scheduler a few milliseconds,
    an audit of a small folder about five, so batches keep the workers, not the client, busy. The
    records come back as one block of JSON lines: the client only writes it and counts briefs."""
    warm()  # a worker that joined (or was restarted) after the scan began loads everything first
    return batch_of([audit_one(s, timeout, offline, against) for s in sources])


def _tiny_release(folder: str) -> None:
    import json
    import os

    import numpy as np
    from safetensors.numpy import save_file

    save_file({"w": np.zeros((2, 2), dtype=np.float16)}, os.path.join(folder, "model.safetensors"))
    with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
        json.dump({"architectures": ["LlamaForCausalLM"], "model_type": "llama"}, f)
    with open(os.path.join(folder, "README.md"), "w", encoding="utf-8") as f:
        f.write("---\nlicense: mit\n---\n# Warm-up\n\n## Intended use\nNone.\n")


_warm: list[float] = []  # the seconds warming took, once per worker process


def warm() -> float:
    """Load the catalog, the license index and every reader once per worker, before the clock of
    any source starts, so the first audit on each worker is not charged (or timed out) for it."""
    import tempfile

    if _warm:
        return _warm[0]
    start = time.perf_counter()
    from ..licenses import identify

    identify.in_text("Permission is hereby granted, free of charge, to any person obtaining a copy")
    with tempfile.TemporaryDirectory(prefix="trueopen-warm-") as folder:
        try:  # a tiny release of our own making: every reader and framework a real audit uses
            _tiny_release(folder)
            from ..report import audit as audit_report

            result = _audit(folder, True, None)
            audit_report.to_json(result.audit, result.assessment, result.against)
        except Exception:  # noqa: BLE001 - warming up is best effort; real audits report their errors
            pass
    _warm.append(time.perf_counter() - start)
    return _warm[0]
