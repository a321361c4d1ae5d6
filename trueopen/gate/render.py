"""`check` results as a table, Markdown and JSON (SARIF is in sarif.py)."""

from __future__ import annotations

from pathlib import Path

from .check import Report
from .subject import Location


def shown(loc: Location) -> str:
    """A location as a reader wants it: relative to the working folder, a catalog entry by its
    place in the package."""
    path = loc.path
    if "://" not in path:
        p = Path(path)
        try:
            path = str(p.resolve().relative_to(Path.cwd().resolve()))
        except (ValueError, OSError):
            parts = p.parts
            if "catalog" in parts and parts[parts.index("catalog") - 1:][0] == "trueopen":
                path = "/".join(parts[parts.index("catalog") - 1:])
    path += f"!/{loc.member}" if loc.member else ""
    return path + (f":{loc.line}" if loc.line else "") + (f" [{loc.field}]" if loc.field else "")


def to_json(reports: list[Report]) -> dict:
    return {"passed": all(r.passed for r in reports), "models": [{
        "query": r.subject.query, "id": r.subject.id, "license": r.subject.license,
        "verdict": r.subject.assessment.verdict.level, "passed": r.passed,
        "results": [{"rule": x.rule, "level": x.level, "fails": x.fails, "message": x.message,
                     "location": None if x.location is None else
                     {"path": x.location.path, "line": x.location.line, "field": x.location.field},
                     "suppressed": x.suppressed} for x in r.results]} for r in reports]}


def _status(x) -> str:
    if x.suppressed:
        return "excepted"
    return "FAIL" if x.level == "error" else "note"


def table(reports: list[Report], console) -> None:
    from rich.table import Table

    for r in reports:
        head = "PASS" if r.passed else "FAIL"
        console.print(f"{r.subject.id}: {head}  ({r.subject.assessment.verdict.level}, "
                      f"{r.subject.license or 'license unknown'})", style="bold green" if r.passed else "bold red",
                      highlight=False, markup=False)
        if not r.results:
            continue
        t = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=False)
        t.add_column("status", no_wrap=True)
        t.add_column("rule", no_wrap=True)
        t.add_column("finding", overflow="fold", ratio=1)
        for x in r.results:
            where = f"\n  at {shown(x.location)}" if x.location is not None else ""
            excused = f"\n  excepted: {x.suppressed}" if x.suppressed else ""
            t.add_row(_status(x), x.rule, x.message + where + excused)
        console.print(t)


def markdown(reports: list[Report]) -> str:
    lines = []
    for r in reports:
        lines.append(f"## {r.subject.id}: {'PASS' if r.passed else 'FAIL'}\n")
        lines.append(f"Verdict `{r.subject.assessment.verdict.level}`, license `{r.subject.license or 'unknown'}`.\n")
        if r.results:
            lines.append("| status | rule | finding | where |")
            lines.append("| --- | --- | --- | --- |")
            for x in r.results:
                msg = x.message.replace("|", "\\|") + (f" (excepted: {x.suppressed})" if x.suppressed else "")
                lines.append(f"| {_status(x)} | `{x.rule}` | {msg} | {'`' + shown(x.location) + '`' if x.location else ''} |")
            lines.append("")
    return "\n".join(lines) + "\n"
