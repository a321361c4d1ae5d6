"""`trueopen import ...`: read other projects' formats (MOF files, models.dev, the Index)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InputError, TrueopenError
from .common import FORMAT_OPT, Format, fail, print_json, err, import_app, jsonout, markdown, out, service

@import_app.command("mof")
def import_mof(
    files: List[str] = typer.Argument(..., help="MOF release files (YAML, in the Model Openness Tool's schema)"),
    format: Format = FORMAT_OPT,
) -> None:
    """Score Model Openness Framework release files exactly as the Model Openness Tool does.

    Exit 0 when every file imported cleanly, 1 when MOT quirks were found (unknown or
    duplicate component names), 2 when a file could not be read.
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
                err.print(f"{r.path}: warning: {w}", highlight=False, markup=False)
            if format is Format.md:
                sys.stdout.write(markdown.assessment(r.assessment))
            else:
                m = r.assessment.mof
                out.print(f"{r.path}: {m.label} - Class III {m.progress[3]:.2f}% · Class II {m.progress[2]:.2f}% "
                          f"· Class I {m.progress[1]:.2f}% - verdict {r.assessment.verdict.level}",
                          highlight=False, markup=False)
    if any(r.error for r in results):
        raise typer.Exit(2)
    if any(r.warnings for r in results):
        raise typer.Exit(1)


def _source(text: str, what: str) -> Path:
    """The folder or file to import, refused before any service code sees it when it is empty,
    missing (also: a name too long to exist), or a FIFO, device or socket."""
    from ..safeio import probe, shown

    if not text.strip():
        raise InputError(repr(text), f"an empty argument; expected a {what}")
    found = probe(text)
    if found in ("folder", "file"):
        return Path(text)
    if found == "missing":
        raise InputError(shown(text), "no such file or folder")
    raise InputError(shown(text), found.replace("unreadable: ", "cannot read: ") if found.startswith("unreadable")
                     else f"is {found}; expected a {what}")


def _revision(text: Optional[str]) -> Optional[str]:
    """--revision ends up in every fact's URL: a git revision, checked as such."""
    if text is None:
        return None
    from ..evidence.sources import check_revision

    return check_revision(text, "--revision")


def _write_snapshot(data: dict, out_path: Optional[str]) -> None:
    """Write next to the target and rename, so a failed import never leaves half a snapshot."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if out_path is None:
        sys.stdout.write(text)
        return
    try:
        write_file(out_path, text.encode("utf-8"))
    except TrueopenError as exc:
        fail(str(exc))


def write_file(target: str | Path, data: bytes) -> None:
    """Replace `target` with `data`, or create it: only ever a regular file. A device, a FIFO or a
    folder is refused (as root, renaming over /dev/null would turn it into a file); the temporary
    file gets a unique name beside the target and is removed on any failure."""
    from ..safeio import probe, shown

    name = shown(target)
    if not str(target).strip():
        raise InputError(repr(str(target)), "an empty output path")
    real = Path(os.path.realpath(target))  # a link to a file: write the file, keep the link
    what = probe(real)
    if what not in ("file", "missing"):
        what = "a folder" if what == "folder" else what
        raise InputError(name, f"is {what}; --out writes regular files only" if not what.startswith("unreadable")
                         else what.replace("unreadable", "cannot write"))
    folder = real.parent
    if probe(folder) != "folder":
        raise InputError(name, f"no folder {shown(folder)} to write into")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name[:64]}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mode = os.stat(real).st_mode & 0o7777 if what == "file" else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, real)
        tmp = None
    except OSError as exc:
        raise InputError(name, f"cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


REVISION_OPT = typer.Option(None, "--revision", help="commit the files were read at (read from .git when there is one)")
OUT_OPT = typer.Option(None, "--out", "-o", help="write the snapshot here (default: standard output)")


@import_app.command("models.dev")
def import_models_dev(
    path: str = typer.Argument(..., help="a checkout of github.com/anomalyco/models.dev, or its published api.json"),
    revision: Optional[str] = REVISION_OPT,
    out_path: Optional[str] = OUT_OPT,
) -> None:
    """Snapshot models.dev's facts (release dates, open weights, limits, first-party prices).

    The snapshot carries models.dev's MIT license and the revision, so every fact a catalog entry
    takes from it cites the exact file. Refresh the bundled one with:

      trueopen import models.dev ./models.dev -o trueopen/catalog/imported/models-dev.json
    """
    try:
        data, _ = service.import_catalog("models.dev", _source(path, "models.dev checkout or api.json"),
                                         _revision(revision))
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
    path: str = typer.Argument(..., help="a checkout of github.com/Language-Technology-Assessment/main-database"),
    revision: Optional[str] = REVISION_OPT,
    out_path: Optional[str] = OUT_OPT,
) -> None:
    """Snapshot the Open Source AI Index's grades (12 parameters per model family) and links.

    The Index's notes are its own prose and are left out; grades and evidence links are kept,
    with the Index's CC BY 4.0 attribution. Files that cannot be read are reported (exit 1) and
    the rest are still imported.
    """
    try:
        data, problems = service.import_catalog("osai-index", _source(path, "checkout of the Index"),
                                                _revision(revision))
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
