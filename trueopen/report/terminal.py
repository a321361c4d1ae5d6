"""Terminal output: the verdict first, then the evidence behind it (layout rules in layout.py:
every table reads in 80 columns). `show` and `list` are laid out as plain text (layout.lines),
the others with rich."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import components
from . import layout
from .layout import Footnotes, cell, col, column, row, table, table_block, text_block  # noqa: F401 (col, row, table: for other commands)
from .safe_text import printable_cell

if TYPE_CHECKING:
    from ..assessment import Assessment

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


def assessment(a: Assessment, console: Any, evidence: bool = False) -> None:
    """`trueopen show`: the report laid out as plain text, coloured on a terminal."""
    layout.emit(console, layout.lines(assessment_blocks(a, evidence), console.width))


def assessment_blocks(a: Assessment, evidence: bool = False) -> list[dict]:
    """What `show` prints, as plain data (layout.lines draws it): the verdict first, then the
    evidence behind it. Pure JSON values, so the catalog's reports can be kept in the cache."""
    from ..frameworks import mof, osai_index, osaid

    r = a.release
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
    level = a.verdict.level
    # names, licenses and reasons may come from a MOF file: cell() shows control characters escaped
    panel = [[cell(r.name, "bold"), cell(f"  ({r.id}) by {r.producer}")], [cell(layout.SEP.join(facts), "dim")], [],
             [cell("Verdict: "), cell(level.upper(), VERDICT_STYLE[level])]]
    panel += [[cell(f"  {line}")] for line in a.verdict.reasons]
    if r.summary:
        panel += [[], [cell(r.summary, "italic")]]
    blocks: list[dict] = [{"kind": "panel", "lines": panel}]

    m = a.mof
    notes = Footnotes()
    licenses = [len(c.license) for c in m.components if c.license]
    cols = [column("component", ratio=1), column("class", short=True, justify="center"),
            column("status", short=True), column("license", min_width=min(max(licenses + [7]), 24))]
    if evidence:
        cols += [column("at", short=True), column("per", short=True)]
    rows = []
    for c in m.components:
        spec_class = {3: "III", 2: "II", 1: "I"}[components.BY_NAME[c.name].mof_class]
        cells = [cell(c.name + ("" if c.required else " (optional)")), cell(spec_class),
                 cell(c.status, OUTCOME_STYLE[c.status]), cell(c.license or "")]
        if evidence:
            comp = r.component(c.name)
            cells += [cell(notes.ref(comp.location) if comp else ""), cell(comp.source if comp and comp.source else "")]
        rows.append(cells)
    blocks.append(table_block(cols, rows, title=f"Model Openness Framework: {m.label}", caption=mof.FRAMEWORK))
    after = [[cell(f"  Class III {_pct(m.progress[3])} | Class II {_pct(m.progress[2])} | "
                   f"Class I {_pct(m.progress[1])}")]]
    if m.paper_stands_in:
        after.append([cell("  (the research paper stands in for the technical report)")])
    if m.mof_class != 1:
        after += [[cell("  Share of each class met, ignoring lower classes (not MOT's figure):", "dim")],
                  [cell(f"  III {_pct(m.ungated[3])} | II {_pct(m.ungated[2])} | I {_pct(m.ungated[1])}", "dim")]]
    blocks.append(text_block(*after))
    if evidence:
        blocks += _evidence(r, notes)
    if m.notes:
        blocks.append(text_block(*([cell(f"  Note: {note}", "dim")] for note in m.notes)))

    title = (f"OSI Open Source AI Definition: {'conformant' if a.osaid.conformant else 'not conformant'}"
             + ("" if a.osaid.determined else " (undetermined)"))
    cols = [column("check", short=True), column("requirement", ratio=1), column("outcome", short=True),
            column("why", ratio=1)]
    rows = [[cell(c.id), cell(c.requirement), cell(c.outcome, OUTCOME_STYLE[c.outcome]), cell(c.reason)]
            for c in a.osaid.checks]
    blocks.append(table_block(cols, rows, title=title, caption=osaid.FRAMEWORK, lines=True))

    for title, names, graded in (
        ("Open Source AI Index profile", ("parameter", "class", "reason"),
         [(osai_index.label(k), g.grade, g.reason) for k, g in a.osai_index.items()]),
        ("Seven dimensions", ("dimension", "rating", "facts"),
         [(k, d.rating, "; ".join(d.facts)) for k, d in a.dimensions.items()]),
    ):
        cols = [column(names[0], short=True), column(names[1], short=True), column(names[2], ratio=1)]
        rows = [[cell(name), cell(grade, OUTCOME_STYLE.get(grade, "")), cell(why)] for name, grade, why in graded]
        blocks.append(table_block(cols, rows, title=title))

    blocks.append(text_block([cell("Sources:", "bold")]))
    blocks.append({"kind": "keyed", "rows": [[f"[{k}]", f"{s.url} (as of {s.as_of})" + (f" - {s.title}" if s.title else "")]
                                             for k, s in r.sources.items()]})
    return blocks


def _evidence(r, notes: Footnotes) -> list[dict]:
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
    out = []
    if docs:
        out += [text_block([cell("Documentation and license texts:", "bold")]),
                {"kind": "keyed", "rows": [[k + ":", v] for k, v in docs]}]
    if notes.urls:
        out += [text_block([cell("Where each part is:", "bold")]), {"kind": "keyed", "rows": notes.rows()}]
    return out


def listing(rows: list[dict], console: Any) -> None:
    """`trueopen list` from its rows (views.row): one line per release when the terminal is wide;
    in 80 columns, the id, verdict, MOF class and weights license on one line and the name,
    producer and date on the next."""
    layout.emit(console, listing_lines(rows, console.width))


def listing_lines(rows: list[dict], width: int) -> list[layout.Line]:
    if width >= WIDE:
        cols = [column(name, short=name in ("id", "released", "verdict", "MOF"))
                for name in ("id", "name", "producer", "released", "verdict", "MOF", "weights license")]
        cells = [[cell(s["id"]), cell(s["name"]), cell(s["producer"]), cell(s["released"] or ""),
                  cell(s["verdict"], VERDICT_STYLE[s["verdict"]]), cell(s["mof"]), cell(s["weights_license"] or "")]
                 for s in rows]
        out = layout.grid_lines(cols, cells, width, expand=False)
    else:
        fixed = (max([len(s["id"]) for s in rows] + [2]), len("restricted-weights"),
                 max([len(s["mof"]) for s in rows] + [3]))
        cols = [column(name, short=True, min_width=w, max_width=w) for name, w in zip(("id", "verdict", "MOF"), fixed)]
        cols.append(column("weights license", ratio=1))
        grid = dict(left=0, right=2, divider=0, rule=False)
        out = layout.grid_lines(cols, [], width, **grid)
        out += [[("  name | producer | released", "dim")], [("-" * width, "dim")]]
        for s in rows:
            out += layout.grid_lines(cols, [[cell(s["id"]), cell(s["verdict"], VERDICT_STYLE[s["verdict"]]),
                                             cell(s["mof"]), cell(s["weights_license"] or "")]], width,
                                     header=False, **grid)
            detail = layout.SEP.join(x for x in (s["name"], s["producer"], s["released"]) if x)
            out += layout._styled([(printable_cell("  " + detail), "dim")], width)
    out.append([(f"{len(rows)} release(s)", "dim")])
    return out


def _open_mark(a: Assessment) -> str:
    from ..catalog.producers import openness

    return openness(a.verdict.level) or "unknown"


def producers(rows: list, console: Any, detailed: bool = False) -> None:
    """`trueopen producers`: a table of producers, or one producer's releases in date order."""
    layout.emit(console, layout.lines(producers_blocks(rows, detailed), console.width))


def producers_blocks(rows: list, detailed: bool = False) -> list[dict]:
    blocks: list[dict] = []
    if detailed:
        for p in rows:
            blocks.append(text_block([cell(f"{p.producer.name} ({p.producer.country}, {p.producer.kind}): {p.strategy}")]))
            cols = [column("released", short=True),
                    column("id", short=True, min_width=max([len(a.release.id) for a in p.releases] + [2])),
                    column("name", ratio=1), column("weights", short=True), column("verdict", short=True)]
            cells = []
            for a in p.releases:
                r, level = a.release, a.verdict.level
                cells.append([cell(r.released.date.isoformat() if r.released else ""), cell(r.id), cell(r.name),
                              cell(_open_mark(a)), cell(level, VERDICT_STYLE[level])])
            blocks.append(table_block(cols, cells))
        return blocks
    id_width = max([len(p.producer.id) for p in rows] + [8])
    cols = [column("producer", min_width=id_width, max_width=max(id_width, 18)),
            column("releases", short=True, justify="right"), column("strategy", ratio=2),
            column("first -> latest release", ratio=3)]
    cells = []
    for p in rows:
        first, last = (p.releases[0], p.releases[-1]) if p.releases else (None, None)
        label = lambda a: f"{a.release.name} ({_open_mark(a)})" if a else ""  # noqa: E731
        cells.append([cell(f"{p.producer.id}\n{p.producer.name}, {p.producer.country}"), cell(str(len(p.releases))),
                      cell(p.strategy), cell(label(first) + (f" {layout.ARROW} {label(last)}"
                                                             if last is not None and last is not first else ""))])
    return [table_block(cols, cells, lines=True)]

