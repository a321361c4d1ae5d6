"""Rendering an audit: the verdict, then what each file showed. JSON keys are documented in docs/json.md."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from ..assessment import Assessment
from ..evidence.against import Difference
from ..evidence.card import SECTION_TITLES
from ..evidence.derive import Audit
from . import jsonout, layout
from .safe_text import jsonable, printable
from .terminal import VERDICT_STYLE, _pct


def to_json(audit: Audit, a: Assessment, against: tuple[str, list[Difference]] | None = None) -> dict[str, Any]:
    s = audit.snapshot
    out = jsonout.assessment(a)
    out.update({
        "source": {"kind": s.kind, "spec": s.spec, "url": s.url, "revision": s.revision, "files": len(s.listing.files),
                   "branches": s.branches, "gated": s.gated},
        "components": audit.component_rows(),
        "weights": audit.weights.to_json(),
        "weight_files": [{"path": w.rel, "format": w.format, "bytes": w.bytes, "parameters": w.parameters,
                          "tensors": w.tensors, "dtypes": w.dtypes, "unsafe": w.unsafe, "metadata": w.metadata,
                          "detail": w.detail or None, "problem": w.problem, "checkpoint": w.checkpoint}
                         for w in audit.weight_files],
        "facts": {k: f.to_json() for k, f in audit.facts.items()},
        "card": None if audit.card is None else {
            "path": audit.card.path, "completeness": round(audit.card.score, 3),
            "sections": audit.card.completeness, "eval_results": audit.card.eval_results[:100],
            "front_matter_fields": sorted(audit.card.data)},
        "licenses": [f.to_json() for f in audit.licenses],
        "code": [{"kind": h.kind, "path": h.path, "line": h.line, "detail": h.detail} for h in audit.code],
        "frameworks": [{"kind": h.kind, "path": h.path, "line": h.line, "detail": h.detail} for h in audit.frameworks],
        "notices": [n.to_json() for n in audit.notices],
    })
    if against is not None:
        out["against"] = {"catalog_id": against[0], "differences": [d.to_json() for d in against[1]]}
    return jsonable(out)  # card fields and headers may hold dates, sets, bytes, huge integers


def _ev_text(e: dict[str, Any]) -> str:
    """One piece of evidence on one line; file names and details come from the input: escaped."""
    where = printable(e["path"]) + (f":{e['line']}" if "line" in e else "") + (f" [{printable(e['field'])}]" if "field" in e else "")
    return f"{where} {printable(e['detail'])}".strip()


def terminal(audit: Audit, a: Assessment, console: Console, evidence: bool = False,
             against: tuple[str, list[Difference]] | None = None) -> None:
    s, r, w = audit.snapshot, audit.release, audit.weights
    head = Text.assemble((printable(r.name), "bold"), f"  audited from {s.kind} {printable(s.spec)}")
    facts = [f"{len(s.listing.files):,} files"]
    if s.revision:
        facts.append(f"revision {printable(s.revision[:12])}")
    if w.parameters:
        facts.append(f"{w.parameters:,} parameters ({w.format})")
    if r.context_length:
        facts.append(f"{r.context_length.tokens:,}-token context")
    body = [head, Text(layout.SEP.join(facts), style="dim"), Text(""),
            Text.assemble("Verdict: ", Text(a.verdict.level.upper(), style=VERDICT_STYLE[a.verdict.level]))]
    body += [Text(f"  {printable(line)}") for line in a.verdict.reasons]
    body.append(Text(f"  {a.mof.label} | MOF Class III {_pct(a.mof.progress[3])} | II {_pct(a.mof.progress[2])} "
                     f"| I {_pct(a.mof.progress[1])} | OSAID {'conformant' if a.osaid.conformant else 'not conformant'}"))
    console.print(Panel(Group(*body), expand=True, box=layout.FRAME))

    t = layout.table(title="Components found in the files")
    t.add_column("component")
    t.add_column("found", justify="center")
    t.add_column("license")
    t.add_column("evidence", overflow="fold")
    for row in audit.component_rows():
        evs = row["evidence"]
        shown = evs if evidence else evs[:1]
        text = "\n".join(_ev_text(e) for e in shown) + (f"\n(+{len(evs) - 1} more; --evidence)" if not evidence and len(evs) > 1 else "")
        t.add_row(row["name"], Text("yes", style="green") if row["released"] else Text("no", style="dim"),
                  Text(printable(row["license"] or "")), Text(text))
    console.print(t)

    if w.files or w.unsafe_formats:
        dt = ", ".join(f"{k} {v / max(w.parameters or 1, 1):.0%}" for k, v in list(w.dtypes.items())[:4])
        console.print(f"Weights: {w.format or 'none readable'} | {len(w.files)} file(s) | {w.bytes:,} bytes"
                      + (f" | {dt}" if dt else "") + (f" | quantization {w.quantization}" if w.quantization else ""),
                      highlight=False, markup=False)
        if w.checkpoints:
            console.print(f"  intermediate checkpoints: {printable(', '.join(w.checkpoints[:8]))}"
                          + (" ..." if len(w.checkpoints) > 8 else ""), highlight=False, markup=False)
    if "datasets" in audit.facts:
        named = audit.facts["datasets"].value
        console.print(f"Training data: {len(named)} dataset(s) named ({printable(', '.join(map(str, named[:5])))}"  # type: ignore[arg-type]
                      + (", ..." if len(named) > 5 else "") + "); named, not shipped", highlight=False, markup=False)  # type: ignore[arg-type]
    if audit.card is not None:
        parts = [("+" if v["present"] else "-") + SECTION_TITLES[k] for k, v in audit.card.completeness.items()]
        console.print(f"Model card {printable(audit.card.path)}: {audit.card.score:.0%} complete ({', '.join(parts)})",
                      highlight=False, markup=False)
    if evidence:
        for name, fact in audit.facts.items():
            value = fact.value if not isinstance(fact.value, list) else f"{len(fact.value)} items: " + ", ".join(map(str, fact.value[:6]))
            console.print(f"  {name}: {printable(value)}", highlight=False, markup=False)
            for e in fact.evidence[:10]:
                console.print(f"      {_ev_text(e.model_dump(exclude_none=True))}", style="dim", highlight=False, markup=False)
        kinds = sorted({h.detail for h in audit.frameworks})
        if kinds:
            console.print("  frameworks: " + printable("; ".join(kinds[:20])), highlight=False, markup=False)
    if against is not None:
        cid, diffs = against
        t = layout.table(title=f"Against the catalog entry {printable(cid)}: {len(diffs)} difference(s)", lines=True)
        for col in ("field", "these files", "catalog", "note"):
            t.add_column(col, overflow="fold")
        for d in diffs:
            t.add_row(*(Text(printable(v)) for v in (d.field, d.audit, d.catalog, d.note)))
        console.print(t)
    for n in audit.notices:
        style = "yellow" if n.level == "warning" else "dim"
        console.print(f"{n.level}: {printable(n.path)}: {printable(n.message)}", style=style, highlight=False, markup=False)


def _md(value: object) -> str:
    """A value from the input in a Markdown line or table cell: escaped, `|` kept in its cell."""
    return printable(value).replace("|", "\\|")


def _code(value: object) -> str:
    """A path or URL as inline code; a backtick in it would end the span, so the fence grows."""
    text = printable(value)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def markdown(audit: Audit, a: Assessment, against: tuple[str, list[Difference]] | None = None) -> str:
    s, w = audit.snapshot, audit.weights
    lines = [f"# Audit of {_md(s.spec)}", "", f"- Verdict: **{a.verdict.level}** - " + _md(" ".join(a.verdict.reasons)),
             f"- {a.mof.label}; OSAID {'conformant' if a.osaid.conformant else 'not conformant'}",
             f"- Source: {s.kind} {_code(s.url)}" + (f" at {_code(s.revision)}" if s.revision else "")
             + f", {len(s.listing.files)} files"]
    if w.parameters:
        lines.append(f"- Weights: {w.parameters:,} parameters, {w.format}, {w.bytes:,} bytes")
    if w.unsafe_formats:
        lines.append(f"- Unsafe formats: {_md(', '.join(w.unsafe_formats))}")
    lines += ["", "| component | found | license | evidence |", "|---|---|---|---|"]
    for row in audit.component_rows():
        ev = "<br>".join(_md(_ev_text(e)) for e in row["evidence"][:5])
        lines.append(f"| {row['name']} | {'yes' if row['released'] else 'no'} | {_md(row['license'] or '')} | {ev} |")
    if against is not None:
        lines += ["", f"## Against {_md(against[0])}", "", "| field | these files | catalog | note |", "|---|---|---|---|"]
        lines += [f"| {_md(d.field)} | {_md(d.audit)} | {_md(d.catalog)} | {_md(d.note)} |" for d in against[1]]
    if audit.notices:
        lines += ["", "## Notices", ""] + [f"- {n.level}: {_code(n.path)}: {_md(n.message)}" for n in audit.notices]
    return "\n".join(lines) + "\n"
