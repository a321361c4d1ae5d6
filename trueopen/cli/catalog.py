"""Commands over the bundled catalog: show, list, producers, gap, validate (and their --plot pictures)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..errors import TrueopenError
from .common import (FORMAT_OPT, Format, Sort, Verdict, fail, app, err, jsonout, markdown, out, render, screen,
                     service, terminal)

@app.command()
def show(
    model: str = typer.Argument(..., help="catalog id or name; case and punctuation do not matter"),
    format: Format = FORMAT_OPT,
    evidence: bool = typer.Option(False, "--evidence", help="show the source of every component fact"),
) -> None:
    """The full assessment of one model: verdict, MOF class, OSAID checks, Index profile, dimensions.

    A family name (llama-2, qwen, olmo) lists the family's releases with their verdicts and one
    line on how open the family is. An id always wins over a name.
    With --evidence, each component's location and source are numbered footnotes, printed whole.
    Exit 0 when shown, 2 when no catalog model or family matches (close names are suggested).

    \b
    Examples:
      trueopen show llama-2-7b
      trueopen show "OLMo 2 7B" --evidence
      trueopen show llama-2              the Llama 2 family
      trueopen show mistral-7b --format md > mistral-7b.md
    """
    if format is Format.table and not evidence:  # the common case: the report kept in the cache
        from .. import views

        found = views.load().find(model)
        if found is not None:
            from ..report import layout

            layout.emit(screen, layout.lines(views.load().report(found), screen.width))
            return
    try:
        a = service.lookup(model)
    except TrueopenError as exc:
        fail(str(exc))
    if isinstance(a, service.FamilyView):
        from ..report import family

        render(format, table=lambda: family.to_terminal(a, out), md=lambda: family.to_markdown(a),
               json=lambda: family.to_json(a))
        return
    render(format, table=lambda: terminal.assessment(a, screen, evidence), md=lambda: markdown.assessment(a, evidence),
           json=lambda: jsonout.assessment(a))


@app.command("list")
def list_(
    verdict: Optional[Verdict] = typer.Option(None, help="only this verdict"),
    producer: Optional[str] = typer.Option(None, help="only this producer (part of the name is enough)"),
    license: Optional[str] = typer.Option(None, "--license", help="only releases whose weights license (the column "
                                          "shown) is this one; llama picks llama2, llama3.1..."),
    mof_class: Optional[int] = typer.Option(None, "--mof-class", min=0, max=3, help="MOF class 1, 2 or 3; 0 for unclassified"),
    sort: Optional[Sort] = typer.Option(None, help="sort order (default: name; date with --producer)"),
    format: Format = FORMAT_OPT,
) -> None:
    """Models in the bundled catalog, with their verdicts.

    Columns: id, verdict, MOF (the class met, or how much of Class III is met), weights license;
    then name, producer and release date (one line each when the terminal is 120 columns or
    wider). Exit 0, or 2 for an unknown producer.

    \b
    Examples:
      trueopen list --verdict open-source
      trueopen list --producer meta --format md
      trueopen list --license apache --sort mof
      trueopen list --format json | jq -r '.[].id'
    """
    from .. import views  # the rows kept in the cache: no assessment is read or made

    flt = views.ListFilter(verdict=verdict.value if verdict else None, producer=producer,
                           license=license, mof_class=mof_class)
    try:
        rows = views.select(views.load().rows, flt, sort.value if sort else ("date" if producer else "name"))
    except TrueopenError as exc:
        fail(str(exc))
    render(format, table=lambda: terminal.listing(rows, screen), md=lambda: markdown.listing(rows),
           json=lambda: [views.summary(r) for r in rows])


@app.command()
def producers(
    producer: Optional[str] = typer.Argument(None, help="one producer (id or name): its releases in date order"),
    format: Format = FORMAT_OPT,
    plot: Optional[Path] = typer.Option(None, "--plot", metavar="FILE", help="also draw each producer's releases on a time axis, coloured by verdict (.svg or .png)"),
) -> None:
    """Who makes the models, and the strategy their releases show (open to closed, always open...).

    The strategy is read off the catalog's releases in date order: the first release against those
    of the producer's latest year. Exit 0, or 2 for an unknown producer.

    \b
    Examples:
      trueopen producers
      trueopen producers mistral
    """
    if format is Format.table and producer is None and plot is None:  # the table kept in the cache
        from .. import views
        from ..report import layout

        layout.emit(screen, layout.lines(views.load().producers, screen.width))
        return
    try:
        rows = service.producer_summaries(producer)
        if plot is not None:
            service.producers_plot(producer, plot)
            err.print(f"wrote {plot}", highlight=False, markup=False)
    except TrueopenError as exc:
        fail(str(exc))
    render(format, table=lambda: terminal.producers(rows, screen, detailed=producer is not None),
           md=lambda: markdown.producers(rows), json=lambda: [jsonout.producer(p) for p in rows])


@app.command()
def gap(
    benchmark: str = typer.Argument("MMLU", help="benchmark name as recorded: MMLU, GSM8K, HumanEval, SWE-Bench Verified..."),
    format: Format = FORMAT_OPT,
    list_: bool = typer.Option(False, "--list", help="list the benchmarks with recorded scores, and how many releases report each"),
    plot: Optional[Path] = typer.Option(None, "--plot", metavar="FILE", help="also draw the best open, restricted-weights and closed score per quarter (.svg or .png)"),
) -> None:
    """The open/closed performance gap over time: per year, the best published score among releases
    whose weights can be had and among those whose weights cannot.

    Scores are as the producers or leaderboards published them (see each release's sources); shot
    counts and settings differ, so each row names the release and the setting behind it. The gap is
    best closed minus best open: positive when a closed model led. Open means open-source or
    open-weights, never unknown; restricted-weights releases get their own column.
    Exit 0, or 2 for an unknown benchmark (close names are suggested) or a plot file that cannot
    be written.

    
    Examples:
      trueopen gap
      trueopen gap --list
      trueopen gap "SWE-Bench Verified" --format md
      trueopen gap "GPQA Diamond" --plot gap.svg
    """
    from ..report import gap as gap_report

    if list_:
        names = service.benchmark_names()
        render(format, table=lambda: gap_report.listing(names, out),  # md: the same table
               json=lambda: [{"benchmark": n, "releases": c} for n, c in names])
        return
    try:
        from .. import views  # the scores kept in the cache: no release is read or assessed

        rows = views.gap_rows(views.load().scores, benchmark)
        if plot is not None:
            service.gap_plot(benchmark, plot)
            err.print(f"wrote {plot}", highlight=False, markup=False)
    except TrueopenError as exc:
        fail(str(exc))
    render(format, table=lambda: gap_report.table(rows, benchmark, screen),
           md=lambda: markdown.gap(rows, benchmark) + "\n" + gap_report.SIGN + "\n",
           json=lambda: [jsonout.gap_row(r) for r in rows])


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
    In table format each finding is one line, "FILE: finding", never wrapped, so it can be grepped.

    \b
    Examples:
      trueopen validate
      trueopen validate my-model.yaml --notes
      trueopen validate --format md > validation.md
    """
    from ..report.safe_text import printable  # paths and findings echo the files' names and values

    results = service.validate(list(files or []))

    def lines() -> None:
        for r in results:
            if r.error:
                err.print(f"trueopen: error: {r.error}", highlight=False, markup=False)
            for f in r.findings:  # one finding per line, never wrapped, so it can be grepped
                out.print(printable(f"{r.path}: {f}"), highlight=False, markup=False, soft_wrap=True)
            for n in r.notes if notes else []:
                out.print(printable(f"{r.path}: note: {n}"), highlight=False, markup=False, soft_wrap=True)
        ok = sum(1 for r in results if not r.error and not r.findings)
        if len(results) > 1 or not results[0].error:  # one unreadable file: its error is the one line
            err.print(f"{len(results)} file(s) checked, {ok} clean", highlight=False)

    render(format, table=lines, md=lambda: markdown.validation(results, notes),
           json=lambda: [{"path": r.path, "kind": r.kind, "error": r.error, "findings": r.findings,
                          "notes": r.notes} for r in results])
    if any(r.error for r in results):
        raise typer.Exit(2)
    if any(r.findings for r in results):
        raise typer.Exit(1)
