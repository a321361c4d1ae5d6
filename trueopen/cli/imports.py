"""`trueopen import ...`: read other projects' formats (MOF files, models.dev, the Index)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import TrueopenError
from ..report.safe_text import printable
from .common import FORMAT_OPT, Format, fail, print_json, err, import_app, jsonout, markdown, out, service

@import_app.command("mof")
def import_mof(
    files: List[Path] = typer.Argument(..., help="MOF release files (YAML, in the Model Openness Tool's schema)"),
    format: Format = FORMAT_OPT,
) -> None:
    """Score Model Openness Framework release files exactly as the Model Openness Tool does.

    Exit 0 when every file imported cleanly, 1 when MOT quirks were found (unknown or
    duplicate component names), 2 when a file could not be read.
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
            else:
                m = r.assessment.mof
                out.print(f"{printable(r.path)}: {m.label} - Class III {m.progress[3]:.2f}% · Class II {m.progress[2]:.2f}% "
                          f"· Class I {m.progress[1]:.2f}% - verdict {r.assessment.verdict.level}",
                          highlight=False, markup=False)
    if any(r.error for r in results):
        raise typer.Exit(2)
    if any(r.warnings for r in results):
        raise typer.Exit(1)


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


@import_app.command("models.dev")
def import_models_dev(
    path: Path = typer.Argument(..., help="a checkout of github.com/anomalyco/models.dev, or its published api.json"),
    revision: Optional[str] = REVISION_OPT,
    out_path: Optional[Path] = OUT_OPT,
) -> None:
    """Snapshot models.dev's facts (release dates, open weights, limits, first-party prices).

    The snapshot carries models.dev's MIT license and the revision, so every fact a catalog entry
    takes from it cites the exact file. Refresh the bundled one with:

      trueopen import models.dev ./models.dev -o trueopen/catalog/imported/models-dev.json
    """
    try:
        data, _ = service.import_catalog("models.dev", path, revision)
    except TrueopenError as exc:
        fail(str(exc))
    _write_snapshot(data, out_path)
    if out_path is not None:
        n = len(data["models"])
        ow = sum(1 for m in data["models"].values() if m.get("open_weights"))
        err.print(f"{out_path}: {n} models ({ow} with open weights) from models.dev @ {data['source']['revision']}",
                  highlight=False, markup=False)


@import_app.command("osai-index")
def import_osai_index(
    path: Path = typer.Argument(..., help="a checkout of github.com/Language-Technology-Assessment/main-database"),
    revision: Optional[str] = REVISION_OPT,
    out_path: Optional[Path] = OUT_OPT,
) -> None:
    """Snapshot the Open Source AI Index's grades (12 parameters per model family) and links.

    The Index's notes are its own prose and are left out; grades and evidence links are kept,
    with the Index's CC BY 4.0 attribution. Files that cannot be read are reported (exit 1) and
    the rest are still imported.
    """
    try:
        data, problems = service.import_catalog("osai-index", path, revision)
    except TrueopenError as exc:
        fail(str(exc))
    for p in problems:
        err.print(f"warning: {p}", highlight=False, markup=False)
    _write_snapshot(data, out_path)
    if out_path is not None:
        err.print(f"{out_path}: {len(data['profiles'])} project files from the Index @ {data['source']['revision']}",
                  highlight=False, markup=False)
    if problems:
        raise typer.Exit(1)
