"""`trueopen scan`: audit many sources on Dask, one JSON line per source and a summary."""

from __future__ import annotations

import signal
import sys
import time
from contextlib import contextmanager
from enum import Enum
from typing import Iterator, List, Optional

import typer

from ..errors import TrueopenError
from .common import app, err, fail

LIST_LIMIT = 64 << 20  # a --from-file list: millions of paths, never an unbounded read


class ScanFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"


def _gather(specs: list[str], from_file: str | None, hf_cache: bool) -> list[str]:
    from .. import safeio
    from ..scan import sources

    found: list[str] = []
    for spec in specs:
        found += sources.expand(spec)
    if from_file is not None:
        raw = safeio.read_stdin(LIST_LIMIT, "the source list") if from_file == "-" else \
            safeio.read_bytes(from_file, LIST_LIMIT, what="the source list")
        for spec in sources.list_lines(safeio.text_of(raw)):
            found += sources.expand(spec)
    if hf_cache:
        found += sources.hf_cache_snapshots()
    return sources.unique(found)


class _Progress:
    """A bar with counts and rate on a terminal's stderr; nothing otherwise."""

    def __init__(self, total: int, label: str):
        self.bar = None
        if total and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self.bar = Progress(TextColumn("scan"), BarColumn(bar_width=24), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[problems]}"),
                                TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
                                transient=True)
            self.task = self.bar.add_task(label, total=total, rate="", problems="")
            self.start = time.perf_counter()
            self.bar.start()

    def step(self, n: int, problems: int) -> None:
        if self.bar is not None:
            done = self.bar.tasks[0].completed + n
            rate = done / max(1e-9, time.perf_counter() - self.start)
            self.bar.update(self.task, advance=n, rate=f"{rate:,.1f}/s",
                            problems=f"{problems:,} with problems" if problems else "")

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


class _Interrupts:
    """Ctrl-C and SIGTERM (kill, cron or systemd stop) end the scan as KeyboardInterrupt, but never
    between writing a batch's lines and counting them: inside `held()` the signal waits until the
    block is done, so the count said on an interrupt is the number of lines written."""

    def __init__(self) -> None:
        self.holding = False
        self.pending = False

    def handler(self, signum, frame) -> None:
        if self.holding:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


@app.command()
def scan(
    specs: Optional[List[str]] = typer.Argument(None, metavar="[SOURCE]...",
                                                help="folders, files or glob patterns (quote them: '/models/*/*'); "
                                                     "hf:ORG/NAME and git URLs as for `audit`"),
    from_file: Optional[str] = typer.Option(None, "--from-file", "-i", metavar="LIST",
                                            help="read sources from LIST, one a line (- for standard input; "
                                                 "blank lines and # comments skipped)"),
    hf_cache: bool = typer.Option(False, "--hf-cache", help="every model snapshot in the local Hugging Face cache "
                                                            "(HF_HUB_CACHE, else HF_HOME/hub)"),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="write records to FILE: .jsonl (one line per source, appended as "
                                              "each completes) or .parquet (needs pyarrow)"),
    format: Optional[ScanFormat] = typer.Option(None, "--format", "-f",
                                                help="table: a summary at the end (default on a terminal); jsonl: "
                                                     "the records (default otherwise; on stdout without -o)"),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, max=1024, metavar="N",
                                          help="start a local Dask cluster of N processes, one thread each "
                                               "(default: the number of cores)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="tcp://HOST:8786",
                                            help="use an existing dask.distributed cluster; its workers must see "
                                                 "the same paths and have trueopen installed"),
    timeout: float = typer.Option(60.0, "--timeout", min=0.001, metavar="SECONDS",
                                  help="per source; a late audit becomes an error record"),
    resume: bool = typer.Option(False, "--resume", help="skip the sources already in the -o file and append"),
    force: bool = typer.Option(False, "--force", help="replace an existing -o file"),
    offline: bool = typer.Option(False, "--offline", help="never use the network (HF_HUB_OFFLINE=1 does the same)"),
) -> None:
    """Audit many model sources at once on Dask: one JSON line per source, a summary at the end.

    Each source is audited exactly as `trueopen audit SOURCE --format json` does, on a local Dask
    cluster (--workers) or an existing one (--scheduler). A record is that audit's JSON object with
    `source` (the path or id scanned; the audit's own source block is under `snapshot`), `seconds`
    and `error` (null, or the one-line reason the source could not be audited: unreadable,
    malformed, timed out). A failing source never stops the scan.

    Timeouts: a late audit is recorded as an error and the worker moves on; the late audit itself
    cannot be stopped and finishes in the background on that worker (every read is bounded). A
    worker that dies is replaced and its sources retried by Dask; a source that still fails is an
    error record. Ctrl-C stops the scan; what was written stays, and --resume goes on from there.

    Exit 0 when every source audited is clean, 1 when any has warnings or is an error record, 2 for
    bad arguments.

    Examples:

      trueopen scan '/models/*' -o results.jsonl

      trueopen scan '/registry/*/*' -w 8 -o nightly.jsonl --resume

      ls -d /models/*/ | trueopen scan -i - -f jsonl | jq .verdict.level

      trueopen scan --hf-cache -o cache.parquet

      trueopen scan -i list.txt --scheduler tcp://head:8786 -o out.jsonl
    """
    from ..scan import runner
    from ..scan.output import Output
    from ..scan.summary import Summary, render

    if workers is not None and scheduler is not None:
        fail("give --workers (a local cluster) or --scheduler (an existing one), not both")
    if resume and force:
        fail("give --resume (keep the file and append) or --force (replace it), not both")
    fmt = format or (ScanFormat.table if sys.stdout.isatty() else ScanFormat.jsonl)
    try:
        todo = _gather(list(specs or []), from_file, hf_cache)
        if not todo:
            fail("no sources: give folders, files or patterns, --from-file LIST or --hf-cache")
        out = Output(output, resume=resume, force=force)
        if output is None and fmt is ScanFormat.table:
            err.print("note: records are not kept; add -o results.jsonl to keep them", highlight=False, markup=False)
            sink = None
        else:
            sink = out.sink()  # the -o file, or standard output for jsonl
    except TrueopenError as exc:
        fail(str(exc))
    summary = Summary()
    remaining = [s for s in todo if s not in out.done]
    summary.skipped = len(todo) - len(remaining)
    progress = _Progress(len(remaining), "scan")

    interrupts = _Interrupts()

    def on_result(batch) -> None:
        with interrupts.held():
            if sink is not None:
                sink.write_block(batch.data)
            for source, brief in batch.briefs:
                summary.add(source, brief)
        progress.step(len(batch), summary.warnings + summary.errors)

    start = time.perf_counter()
    interrupted = False
    before = {sig: signal.signal(sig, interrupts.handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if remaining:  # --resume with everything done: no cluster to start
            with runner.cluster(workers, scheduler) as (client, n):
                runner.run(client, n, remaining, timeout, on_result, offline=True if offline else None)
    except KeyboardInterrupt:
        interrupted = True
    except TrueopenError as exc:
        progress.stop()
        fail(str(exc))
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
        progress.stop()
        if sink is not None:
            sink.close()
    seconds = time.perf_counter() - start
    if interrupted:
        err.print(f"interrupted after {summary.total:,} of {len(remaining):,} sources; "
                  + (f"run again with --resume -o {output} to go on" if output
                     else "their records went to standard output" if sink is not None else "nothing was kept"),
                  highlight=False, markup=False)
        raise typer.Exit(130)
    if output is not None:
        try:
            out.finish()
        except (TrueopenError, OSError) as exc:
            fail(f"{output}: {exc}")
        err.print(f"wrote {summary.total:,} records to {output}", highlight=False, markup=False)
    if fmt is ScanFormat.table:
        sys.stdout.write(render(summary, seconds))
    if summary.warnings or summary.errors:
        raise typer.Exit(1)
