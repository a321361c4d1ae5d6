"""The `trueopen` command: a thin shell over trueopen.service.

Exit codes follow linters: 0 clean, 1 findings, 2 usage or input error.
"""

from __future__ import annotations

import importlib
import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from . import __version__
from .errors import TrueopenError


class _Lazy:
    """A module imported on first use: `trueopen license` and `--help` start in a fraction of the
    time it takes to load the catalog, the frameworks and pydantic."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name, __package__), attr)


service = _Lazy(".service")
identify = _Lazy(".licenses.identify")  # called directly: naming licenses needs nothing of the catalog
jsonout = _Lazy(".report.jsonout")
license_report = _Lazy(".report.licenses")
markdown = _Lazy(".report.markdown")
terminal = _Lazy(".report.terminal")

app = typer.Typer(
    help=(
        "How open is an AI model really, and why.\n\n"
        "Examples:\n\n"
        "  trueopen list                      every model in the bundled catalog\n\n"
        "  trueopen show llama-2-7b           the full assessment of one model\n\n"
        "  trueopen list --verdict open-source --format json\n\n"
        "  trueopen audit ./my-model          derive the facts from a model's own files\n\n"
        "  trueopen audit hf:org/name --against llama-3.1-8b\n\n"
        "  trueopen license ./my-model        name every license in a folder, file or tag\n\n"
        "  trueopen can llama-2-7b --users 800M --distill\n\n"
        "                                     may we? per question, citing the clause\n\n"
        "  trueopen import mof model.yml      score a Model Openness Framework file as MOT does\n\n"
        "  trueopen list --producer openai    one producer's releases in date order\n\n"
        "  trueopen producers                 who went from open to closed, and who stayed open\n\n"
        "  trueopen gap MMLU                  the open/closed performance gap, year by year\n\n"
        "  trueopen validate                  check catalog entries (or given files)"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
import_app = typer.Typer(help="Read other projects' formats and assess them.", no_args_is_help=True)
app.add_typer(import_app, name="import")

class _LazyConsole:
    """A rich Console made on first use: JSON output never needs one."""

    def __init__(self, **options):
        self._options = options
        self._console = None

    def __getattr__(self, attr: str):
        if self._console is None:
            from rich.console import Console

            options = dict(self._options)
            if options.pop("stdout_width", False):
                options["width"] = None if sys.stdout.isatty() else 120
            self._console = Console(**options)
        return getattr(self._console, attr)


out = _LazyConsole(soft_wrap=False, stdout_width=True)
err = _LazyConsole(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    md = "md"


class Verdict(str, Enum):
    open_source = "open-source"
    open_weights = "open-weights"
    restricted_weights = "restricted-weights"
    closed = "closed"
    unknown = "unknown"



class Sort(str, Enum):
    name = "name"
    date = "date"
    producer = "producer"
    verdict = "verdict"
    mof = "mof"


FORMAT_OPT = typer.Option(Format.table, "--format", "-f", help="table (terminal), json (stable, see docs/json.md) or md")


def _fail(message: str) -> None:
    err.print(f"trueopen: error: {message}", highlight=False, markup=False)
    raise typer.Exit(2)


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


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
        _fail(str(exc))
    if format is Format.json:
        _print_json(jsonout.assessment(a))
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
        _fail(str(exc))
    if format is Format.json:
        _print_json([jsonout.summary(a) for a in rows])
    elif format is Format.md:
        sys.stdout.write(markdown.listing(rows))
    else:
        terminal.listing(rows, out)


@app.command("license")
def license_(
    target: str = typer.Argument(..., help="a file, a folder, - for standard input, a Hugging Face license id "
                                           "(llama3.1, gemma, openrail++...) or an SPDX expression"),
    format: Format = FORMAT_OPT,
) -> None:
    """Name every license in a file, a folder's license files and model card, or a tag.

    Each finding gives the license key (SPDX id or LicenseRef-), how it matched (exact, near, partial,
    notice, reference, tag), a confidence and the lines. Texts are matched against ScanCode's license
    database and trueopen's fingerprints of AI licenses; nothing is sent anywhere.

    Exit 0 when at least one license is found, 1 when none is, 2 on unreadable input.

    Examples: trueopen license LICENSE; trueopen license ./Llama-3.1-8B; cat NOTICE | trueopen license -;
    trueopen license "Apache-2.0 OR MIT"
    """
    if target == "-":
        stdin_text = sys.stdin.read(4 * 1024 * 1024 + 1)
        if len(stdin_text) > 4 * 1024 * 1024:
            _fail("-: standard input is larger than 4 MiB, too large for a license text")
    else:
        stdin_text = None
    if sys.stderr.isatty():
        from .licenses import cache

        first = "" if cache.index_ready() else "building the license index, once (about 10 s); "
        err.print(f"{first}matching license texts...", style="dim", end="\r", highlight=False)
    try:
        found = identify.identify(target, stdin_text)
    except TrueopenError as exc:
        _fail(str(exc))
    if format is Format.json:
        _print_json([f.to_json() for f in found])
    elif format is Format.md:
        sys.stdout.write(license_report.findings_md(found))
    else:
        license_report.findings(found, out)
    if not found:
        raise typer.Exit(1)


@app.command()
def can(
    subject: str = typer.Argument(..., help="a catalog model (llama-2-7b) or a license (llama3.1, Apache-2.0, gemma)"),
    commercial: bool = typer.Option(False, "--commercial", help="use it in a commercial product or service"),
    users: Optional[str] = typer.Option(None, "--users", metavar="N", help="serve N monthly active users: 800M, 1.5B, 50k"),
    fine_tune: bool = typer.Option(False, "--fine-tune", help="modify or fine-tune the weights"),
    redistribute_weights: bool = typer.Option(False, "--redistribute-weights", help="share the (modified) weights"),
    distill: bool = typer.Option(False, "--distill", help="train another model on it or on its outputs"),
    use_outputs_commercially: bool = typer.Option(False, "--use-outputs-commercially", help="use what it generates commercially"),
    on_prem: bool = typer.Option(False, "--on-prem", help="run it on our own hardware"),
    military: bool = typer.Option(False, "--military", help="use it for military purposes"),
    format: Format = FORMAT_OPT,
) -> None:
    """May we...? Each question answered allowed, conditional, forbidden or unclear, citing the clause.

    No question flag asks them all. For a catalog model the answers come from its weights' license
    (and its access, for --on-prem). Exit 1 when any answer is forbidden, so scripts can gate on it;
    2 on bad input.

    Example: trueopen can llama-2-7b --users 800M --distill
    """
    from .licenses.rights import QUESTIONS, parse_users

    asked = [q for q, on in (("commercial", commercial), ("users", users is not None), ("fine_tune", fine_tune),
                             ("redistribute_weights", redistribute_weights), ("distill", distill),
                             ("use_outputs_commercially", use_outputs_commercially), ("on_prem", on_prem),
                             ("military", military)) if on]
    try:
        n_users = parse_users(users) if users is not None else None
        result = service.can(subject, asked or [q for q in QUESTIONS if q != "users"], n_users)
    except TrueopenError as exc:
        _fail(str(exc))
    if format is Format.json:
        _print_json(result.to_json())
    elif format is Format.md:
        sys.stdout.write(license_report.rights_md(result))
    else:
        license_report.rights(result, out)
    if result.forbidden:
        raise typer.Exit(1)


@app.command()
def audit(
    source: str = typer.Argument(..., help="a folder or file; hf:ORG/NAME[@REV] (Hugging Face cache, else the Hub); "
                                           "hub:ORG/NAME[@REV] (the Hub); a git URL or local clone"),
    format: Format = FORMAT_OPT,
    evidence: bool = typer.Option(False, "--evidence", help="show every file, line and header field behind each fact"),
    against: Optional[str] = typer.Option(None, "--against", metavar="CATALOG_ID",
                                          help="list where these files disagree with a catalog entry"),
    offline: bool = typer.Option(False, "--offline", help="never use the network (HF_HUB_OFFLINE=1 does the same)"),
) -> None:
    """Derive a release from a model's own files and assess it like a catalog entry.

    Reads weight headers (safetensors, GGUF, ONNX; never the tensors), the model card (front matter,
    sections, completeness), license files and use policies, and classifies the code (training,
    inference, evaluation, data preprocessing) - each fact with the file and line it came from.
    Pickle-based files (.bin, .pt, .ckpt, .pkl) are flagged and never loaded; nothing read is run.

    Exit 0 when clean, 1 when there are warnings (unsafe or malformed files, a card and license file
    that disagree, differences from --against), 2 when the source cannot be read.

    Examples: trueopen audit ./Llama-3.1-8B; trueopen audit hf:sentence-transformers/all-MiniLM-L6-v2;
    trueopen audit https://github.com/allenai/OLMo --format json; trueopen audit ./ft --against llama-3.1-8b
    """
    from .report import audit as audit_report

    show_progress = sys.stderr.isatty()

    def progress(msg: str) -> None:
        if show_progress:
            err.print(f"{msg}...", style="dim", end="\r", highlight=False, markup=False)

    try:
        result = service.audit(source, against=against, offline=True if offline else None, progress=progress)
    except TrueopenError as exc:
        _fail(str(exc))
    if show_progress:
        err.print(" " * 60, end="\r")
    if format is Format.json:
        _print_json(audit_report.to_json(result.audit, result.assessment, result.against))
    elif format is Format.md:
        sys.stdout.write(audit_report.markdown(result.audit, result.assessment, result.against))
    else:
        audit_report.terminal(result.audit, result.assessment, out, evidence, result.against)
    if result.has_warnings:
        raise typer.Exit(1)


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
        _print_json([
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


def _write_snapshot(data: dict, out_path: Optional[Path]) -> None:
    """Write next to the target and rename, so a failed import never leaves half a snapshot."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if out_path is None:
        sys.stdout.write(text)
        return
    tmp = out_path.with_name(out_path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out_path)
    except OSError as exc:
        _fail(f"{out_path}: cannot write: {exc.strerror or exc}")


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
        _fail(str(exc))
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
        _fail(str(exc))
    for p in problems:
        err.print(f"warning: {p}", highlight=False, markup=False)
    _write_snapshot(data, out_path)
    if out_path is not None:
        err.print(f"{out_path}: {len(data['profiles'])} project files from the Index @ {data['source']['revision']}",
                  highlight=False, markup=False)
    if problems:
        raise typer.Exit(1)


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
        _fail(str(exc))
    if format is Format.json:
        _print_json([jsonout.producer(p) for p in rows])
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
        _fail(str(exc))
    if format is Format.json:
        _print_json([jsonout.gap_row(r) for r in rows])
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
    results = service.validate(list(files or []))
    if format is Format.json:
        _print_json([{"path": r.path, "kind": r.kind, "error": r.error, "findings": r.findings, "notes": r.notes}
                     for r in results])
    else:
        for r in results:
            if r.error:
                err.print(f"trueopen: error: {r.error}", highlight=False, markup=False)
            for f in r.findings:  # one finding per line, never wrapped, so it can be grepped
                out.print(f"{r.path}: {f}", highlight=False, markup=False, soft_wrap=True)
            for n in r.notes if notes else []:
                out.print(f"{r.path}: note: {n}", highlight=False, markup=False, soft_wrap=True)
        ok = sum(1 for r in results if not r.error and not r.findings)
        err.print(f"{len(results)} file(s) checked, {ok} clean", highlight=False)
    if any(r.error for r in results):
        raise typer.Exit(2)
    if any(r.findings for r in results):
        raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"trueopen {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="print the version"),
) -> None:
    pass


def main() -> None:
    try:
        app()
    except TrueopenError as exc:  # anything a command did not turn into a message itself
        err.print(f"trueopen: error: {exc}", highlight=False, markup=False)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
