"""`trueopen audit`: derive a release from a model's own files."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ..errors import TrueopenError
from .common import FORMAT_OPT, Format, fail, print_json, app, err, out, service

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
    from ..report import audit as audit_report

    show_progress = sys.stderr.isatty()

    def progress(msg: str) -> None:
        if show_progress:
            err.print(f"{msg}...", style="dim", end="\r", highlight=False, markup=False)

    try:
        result = service.audit(source, against=against, offline=True if offline else None, progress=progress)
    except TrueopenError as exc:
        fail(str(exc))
    if show_progress:
        err.print(" " * 60, end="\r")
    if format is Format.json:
        print_json(audit_report.to_json(result.audit, result.assessment, result.against))
    elif format is Format.md:
        sys.stdout.write(audit_report.markdown(result.audit, result.assessment, result.against))
    else:
        audit_report.terminal(result.audit, result.assessment, out, evidence, result.against)
    if result.has_warnings:
        raise typer.Exit(1)
