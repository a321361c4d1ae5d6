"""Commands for CI: `bom` (an AI bill of materials) and `check` (a policy gate)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import TrueopenError
from .common import app, err, fail, out, print_json, service, write_output


class BomFormat(str, Enum):
    cyclonedx = "cyclonedx"
    spdx = "spdx"


class CheckFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"
    sarif = "sarif"


def _status():
    """A one-line status on a terminal's stderr while sources are opened and audited."""
    show = sys.stderr.isatty()

    def progress(msg: str) -> None:
        if show:
            err.print(f"{msg}...", style="dim", end="\r", highlight=False, markup=False)
    return progress


def _clear_status() -> None:
    if sys.stderr.isatty():
        err.print(" " * 60, end="\r")


def _write(text: str, output: Optional[Path]) -> None:
    write_output(text, output)


@app.command()
def bom(
    targets: List[str] = typer.Argument(..., metavar="SOURCE|MODEL...",
                                        help="catalog models (llama-3.1-8b) or sources as `audit` reads them"),
    format: BomFormat = typer.Option(BomFormat.cyclonedx, "--format", "-f",
                                     help="cyclonedx (CycloneDX 1.6 JSON) or spdx (SPDX 3.0.1 JSON-LD)"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write to FILE instead of standard output"),
    no_hash: bool = typer.Option(False, "--no-hash", help="do not compute the SHA-256 of weight files"),
    offline: bool = typer.Option(False, "--offline", help="never use the network"),
) -> None:
    """An AI bill of materials: the model, its weight files (size, SHA-256), datasets, base model and
    licenses, with the verdict, MOF class and OSAID result as `trueopen:` properties.

    Weight files are hashed in chunks (a progress bar shows on a terminal); --no-hash skips it.
    Exit 0 on success, 2 when a model or source cannot be read.

    \b
    Examples:
      trueopen bom llama-3.1-8b -o llama.cdx.json
      trueopen bom ./my-model --format spdx -o my-model.spdx.json
    """
    bar = _HashBar() if sys.stderr.isatty() and not no_hash else None
    try:
        doc = service.bom(targets, format.value, hash_files=not no_hash, on_hash=bar.update if bar else None,
                          offline=True if offline else None, progress=_status())
    except TrueopenError as exc:
        fail(str(exc))
    finally:
        if bar:
            bar.close()
        _clear_status()
    from ..gate import bom_cyclonedx

    _write(bom_cyclonedx.dumps(doc), output)


def folders_of(files: list[str]) -> list[str]:
    """The folders holding changed files, each once, in the order first seen."""
    out: list[str] = []
    for f in files:
        p = Path(f)
        folder = str(p if p.is_dir() else p.parent)
        if folder not in out:
            out.append(folder)
    return out


class _HashBar:
    """A rich progress bar over all bytes to hash, started when the total is known."""

    def __init__(self):
        self._progress = None
        self._task = None

    def update(self, total: int, rel: str | None, n: int) -> None:
        if rel is None:
            if total <= 0:
                return
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(TextColumn("hashing"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                                      console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("hashing", total=total)
        elif self._progress is not None:
            self._progress.update(self._task, advance=n)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


@app.command()
def check(
    targets: List[str] = typer.Argument(None, metavar="SOURCE|MODEL...",
                                        help="catalog models or sources as `audit` reads them"),
    policy: Path = typer.Option(Path("trueopen-policy.yaml"), "--policy", "-p", help="the policy YAML file"),
    format: CheckFormat = typer.Option(CheckFormat.table, "--format", "-f", help="table, json, md or sarif"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write to FILE instead of standard output"),
    init: bool = typer.Option(False, "--init", help="write a commented starter policy to --policy and stop"),
    changed_files: bool = typer.Option(False, "--changed-files",
                                       help="the arguments are changed files (pre-commit): check each folder "
                                            "holding them, once"),
    offline: bool = typer.Option(False, "--offline", help="never use the network"),
) -> None:
    """Check models against a policy: verdicts, licenses, the rights you need, weight formats,
    with exceptions that expire.

    Exit 0 when every rule passes, 1 when one is violated, 2 when the policy or a source is invalid.
    --format sarif writes SARIF 2.1.0 for code scanning, each result at its evidence's file and line.

    \b
    Examples:
      trueopen check --init
      trueopen check llama-2-7b ./my-model --policy trueopen-policy.yaml
      trueopen check ./models/* --format sarif -o trueopen.sarif
    """
    if init:
        from ..gate.policy import STARTER

        if policy.exists():
            fail(f"{policy}: already exists; not overwritten")
        try:
            policy.write_text(STARTER, encoding="utf-8")
        except OSError as exc:
            fail(f"{policy}: cannot write: {exc.strerror or exc}")
        err.print(f"wrote a starter policy to {policy}", highlight=False, markup=False)
        return
    if changed_files:
        targets = folders_of(targets or [])
        if not targets:
            return
    if not targets:
        fail("name at least one model or source to check (or --init to write a starter policy)")
    try:
        reports = service.check(targets, policy, offline=True if offline else None, progress=_status())
    except TrueopenError as exc:
        fail(str(exc))
    finally:
        _clear_status()
    from ..gate import render, sarif

    if format is CheckFormat.sarif:
        from ..gate.bom_cyclonedx import dumps

        _write(dumps(sarif.build(reports, policy=policy)), output)
    elif format is CheckFormat.json:
        if output is None:
            print_json(render.to_json(reports))
        else:
            import json

            _write(json.dumps(render.to_json(reports), indent=2, ensure_ascii=False) + "\n", output)
    elif format is CheckFormat.md:
        _write(render.markdown(reports), output)
    else:
        render.table(reports, out)
    if not all(r.passed for r in reports):
        raise typer.Exit(1)
