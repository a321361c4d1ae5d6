"""Commands about licenses: name them (license) and ask what they allow (can)."""

from __future__ import annotations

import os
import sys
from typing import Optional

import typer

from ..errors import TrueopenError
from .common import FORMAT_OPT, Format, fail, print_json, app, err, identify, license_report, out, screen, service

@app.command("license")
def license_(
    target: str = typer.Argument(..., help="a file, a folder, - for standard input, a Hugging Face license id "
                                           "(llama3.1, gemma, openrail++...) or an SPDX expression"),
    format: Format = FORMAT_OPT,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="N",
                                       help="processes reading a folder's license files, from 32 "
                                            "files on (default: one per core; 1: this process only)"),
) -> None:
    """Name every license in a file, a folder's license files and model card, or a tag.

    Each finding gives the license key (SPDX id or LicenseRef-), how it matched (exact, near, partial,
    notice, reference, tag), a confidence and the lines. Texts are matched against ScanCode's license
    database and trueopen's fingerprints of AI licenses; nothing is sent anywhere.

    Exit 0 when at least one license is found, 1 when none is, 2 on unreadable input (a folder's
    unreadable file is named on standard error, and its other files are still read).

    Examples: trueopen license LICENSE; trueopen license ./Llama-3.1-8B; cat NOTICE | trueopen license -;
    trueopen license "Apache-2.0 OR MIT"
    """
    if not target.strip():
        fail(f"{target!r}: an empty argument; give a file, a folder, - for standard input, or a license id")
    # The matcher does no linear algebra: OpenBLAS's threads, started when numpy loads, would only
    # add to every start (about 0.06 s on 2 cores), in this process and in each worker it forks.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    stdin_text = None
    if target == "-":
        from ..safeio import read_stdin, text_of

        try:
            stdin_text = text_of(read_stdin(4 * 1024 * 1024, "a license text"))
        except TrueopenError as exc:
            fail(str(exc))
    if sys.stderr.isatty():  # a first run's index build shows its own bar and time (licenses/progress.py)
        err.print("matching license texts...", style="dim", end="\r", highlight=False)
    problems: list[str] = []
    try:
        found = identify.identify(target, stdin_text, problems, jobs)
    except TrueopenError as exc:
        fail(str(exc))
    for p in problems:  # files of a folder that could not be read; the others were
        err.print(f"trueopen: error: {p}", highlight=False, markup=False)
    if format is Format.json:
        print_json([f.to_json() for f in found])
    elif format is Format.md:
        sys.stdout.write(license_report.findings_md(found))
    else:
        license_report.findings(found, out)
    if problems:
        raise typer.Exit(2)
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
    (and its access, for --on-prem). Exit 0 when nothing asked is forbidden, 1 when any answer is
    forbidden (so scripts can gate on it), 2 on bad input.

    \b
    Examples:
      trueopen can llama-2-7b --users 800M --distill
      trueopen can Apache-2.0 --commercial --format json
    """
    asked = [q for q, on in (("commercial", commercial), ("users", users is not None), ("fine_tune", fine_tune),
                             ("redistribute_weights", redistribute_weights), ("distill", distill),
                             ("use_outputs_commercially", use_outputs_commercially), ("on_prem", on_prem),
                             ("military", military)) if on]
    if users is None and format is Format.table:  # a catalog model: its answers kept in the cache
        from .. import views

        found = views.load().find(subject)
        if found is not None:
            from ..report import layout

            doc = views.load().rights(found, asked or None)
            layout.emit(screen, layout.lines(license_report.rights_blocks(doc), screen.width))
            if any(a["outcome"] == "forbidden" for a in doc["answers"].values()):
                raise typer.Exit(1)
            return
    from ..licenses.rights import QUESTIONS, parse_users

    try:
        n_users = parse_users(users) if users is not None else None
        result = service.can(subject, asked or [q for q in QUESTIONS if q != "users"], n_users)
    except TrueopenError as exc:
        fail(str(exc))
    if format is Format.json:
        print_json(result.to_json())
    elif format is Format.md:
        sys.stdout.write(license_report.rights_md(result))
    else:
        license_report.rights(result, screen)
    if result.forbidden:
        raise typer.Exit(1)
