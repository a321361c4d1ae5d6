"""Commands over the bundled catalog: show, list, producers, gap, validate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import TrueopenError
from .common import (FORMAT_OPT, Format, Sort, Verdict, fail, print_json, app, err, jsonout, markdown, out,
                     service, terminal)

@app.command()
def show(
    model: str = typer.Argument(..., help="catalog id or name; case and punctuation do not matter"),
    format: Format = FORMAT_OPT,
    evidence: bool = typer.Option(False, "--evidence", help="show the source of every component fact"),
) -> None:
    """The full assessment of one model: verdict, MOF class, OSAID checks, Index profile, dimensions."""
    try:
        a = service.show(model)
    except TrueopenError as exc:
        fail(str(exc))
    if format is Format.json:
        print_json(jsonout.assessment(a))
    elif format is Format.md:
        sys.stdout.write(markdown.assessment(a, evidence))
    else:
        terminal.assessment(a, out, evidence)


@app.command("list")
def list_(
    verdict: Optional[Verdict] = typer.Option(None, help="only this verdict"),
    producer: Optional[str] = typer.Option(None, help="only this producer (part of the name is enough)"),
    license: Optional[str] = typer.Option(None, "--license", help="only releases with a component under this license"),
    mof_class: Optional[int] = typer.Option(None, "--mof-class", min=0, max=3, help="MOF class 1, 2 or 3; 0 for unclassified"),
    sort: Optional[Sort] = typer.Option(None, help="sort order (default: name; date with --producer)"),
    format: Format = FORMAT_OPT,
) -> None:
    """Models in the bundled catalog, with their verdicts."""
    flt = service.ListFilter(verdict=verdict.value if verdict else None, producer=producer,
                             license=license, mof_class=mof_class)
    try:
        rows = service.list_assessments(flt, sort.value if sort else ("date" if producer else "name"))
    except TrueopenError as exc:
        fail(str(exc))
    if format is Format.json:
        print_json([jsonout.summary(a) for a in rows])
    elif format is Format.md:
        sys.stdout.write(markdown.listing(rows))
    else:
        terminal.listing(rows, out)


@app.command()
def producers(
    producer: Optional[str] = typer.Argument(None, help="one producer (id or name): its releases in date order"),
    format: Format = FORMAT_OPT,
) -> None:
    """Who makes the models, and the strategy their releases show (open to closed, always open...).

    The strategy is read off the catalog's releases in date order: the first release against those
    of the producer's latest year.
    """
    try:
        rows = service.producer_summaries(producer)
    except TrueopenError as exc:
        fail(str(exc))
    if format is Format.json:
        print_json([jsonout.producer(p) for p in rows])
    elif format is Format.md:
        sys.stdout.write(markdown.producers(rows))
    else:
        terminal.producers(rows, out, detailed=producer is not None)


@app.command()
def gap(
    benchmark: str = typer.Argument("MMLU", help="benchmark name as recorded: MMLU, GSM8K, HumanEval, SWE-Bench Verified..."),
    format: Format = FORMAT_OPT,
) -> None:
    """The open/closed performance gap over time: per year, the best published score among releases
    whose weights can be had and among those whose weights cannot.

    Scores are as the producers or leaderboards published them (see each release's sources); shot
    counts and settings differ, so each row names the release and the setting behind it.
    """
    try:
        rows = service.benchmark_gap(benchmark)
    except TrueopenError as exc:
        fail(str(exc))
    if format is Format.json:
        print_json([jsonout.gap_row(r) for r in rows])
    elif format is Format.md:
        sys.stdout.write(markdown.gap(rows, benchmark))
    else:
        terminal.gap(rows, out)


@app.command()
def validate(
    files: Optional[List[Path]] = typer.Argument(None, help="catalog entries or MOF files; none: the bundled catalog"),
    notes: bool = typer.Option(False, "--notes", help="also show where other catalogs (models.dev) say otherwise"),
    format: Format = FORMAT_OPT,
) -> None:
    """Check catalog entries or MOF files: schema, a source and date on every fact, known licenses
    and producers, ids listed in other catalogs, and facts quoted from models.dev still matching it.

    Exit 0 when all is clean, 1 when there are findings, 2 when a file cannot be read or parsed.
    Notes (other catalogs disagreeing with a fact that cites its own source) never fail the check.
    """
    from ..report.safe_text import printable  # paths and findings echo the files' names and values

    results = service.validate(list(files or []))
    if format is Format.json:
        print_json([{"path": r.path, "kind": r.kind, "error": r.error, "findings": r.findings, "notes": r.notes}
                     for r in results])
    else:
        for r in results:
            if r.error:
                err.print(f"trueopen: error: {r.error}", highlight=False, markup=False)
            for f in r.findings:  # one finding per line, never wrapped, so it can be grepped
                out.print(printable(f"{r.path}: {f}"), highlight=False, markup=False, soft_wrap=True)
            for n in r.notes if notes else []:
                out.print(printable(f"{r.path}: note: {n}"), highlight=False, markup=False, soft_wrap=True)
        ok = sum(1 for r in results if not r.error and not r.findings)
        err.print(f"{len(results)} file(s) checked, {ok} clean", highlight=False)
    if any(r.error for r in results):
        raise typer.Exit(2)
    if any(r.findings for r in results):
        raise typer.Exit(1)
