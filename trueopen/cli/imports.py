"""`trueopen import ...`: read other projects' formats (MOF files, models.dev, the Index)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from ..errors import InputError, TrueopenError
from ..report.safe_text import printable
from .common import (FORMAT_OPT, Format, fail, print_json, err, import_app, jsonout, markdown, out, render,
                     service, write_output,
                     terminal)

@import_app.command("mof")
def import_mof(
    files: List[str] = typer.Argument(..., help="MOF release files (YAML, in the Model Openness Tool's schema)"),
    format: Format = FORMAT_OPT,
) -> None:
    """Score Model Openness Framework release files exactly as the Model Openness Tool does.

    Exit 0 when every file imported cleanly, 1 when MOT quirks were found (unknown or
    duplicate component names), 2 when a file could not be read.

    \b
    Examples:
      trueopen import mof Llama-2-7B.yml
      trueopen import mof models/*.yml --format json
    """
    for f in files:
        if not f.strip():
            fail(f"{f!r}: an empty file name")
    results = service.import_mof([Path(f) for f in files])
    if format is Format.json:
        print_json([
            {"path": r.path, "error": r.error, "warnings": r.warnings,
             **(jsonout.assessment(r.assessment) if r.assessment else {})}
            for r in results
        ])
    else:
        for r in results:
            if r.error:
                err.print(f"trueopen: error: {r.error}", highlight=False, markup=False)
                continue
            assert r.assessment is not None
            for w in r.warnings:
                err.print(f"{printable(r.path)}: warning: {printable(w)}", highlight=False, markup=False)
            if format is Format.md:
                sys.stdout.write(markdown.assessment(r.assessment))
        if format is Format.table:
            _mof_table([r for r in results if r.assessment is not None])
    if any(r.error for r in results):
        raise typer.Exit(2)
    if any(r.warnings for r in results):
        raise typer.Exit(1)


def _mof_table(results: list) -> None:
    """Per file: the class MOT would give it, then its progress in each class as MOT shows it."""
    from rich.text import Text

    for r in results:
        m = r.assessment.mof
        out.print(Text(f"{printable(r.path)}: {m.label}", overflow="fold"), highlight=False)
        out.print(Text(f"  Class III {m.progress[3]:.2f}% | Class II {m.progress[2]:.2f}% | Class I "
                       f"{m.progress[1]:.2f}% | verdict {r.assessment.verdict.level}"), highlight=False)


def _source(text: str, what: str) -> Path:
    """The folder or file to import, refused before any service code sees it when it is empty,
    missing (also: a name too long to exist), or a FIFO, device or socket."""
    from ..safeio import probe

    if not text.strip():
        raise InputError(repr(text), f"an empty argument; expected a {what}")
    found = probe(text)
    if found in ("folder", "file"):
        return Path(text)
    if found == "missing":
        raise InputError(printable(text), "no such file or folder")
    raise InputError(printable(text), found.replace("unreadable: ", "cannot read: ") if found.startswith("unreadable")
                     else f"is {found}; expected a {what}")


def _revision(text: Optional[str]) -> Optional[str]:
    """--revision ends up in every fact's URL: a git revision, checked as such."""
    if text is None:
        return None
    from ..evidence.sources import check_revision

    return check_revision(text, "--revision")


def _write_snapshot(data: dict, out_path: Optional[str]) -> None:
    """Write next to the target and rename, so a failed import never leaves half a snapshot."""
    from ..report.safe_text import json_dumps

    write_output(json_dumps(data) + "\n", out_path)


# The options every snapshot importer takes, declared once.
Revision = Annotated[Optional[str], typer.Option("--revision", help="commit the files were read at (read from .git "
                                                 "when there is one)")]
OutPath = Annotated[Optional[str], typer.Option("--out", "-o", help="write the snapshot here (default: standard "
                                                "output)")]
SummaryFormat = Annotated[Optional[Format], typer.Option("--format", "-f", help="a summary in table, json or md "
                                                         "(default: the snapshot itself without -o, a one-line note "
                                                         "with -o)")]


def _snapshot(kind: str, path: str, what: str, revision: Optional[str]) -> tuple[dict, list]:
    """The importer's snapshot and the files it could not read; a bad source ends the command."""
    try:
        return service.import_catalog(kind, _source(path, what), _revision(revision))
    except TrueopenError as exc:
        fail(str(exc))
        raise  # fail() exits; this line is for type checkers


@import_app.command("models.dev")
def import_models_dev(
    path: Annotated[str, typer.Argument(help="a checkout of github.com/anomalyco/models.dev, or its published api.json")],
    revision: Revision = None,
    out_path: OutPath = None,
    format: SummaryFormat = None,
) -> None:
    """Snapshot models.dev's facts (release dates, open weights, limits, first-party prices).

    The snapshot carries models.dev's MIT license and the revision, so every fact a catalog entry
    takes from it cites the exact file.

    Without -o, standard output gets the snapshot; with --format table or md it gets only a summary
    (nothing is written: a dry run). With -o, a one-line note goes to standard error, or, with
    --format, a summary to standard output.
    Exit 0 when imported, 2 when the checkout cannot be read.

    \b
    Examples (the bundled snapshot is trueopen/catalog/imported/models-dev.json):
      trueopen import models.dev ./models.dev -o models-dev.json
      trueopen import models.dev api.json --format md   (a dry run: a summary)
    """
    data, _ = _snapshot("models.dev", path, "models.dev checkout or api.json", revision)
    ow = sum(1 for m in data["models"].values() if m.get("open_weights"))
    n = len(data["models"])
    _finish(data, out_path, format, [("models", n), ("with open weights", ow)], [],
            f"{n} models ({ow} with open weights) from models.dev")


@import_app.command("osai-index")
def import_osai_index(
    path: Annotated[str, typer.Argument(help="a checkout of github.com/Language-Technology-Assessment/main-database")],
    revision: Revision = None,
    out_path: OutPath = None,
    format: SummaryFormat = None,
) -> None:
    """Snapshot the Open Source AI Index's grades (12 parameters per model family) and links.

    The Index's notes are its own prose and are left out; grades and evidence links are kept,
    with the Index's CC BY 4.0 attribution. Files that cannot be read are reported (exit 1) and
    the rest are still imported.

    Without -o, standard output gets the snapshot; with --format table or md it gets only a summary
    (nothing is written: a dry run). With -o, a one-line note goes to standard error, or, with
    --format, a summary to standard output.
    Exit 0 when every file was read, 1 when some could not be (the rest are imported), 2 when the
    checkout cannot be read.

    \b
    Examples:
      trueopen import osai-index ./main-database -o osai-index.json
      trueopen import osai-index ./main-database --format table   (a dry run)
    """
    data, problems = _snapshot("osai-index", path, "checkout of the Index", revision)
    for p in problems:
        err.print(f"warning: {p}", highlight=False, markup=False)
    _finish(data, out_path, format, [("project files", len(data["profiles"]))], problems,
            f"{len(data['profiles'])} project files from the Index")
    if problems:
        raise typer.Exit(1)


def _finish(data: dict, out_path: Optional[str], format: Optional[Format], counts: list, problems: list,
            note: str) -> None:
    """Write the snapshot (to -o, or to stdout unless a table or md summary was asked for), then
    the summary in the format asked."""
    if out_path is None and format in (None, Format.json):
        _write_snapshot(data, None)
        return
    src = data["source"]
    if out_path is not None:
        _write_snapshot(data, out_path)
        if format is None:  # the one-line note on stderr, as before --format existed
            err.print(f"{out_path}: {note} @ {src['revision']}", highlight=False, markup=False)
            return
    facts = [("source", f"{src['name']} ({src['repository']})"), ("revision", src["revision"]),
             ("retrieved", src["retrieved"]), ("license", src.get("license")),
             *counts, ("files not read", len(problems)),
             ("written to", str(out_path) if out_path is not None else None)]
    shown = [(k, "(nothing written: dry run)" if v is None and k == "written to" else str(v or ""))
             for k, v in facts]

    def table() -> None:
        t = terminal.table()
        terminal.col(t, "snapshot", short=True)
        terminal.col(t, "", ratio=1)
        for k, v in shown:
            terminal.row(t, k, v)
        out.print(t)

    render(format, table=table, json=lambda: {k.replace(" ", "_"): v for k, v in facts},
           md=lambda: "| snapshot | |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in shown))
