"""`trueopen import ...`: read other projects' formats (MOF files, models.dev, the Index)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import TrueopenError
from ..report.safe_text import printable
from .common import (FORMAT_OPT, Format, fail, print_json, err, import_app, jsonout, markdown, out, service,
                     terminal)

@import_app.command("mof")
def import_mof(
    files: List[Path] = typer.Argument(..., help="MOF release files (YAML, in the Model Openness Tool's schema)"),
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
    results = service.import_mof(files)
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
        out.print(Text(f"  Class III {m.progress[3]:.2f}% · Class II {m.progress[2]:.2f}% · Class I "
                       f"{m.progress[1]:.2f}% · verdict {r.assessment.verdict.level}"), highlight=False)


def _write_snapshot(data: dict, out_path: Optional[Path]) -> None:
    """Write next to the target and rename, so a failed import never leaves half a snapshot."""
    from ..report.safe_text import json_dumps

    text = json_dumps(data) + "\n"
    if out_path is None:
        sys.stdout.write(text)
        return
    tmp = out_path.with_name(out_path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out_path)
    except OSError as exc:
        fail(f"{out_path}: cannot write: {exc.strerror or exc}")


REVISION_OPT = typer.Option(None, "--revision", help="commit the files were read at (read from .git when there is one)")
OUT_OPT = typer.Option(None, "--out", "-o", help="write the snapshot here (default: standard output)")
SUMMARY_FORMAT_OPT = typer.Option(None, "--format", "-f", help="a summary in table, json or md (default: the "
                                  "snapshot itself without -o, a one-line note with -o)")


@import_app.command("models.dev")
def import_models_dev(
    path: Path = typer.Argument(..., help="a checkout of github.com/anomalyco/models.dev, or its published api.json"),
    revision: Optional[str] = REVISION_OPT,
    out_path: Optional[Path] = OUT_OPT,
    format: Optional[Format] = SUMMARY_FORMAT_OPT,
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
    try:
        data, _ = service.import_catalog("models.dev", path, revision)
    except TrueopenError as exc:
        fail(str(exc))
    ow = sum(1 for m in data["models"].values() if m.get("open_weights"))
    n = len(data["models"])
    _finish(data, out_path, format, [("models", n), ("with open weights", ow)], [],
            f"{n} models ({ow} with open weights) from models.dev")


@import_app.command("osai-index")
def import_osai_index(
    path: Path = typer.Argument(..., help="a checkout of github.com/Language-Technology-Assessment/main-database"),
    revision: Optional[str] = REVISION_OPT,
    out_path: Optional[Path] = OUT_OPT,
    format: Optional[Format] = SUMMARY_FORMAT_OPT,
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
    try:
        data, problems = service.import_catalog("osai-index", path, revision)
    except TrueopenError as exc:
        fail(str(exc))
    for p in problems:
        err.print(f"warning: {p}", highlight=False, markup=False)
    _finish(data, out_path, format, [("project files", len(data["profiles"]))], problems,
            f"{len(data['profiles'])} project files from the Index")
    if problems:
        raise typer.Exit(1)


def _finish(data: dict, out_path: Optional[Path], format: Optional[Format], counts: list, problems: list,
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
    if format is Format.json:
        print_json({k.replace(" ", "_"): v for k, v in facts})
    elif format is Format.md:
        sys.stdout.write("| snapshot | |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in shown))
    else:
        t = terminal.table()
        terminal.col(t, "snapshot", short=True)
        terminal.col(t, "", ratio=1)
        for k, v in shown:
            terminal.row(t, k, v)
        out.print(t)
