"""Terminal and Markdown output of license findings and rights answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import layout
from .safe_text import printable

if TYPE_CHECKING:  # `can ID` draws answers kept in the cache: no pydantic, no rich when piped
    from rich.console import Console

    from ..licenses.identify import Finding
    from ..licenses.rights import Rights

OUTCOME_STYLE = {"allowed": "green", "conditional": "yellow", "forbidden": "bold red", "unclear": "magenta"}


def _lines(f: Finding) -> str:
    if f.start_line is None:
        return ""
    return str(f.start_line) if f.start_line == f.end_line else f"{f.start_line}-{f.end_line}"


def findings(rows: list[Finding], console: Console) -> None:
    if not rows:
        console.print("No license found.", style="yellow")
        return
    t = layout.table()
    layout.col(t, "path", ratio=3)
    layout.col(t, "lines", short=True)
    layout.col(t, "license", min_width=min(max(len(f.key) for f in rows), 30))
    layout.col(t, "match", short=True)
    layout.col(t, "confidence", short=True, justify="right")
    layout.col(t, "title", ratio=2)
    for f in rows:
        layout.row(t, f.path, _lines(f), f.key, f.match, f"{f.confidence:.0%}", f.title)  # escaped there
    console.print(t)


def _md(value: object) -> str:
    """Input-derived text in a Markdown table cell: escaped (safe_text), `|` kept in its cell."""
    return printable(value).replace("|", "\\|")


def findings_md(rows: list[Finding]) -> str:
    out = ["| path | lines | license | match | confidence | title |", "|---|---|---|---|---|---|"]
    out += [f"| {_md(f.path)} | {_lines(f)} | `{_md(f.key)}` | {f.match} | {f.confidence:.0%} | {_md(f.title)} |" for f in rows]
    return "\n".join(out) + "\n"


def _question(q: str) -> str:
    return "--" + q.replace("_", "-")


def rights(r: Rights, console: Console) -> None:
    layout.emit(console, layout.lines(rights_blocks(r.to_json()), console.width))


def rights_blocks(doc: dict) -> list[dict]:
    """`can`'s answers (Rights.to_json) as a report layout.lines draws: `can ID` keeps them in the
    cache (trueopen/views.py)."""
    head = doc["title"] or doc["license"] or "license unknown"
    head += f" ({doc['license']})" if doc["license"] and doc["title"] else ""
    cols = [layout.column("question", short=True), layout.column("answer", short=True),
            layout.column("why", ratio=1), layout.column("clause", short=True)]
    rows = []
    for q, a in doc["answers"].items():
        why = a["summary"] + "".join(f"\n{layout.BULLET}{c}" for c in a["conditions"])
        why += "".join(f"\nduty: {o}" for o in a["obligations"])
        rows.append([layout.cell(_question(q)), layout.cell(a["outcome"], OUTCOME_STYLE[a["outcome"]]),
                     layout.cell(why), layout.cell(a["clause"] or "")])
    urls = sorted({a["url"] for a in doc["answers"].values() if a["url"]})
    return [layout.text_block([layout.cell(doc["subject"], "bold"), layout.cell(f": {head}")]),
            layout.table_block(cols, rows, lines=True), {"kind": "keyed", "rows": [["text:", u] for u in urls]}]


def rights_md(r: Rights) -> str:
    out = [f"## {_md(r.subject)}: {_md(r.title or r.license or 'license unknown')}", "",
           "| question | answer | why | clause |", "|---|---|---|---|"]
    for q, a in r.answers.items():
        why = a.summary + "".join(f"<br>• {c}" for c in a.conditions) + "".join(f"<br>duty: {o}" for o in a.obligations)
        out.append(f"| `{_question(q)}` | **{a.outcome}** | {why} | {a.clause or ''} |")
    return "\n".join(out) + "\n"
