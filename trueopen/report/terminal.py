"""Terminal output with rich: the verdict first, then the evidence behind it."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .. import components
from ..assessment import Assessment
from ..frameworks import mof, osaid
from . import jsonout
from .safe_text import printable

VERDICT_STYLE = {
    "open-source": "bold green", "open-weights": "bold cyan", "restricted-weights": "bold yellow",
    "closed": "bold red", "unknown": "bold magenta",
}
OUTCOME_STYLE = {"pass": "green", "fail": "red", "unknown": "magenta", "info": "dim",
                 "included": "green", "invalid": "red", "unlicensed": "yellow", "missing": "dim",
                 "open": "green", "partial": "yellow", "closed": "red",
                 "high": "green", "medium": "yellow", "low": "red"}


def _pct(x: float) -> str:
    return f"{x:.0f}%" if x == int(x) else f"{x:.1f}%"


def assessment(a: Assessment, console: Console, evidence: bool = False) -> None:
    r = a.release
    head = Text()
    head.append(printable(r.name), style="bold")  # names, licenses and reasons may come from a MOF file
    head.append(printable(f"  ({r.id}) by {r.producer}"))
    facts = []
    if r.released:
        facts.append(f"released {r.released.date}")
    if r.parameters and r.parameters.total:
        facts.append(f"{r.parameters.total / 1e9:.2f}B parameters"
                     + (f", {r.parameters.active / 1e9:.0f}B active" if r.parameters.active else ""))
    if r.context_length:
        facts.append(f"{r.context_length.tokens:,}-token context")
    if r.access:
        facts.append(f"access: {r.access.level}")
    verdict = Text(a.verdict.level.upper(), style=VERDICT_STYLE[a.verdict.level])
    body = [head, Text(" · ".join(facts), style="dim"), Text(""), Text.assemble("Verdict: ", verdict)]
    body += [Text(printable(f"  {line}")) for line in a.verdict.reasons]
    if r.summary:
        body += [Text(""), Text(r.summary, style="italic")]
    console.print(Panel(Group(*body), expand=True))

    m = a.mof
    t = Table(title=f"Model Openness Framework: {m.label}", caption=mof.FRAMEWORK, expand=True)
    t.add_column("component")
    t.add_column("class", justify="center")
    t.add_column("status")
    t.add_column("license")
    if evidence:
        t.add_column("source")
    for c in m.components:
        spec_class = {3: "III", 2: "II", 1: "I"}[components.BY_NAME[c.name].mof_class]
        row = [c.name + ("" if c.required else " (optional)"), spec_class,
               Text(c.status, style=OUTCOME_STYLE[c.status]), Text(printable(c.license or ""))]
        if evidence:
            comp = r.component(c.name)
            src = r.sources.get(comp.source) if comp else None
            row.append(Text(printable(src.url)) if src else "")
        t.add_row(*row)
    console.print(t)
    console.print(f"  Class III {_pct(m.progress[3])} · Class II {_pct(m.progress[2])} · Class I {_pct(m.progress[1])}"
                  + ("  (research paper stands in for the technical report)" if m.paper_stands_in else ""))
    if m.mof_class != 1:
        console.print(f"  [dim]Share of each class met, ignoring lower classes (not MOT's figure): "
                      f"III {_pct(m.ungated[3])} · II {_pct(m.ungated[2])} · I {_pct(m.ungated[1])}[/dim]")

    t = Table(title=f"OSI Open Source AI Definition: {'conformant' if a.osaid.conformant else 'not conformant'}"
              + ("" if a.osaid.determined else " (undetermined)"), caption=osaid.FRAMEWORK, expand=True)
    t.add_column("check")
    t.add_column("requirement")
    t.add_column("outcome")
    t.add_column("why")
    for c in a.osaid.checks:
        t.add_row(c.id, c.requirement, Text(c.outcome, style=OUTCOME_STYLE[c.outcome]), Text(printable(c.reason)))
    console.print(t)

    for title, cols, rows in (
        ("Open Source AI Index profile", ("parameter", "class", "reason"),
         [(k, g.grade, g.reason) for k, g in a.osai_index.items()]),
        ("Seven dimensions", ("dimension", "rating", "facts"),
         [(k, d.rating, "; ".join(d.facts)) for k, d in a.dimensions.items()]),
    ):
        t = Table(title=title, expand=True)
        for col in cols:
            t.add_column(col)
        for name, grade, why in rows:
            t.add_row(name, Text(grade, style=OUTCOME_STYLE.get(grade, "")), Text(printable(why)))
        console.print(t)

    console.print("Sources:", style="bold")
    for k, s in r.sources.items():
        console.print(printable(f"  [{k}] {s.url} (as of {s.as_of})" + (f" - {s.title}" if s.title else "")),
                      highlight=False, markup=False)


def listing(rows: list[Assessment], console: Console) -> None:
    t = Table(expand=True)
    for col in ("id", "name", "producer", "released", "verdict", "MOF", "weights license"):
        t.add_column(col, no_wrap=col in ("released", "verdict"), overflow="fold")
    for a in rows:
        s = jsonout.summary(a)
        t.add_row(s["id"], s["name"], s["producer"], s["released"] or "",
                  Text(s["verdict"], style=VERDICT_STYLE[s["verdict"]]),
                  a.mof.label.replace(" - ", ": ") if a.mof.mof_class else f"- (III {_pct(a.mof.progress[3])})",
                  s["weights_license"] or "")
    console.print(t)
    console.print(f"{len(rows)} release(s)", style="dim")


def _open_mark(a: Assessment) -> str:
    from ..catalog.producers import is_open

    o = is_open(a.release)
    return "open" if o else "closed" if o is False else "?"


def producers(rows: list, console: Console, detailed: bool = False) -> None:
    """`trueopen producers`: a table of producers, or one producer's releases in date order."""
    if detailed:
        for p in rows:
            console.print(f"{p.producer.name} ({p.producer.country}, {p.producer.kind}): {p.strategy}",
                          highlight=False, markup=False)
            t = Table(expand=True)
            for col in ("released", "id", "name", "weights", "verdict"):
                t.add_column(col, no_wrap=col in ("released", "verdict"), overflow="fold")
            for a in p.releases:
                s = jsonout.summary(a)
                t.add_row(s["released"] or "", s["id"], s["name"], _open_mark(a),
                          Text(s["verdict"], style=VERDICT_STYLE[s["verdict"]]))
            console.print(t)
        return
    t = Table(expand=True)
    for col in ("id", "producer", "country", "releases", "strategy", "first", "latest"):
        t.add_column(col, overflow="fold")
    for p in rows:
        first, last = (p.releases[0], p.releases[-1]) if p.releases else (None, None)
        label = lambda a: f"{a.release.name} ({_open_mark(a)})" if a else ""
        t.add_row(p.producer.id, p.producer.name, p.producer.country, str(len(p.releases)), p.strategy,
                  label(first), label(last))
    console.print(t)


def gap(rows: list, console: Console) -> None:
    for r in rows:
        g = "" if r.gap is None else f"   gap {r.gap:+g}"
        console.print(f"{r.year}  open {jsonout.gap_cell(r.best_open):<48} closed {jsonout.gap_cell(r.best_closed):<48}{g}",
                      highlight=False, markup=False, soft_wrap=True)
