"""What a run says on stderr while it builds the license index, once per corpus and code version.

A one-line notice in logs and pipes, a progress bar on a terminal; never a byte on stdout, so
JSON output stays clean. The expected time is the last build's on this machine, kept beside the
index, or else a cold build's on the 2-core development machine.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TextIO

DEFAULT_SECONDS = 5  # a cold build on the 2-core development machine (bench/README.md)
TIMING = "license-index.timing.json"  # not "license-index-*": stale-index cleaning leaves it alone


def expected_seconds(folder: Path) -> int:
    """Whole seconds the last build took here (at least 1), or DEFAULT_SECONDS."""
    try:
        return max(1, round(float(json.loads((folder / TIMING).read_text(encoding="utf-8"))["seconds"])))
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_SECONDS


def remember(folder: Path, seconds: float) -> None:
    """Best effort: a read-only cache only loses the estimate."""
    try:
        (folder / TIMING).write_text(json.dumps({"seconds": round(seconds, 2)}), encoding="utf-8")
    except OSError:
        pass


class Building:
    """Reports a build of `total` steps: `advance(n)` as steps finish. Use as a context manager."""

    def __init__(self, what: str, total: int, expected: int, stream: TextIO | None = None):
        self.what, self.total, self.expected = what, total, expected
        self.stream = stream or sys.stderr
        self.seconds = 0.0
        self._bar = None

    def __enter__(self) -> Building:
        self._start = time.perf_counter()
        if _is_terminal(self.stream):
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(file=self.stream, stderr=self.stream is sys.stderr)
            self._bar = Progress(TextColumn("[dim]{task.description}"), BarColumn(), TimeElapsedColumn(),
                                 console=console, transient=True)
            self._bar.start()
            self._task = self._bar.add_task(f"building the license index (first run, ~{self.expected} s)",
                                            total=self.total)
        else:
            self._write(f"building {self.what} (first run, ~{self.expected} s)...")
        return self

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def __exit__(self, exc_type, exc, tb) -> None:
        self.seconds = time.perf_counter() - self._start
        outcome = f"done in {self.seconds:.1f} s" if exc_type is None else "failed"
        if self._bar is not None:
            self._bar.stop()
            self._bar.console.print(f"built {self.what} in {self.seconds:.1f} s" if exc_type is None
                                    else f"building {self.what} failed", style="dim", highlight=False)
        else:
            self._write(f" {outcome}\n")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # stderr closed or gone: the build matters, the notice does not
            pass


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
