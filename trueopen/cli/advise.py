"""Advice commands: compare models side by side (choose and cost come next)."""

from __future__ import annotations

import sys
from enum import Enum
from typing import List, Optional

import typer

from ..errors import TrueopenError
from ..safeio import write_file
from .common import app, err, fail, out, print_json, service


class CompareFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"
    csv = "csv"
    html = "html"


def _write(text: str, path: Optional[str]) -> None:
    """Standard output, or a regular file replaced whole (never a device or a folder)."""
    if path is None:
        sys.stdout.write(text)
        return
    try:
        write_file(path, text.encode("utf-8"))
    except TrueopenError as exc:
        fail(str(exc))
    err.print(f"wrote {path}", highlight=False, markup=False)


@app.command()
def compare(
    models: List[str] = typer.Argument(..., help="two or more catalog ids or names"),
    users: Optional[str] = typer.Option(None, "--users", metavar="N",
                                        help="also answer the user-cap question for N monthly users: 800M, 50k"),
    format: CompareFormat = typer.Option(CompareFormat.table, "--format", "-f",
                                         help="table, md, json (docs/json.md), csv, or html (one self-contained page)"),
    out_path: Optional[str] = typer.Option(None, "--out", "-o", help="write to this file (default: standard output)"),
) -> None:
    """Models side by side: one column per model, one row per fact; rows where they differ are
    marked with *. Verdicts, MOF, OSAID, Index grades and dimensions are the ones `show` gives;
    the rights rows are `can`'s answers with their clauses.

    Examples: trueopen compare llama-3.1-8b olmo-2-7b gpt-4o;
    trueopen compare mistral-7b gemma-3-27b --format html -o compare.html

    Exit 0, or 2 when a model is not in the catalog.
    """
    from ..licenses.rights import parse_users
    from ..report import compare as render

    try:
        n_users = parse_users(users) if users is not None else None
        cmp = service.compare(models, n_users)
    except TrueopenError as exc:
        fail(str(exc))
    if format is CompareFormat.json:
        if out_path is None:
            print_json(render.to_json(cmp))
            return
        import json

        _write(json.dumps(render.to_json(cmp), indent=2, ensure_ascii=False) + "\n", out_path)
    elif format is CompareFormat.md:
        _write(render.to_markdown(cmp), out_path)
    elif format is CompareFormat.csv:
        _write(render.to_csv(cmp), out_path)
    elif format is CompareFormat.html:
        _write(render.to_html(cmp), out_path)
    elif out_path is not None:
        fail("--out needs --format md, json, csv or html; the table is for the terminal")
    else:
        render.to_terminal(cmp, out)
