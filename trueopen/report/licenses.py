"""Terminal and Markdown output of license findings and rights answers."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ..licenses.identify import Finding
from ..licenses.rights import Rights
from . import layout
from .safe_text import printable

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
    console.print(f"[bold]{escape(printable(r.subject))}[/bold]: "
                  + escape(printable(f"{r.title or r.license or 'license unknown'}"
                                     + (f" ({r.license})" if r.license and r.title else ""))), highlight=False)
    t = layout.table(lines=True)
    layout.col(t, "question", short=True)
    layout.col(t, "answer", short=True)
    layout.col(t, "why", ratio=1)
    layout.col(t, "clause", short=True)
    for q, a in r.answers.items():
        why = a.summary + ("".join(f"\n{layout.BULLET}{c}" for c in a.conditions) if a.conditions else "")
        why += "".join(f"\nduty: {o}" for o in a.obligations)
        layout.row(t, _question(q), Text(a.outcome, style=OUTCOME_STYLE[a.outcome]), why, a.clause or "")
    console.print(t)
    urls = {a.url for a in r.answers.values() if a.url}
    layout.keyed(console, [("text:", u) for u in sorted(urls)])


def rights_md(r: Rights) -> str:
    out = [f"## {_md(r.subject)}: {_md(r.title or r.license or 'license unknown')}", "",
           "| question | answer | why | clause |", "|---|---|---|---|"]
    for q, a in r.answers.items():
        why = a.summary + "".join(f"<br>• {c}" for c in a.conditions) + "".join(f"<br>duty: {o}" for o in a.obligations)
        out.append(f"| `{_question(q)}` | **{a.outcome}** | {why} | {a.clause or ''} |")
    return "\n".join(out) + "\n"
