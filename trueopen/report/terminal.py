"""Terminal output with rich: the verdict first, then the evidence behind it (layout rules in
layout.py: every table reads in 80 columns)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .. import columns, components
from ..assessment import Assessment
from ..frameworks import mof, osai_index, osaid
from . import jsonout
from . import layout
from .layout import Footnotes, col, keyed, row, table
from .safe_text import printable

VERDICT_STYLE = {
    "open-source": "bold green", "open-weights": "bold cyan", "restricted-weights": "bold yellow",
    "closed": "bold red", "unknown": "bold magenta",
}
OUTCOME_STYLE = {"pass": "green", "fail": "red", "unknown": "magenta", "info": "dim",
                 "included": "green", "invalid": "red", "unlicensed": "yellow", "missing": "dim",
                 "open": "green", "partial": "yellow", "closed": "red",
                 "high": "green", "medium": "yellow", "low": "red"}
WIDE = 120  # from this width on, `list` shows every column on one line per release


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
    body = [head, Text(layout.SEP.join(facts), style="dim"), Text(""), Text.assemble("Verdict: ", verdict)]
    body += [Text(printable(f"  {line}")) for line in a.verdict.reasons]
    if r.summary:
        body += [Text(""), Text(r.summary, style="italic")]
    console.print(Panel(Group(*body), expand=True, box=layout.FRAME))

    m = a.mof
    notes = Footnotes()
    t = table(title=f"Model Openness Framework: {m.label}", caption=mof.FRAMEWORK)
    licenses = [len(c.license) for c in m.components if c.license]
    col(t, "component", ratio=1)
    col(t, "class", short=True, justify="center")
    col(t, "status", short=True)
    col(t, "license", min_width=min(max(licenses + [7]), 24))
    if evidence:
        col(t, "at", short=True)
        col(t, "per", short=True)
    for c in m.components:
        spec_class = {3: "III", 2: "II", 1: "I"}[components.BY_NAME[c.name].mof_class]
        cells = [c.name + ("" if c.required else " (optional)"), spec_class,
               Text(c.status, style=OUTCOME_STYLE[c.status]), c.license or ""]
        if evidence:
            comp = r.component(c.name)
            cells += [notes.ref(comp.location) if comp else "", comp.source if comp and comp.source else ""]
        row(t, *cells)
    console.print(t)
    console.print(f"  Class III {_pct(m.progress[3])} | Class II {_pct(m.progress[2])} | Class I {_pct(m.progress[1])}",
                  highlight=False)
    if m.paper_stands_in:
        console.print("  (the research paper stands in for the technical report)", highlight=False)
    if m.mof_class != 1:
        console.print(f"  [dim]Share of each class met, ignoring lower classes (not MOT's figure):\n"
                      f"  III {_pct(m.ungated[3])} | II {_pct(m.ungated[2])} | I {_pct(m.ungated[1])}[/dim]",
                      highlight=False)
    if evidence:
        _evidence(r, notes, console)
    for note in m.notes:
        console.print(f"  [dim]Note: {escape(note)}[/dim]")

    t = table(title=f"OSI Open Source AI Definition: {'conformant' if a.osaid.conformant else 'not conformant'}"
              + ("" if a.osaid.determined else " (undetermined)"), caption=osaid.FRAMEWORK, lines=True)
    col(t, "check", short=True)
    col(t, "requirement", ratio=1)
    col(t, "outcome", short=True)
    col(t, "why", ratio=1)
    for c in a.osaid.checks:
        row(t, c.id, c.requirement, Text(c.outcome, style=OUTCOME_STYLE[c.outcome]), c.reason)
    console.print(t)

    for title, cols, rows in (
        ("Open Source AI Index profile", ("parameter", "class", "reason"),
         [(osai_index.label(k), g.grade, g.reason) for k, g in a.osai_index.items()]),
        ("Seven dimensions", ("dimension", "rating", "facts"),
         [(k, d.rating, "; ".join(d.facts)) for k, d in a.dimensions.items()]),
    ):
        t = table(title=title)
        col(t, cols[0], short=True)
        col(t, cols[1], short=True)
        col(t, cols[2], ratio=1)
        for name, grade, why in rows:
            row(t, name, Text(grade, style=OUTCOME_STYLE.get(grade, "")), why)
        console.print(t)

    console.print("Sources:", style="bold")
    keyed(console, [(f"[{k}]", f"{s.url} (as of {s.as_of})" + (f" - {s.title}" if s.title else ""))
                    for k, s in r.sources.items()])


def _evidence(r, notes: Footnotes, console: Console) -> None:
    """--evidence: where each component is ("at", numbered), which source says so ("per", a key of
    the Sources list), the documentation and license texts; every URL printed whole."""
    docs = [(d.kind, (d.title + " " if d.title else "") + notes.ref(d.url)) for d in r.documentation]
    for kind in ("distribution", "code", "data", "document"):
        g = r.license.for_type(kind)
        if g is not None and g.path:
            docs.append((f"{kind} license", (g.name + " " if g.name else "") + notes.ref(g.path)))
    for c in r.components:
        if c.license_path:
            docs.append((f"{c.name} license", notes.ref(c.license_path)))
    if docs:
        console.print("Documentation and license texts:", style="bold")
        keyed(console, [(k + ":", v) for k, v in docs])
    if notes.urls:
        console.print("Where each part is:", style="bold")
        notes.print(console)


def listing(rows: list[Assessment], console: Console) -> None:
    """One line per release when the terminal is wide; in 80 columns, the id, verdict, MOF class and
    weights license on one line and the name, producer and date on the next."""
    if console.width >= WIDE:
        t = table()
        t.expand = False  # columns as wide as their content; names and licenses wrap past that
        for name in ("id", "name", "producer", "released", "verdict", "MOF", "weights license"):
            col(t, name, short=name in ("id", "released", "verdict", "MOF"))
        for a in rows:
            s = jsonout.summary(a)
            t.add_row(s["id"], s["name"], s["producer"], s["released"] or "",
                      Text(s["verdict"], style=VERDICT_STYLE[s["verdict"]]), columns.mof_cell(a.mof),
                      s["weights_license"] or "")
        console.print(t)
    else:
        widths = (max([len(a.release.id) for a in rows] + [2]), len("restricted-weights"),
                  max([len(columns.mof_cell(a.mof)) for a in rows] + [3]))

        def line(*cells) -> Table:
            g = Table.grid(padding=(0, 2, 0, 0), expand=True)
            for w in widths:
                g.add_column(width=w, no_wrap=True, overflow="fold")
            g.add_column(ratio=1, overflow="fold")
            g.add_row(*cells)
            return g

        console.print(line(*(Text(h, style="bold") for h in ("id", "verdict", "MOF", "weights license"))))
        console.print(Text("  name | producer | released", style="dim"))
        console.rule(style="dim", characters="-")
        for a in rows:
            s = jsonout.summary(a)
            console.print(line(s["id"], Text(s["verdict"], style=VERDICT_STYLE[s["verdict"]]),
                               columns.mof_cell(a.mof), s["weights_license"] or ""))
            detail = layout.SEP.join(x for x in (s["name"], s["producer"], s["released"]) if x)
            console.print(Text("  " + detail, style="dim"), highlight=False)
    console.print(f"{len(rows)} release(s)", style="dim")


def _open_mark(a: Assessment) -> str:
    from ..catalog.producers import openness

    return openness(a.verdict.level) or "unknown"


def producers(rows: list, console: Console, detailed: bool = False) -> None:
    """`trueopen producers`: a table of producers, or one producer's releases in date order."""
    if detailed:
        for p in rows:
            console.print(f"{p.producer.name} ({p.producer.country}, {p.producer.kind}): {p.strategy}",
                          highlight=False, markup=False)
            t = table()
            col(t, "released", short=True)
            col(t, "id", short=True, min_width=max([len(a.release.id) for a in p.releases] + [2]))
            col(t, "name", ratio=1)
            col(t, "weights", short=True)
            col(t, "verdict", short=True)
            for a in p.releases:
                s = jsonout.summary(a)
                row(t, s["released"] or "", s["id"], s["name"], _open_mark(a),
                    Text(s["verdict"], style=VERDICT_STYLE[s["verdict"]]))
            console.print(t)
        return
    t = table(lines=True)
    id_width = max([len(p.producer.id) for p in rows] + [8])
    col(t, "producer", min_width=id_width, max_width=max(id_width, 18))
    col(t, "releases", short=True, justify="right")
    col(t, "strategy", ratio=2)
    col(t, "first -> latest release", ratio=3)
    for p in rows:
        first, last = (p.releases[0], p.releases[-1]) if p.releases else (None, None)
        label = lambda a: f"{a.release.name} ({_open_mark(a)})" if a else ""  # noqa: E731
        who = Text(p.producer.id)
        who.append(f"\n{p.producer.name}, {p.producer.country}", style="dim")
        row(t, who, str(len(p.releases)), p.strategy,
            label(first) + (f" {layout.ARROW} {label(last)}" if last is not None and last is not first else ""))
    console.print(t)


def gap(rows: list, console: Console) -> None:
    """Per year: the best open and best closed score ("score release (setting)") and the gap."""
    t = table()
    col(t, "year", short=True)
    col(t, "best open", ratio=1)
    col(t, "best closed", ratio=1)
    col(t, "best restricted-weights", ratio=1)
    col(t, "gap", short=True, justify="right")
    for r in rows:
        row(t, str(r.year), jsonout.gap_cell(r.best_open), jsonout.gap_cell(r.best_closed),
            jsonout.gap_cell(r.best_restricted), "" if r.gap is None else f"{r.gap:+g}")
    console.print(t)
