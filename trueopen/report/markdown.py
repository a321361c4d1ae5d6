"""Markdown: for pull requests, wikis and clearance tickets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .safe_text import printable_lines

if TYPE_CHECKING:  # `list --format md` reads rows only: no pydantic, no frameworks
    from ..assessment import Assessment


def _pct(x: float) -> str:
    return f"{x:.0f}%" if x == int(x) else f"{x:.2f}%"


def assessment(a: Assessment, evidence: bool = False) -> str:
    from ..frameworks import mof, osai_index, osaid

    r = a.release
    out = [f"# {r.name}", ""]
    meta = [f"**Producer:** {r.producer}"]
    if r.released:
        meta.append(f"**Released:** {r.released.date}")
    if r.parameters and r.parameters.total:
        active = f" ({r.parameters.active / 1e9:.0f}B active)" if r.parameters.active else ""
        meta.append(f"**Parameters:** {r.parameters.total / 1e9:.2f}B{active}")
    if r.access:
        meta.append(f"**Access:** {r.access.level}")
    out += [" · ".join(meta), ""]
    if r.summary:
        out += [r.summary, ""]
    out += [f"## Verdict: `{a.verdict.level}`", ""]
    out += [f"- {line}" for line in a.verdict.reasons] + [""]
    m = a.mof
    out += [f"## Model Openness Framework: {m.label}", "",
            f"Class III {_pct(m.progress[3])} · Class II {_pct(m.progress[2])} · Class I {_pct(m.progress[1])}",
            f"<sub>{mof.FRAMEWORK}</sub>", "",
            "| component | status | license |", "|---|---|---|"]
    for c in m.components:
        if c.status != "missing" or c.required:
            out.append(f"| {c.name} | {c.status} | {c.license or ''} |")
    out += [f"\n> Note: {n}" for n in m.notes]
    out += ["", f"## OSI Open Source AI Definition: {'conformant' if a.osaid.conformant else 'not conformant'}", "",
            f"<sub>{osaid.FRAMEWORK}</sub>", ""]
    for c in a.osaid.checks:
        if c.required or c.outcome != "info":
            out.append(f"- **{c.id}** {c.outcome}: {c.reason}")
    out += ["", "## Open Source AI Index profile", "", "| parameter | class | reason |", "|---|---|---|"]
    out += [f"| {osai_index.label(k)} | {g.grade} | {g.reason} |" for k, g in a.osai_index.items()]
    out += ["", "## Seven dimensions", "", "| dimension | rating | facts |", "|---|---|---|"]
    out += [f"| {k} | {d.rating} | {'; '.join(d.facts)} |" for k, d in a.dimensions.items()]
    out += ["", "## Sources", ""]
    out += [f"- `{k}`: <{s.url}> (as of {s.as_of}){' - ' + s.title if s.title else ''}" for k, s in r.sources.items()]
    if evidence:
        out += ["", "## Evidence per fact", ""]
        out += [f"- {c.name}: {c.license if c.license is not None else '(inherits)'} - source `{c.source}`"
                + (f", {c.location}" if c.location else "") for c in r.components]
    return printable_lines(out)  # names, licenses and reasons may come from a MOF file


def listing(rows: list[dict]) -> str:
    """`list --format md` from its rows (views.row)."""
    out = ["| id | name | producer | released | verdict | MOF | weights license |", "|---|---|---|---|---|---|---|"]
    for s in rows:
        out.append(f"| {s['id']} | {s['name']} | {s['producer']} | {s['released'] or ''} | {s['verdict']} | "
                   f"{s['mof']} | {s['weights_license'] or ''} |")
    return "\n".join(out) + "\n"


def producers(rows: list) -> str:
    out = ["| producer | country | strategy | releases in date order |", "|---|---|---|---|"]
    for p in rows:
        seq = "; ".join(f"{a.release.released.date if a.release.released else '?'} {a.release.name} "
                        f"({a.verdict.level})" for a in p.releases)
        out.append(f"| {p.producer.name} | {p.producer.country} | {p.strategy} | {seq} |")
    return "\n".join(out) + "\n"


def gap(rows: list, benchmark: str) -> str:
    from ..columns import gap_cell

    out = [f"| year | best open ({benchmark}) | best closed | closed minus open | best restricted-weights |",
           "|---|---|---|---|---|"]
    out += [f"| {r.year} | {gap_cell(r.best_open)} | {gap_cell(r.best_closed)} | "
            f"{'' if r.gap is None else r.gap} | {gap_cell(r.best_restricted)} |" for r in rows]
    return "\n".join(out) + "\n"


def validation(results: list, notes: bool = False) -> str:
    """`trueopen validate --format md`: a count, then each file's errors, findings (and notes)."""
    ok = sum(1 for r in results if not r.error and not r.findings)
    out = [f"## Validation: {len(results)} file(s) checked, {ok} clean", ""]
    for r in results:
        lines = ([f"- error: {r.error}"] if r.error else []) + [f"- {f}" for f in r.findings]
        lines += [f"- note: {n}" for n in r.notes] if notes else []
        if lines:
            out += [f"### `{r.path}`", "", *lines, ""]
    return "\n".join(out).rstrip("\n") + "\n"
