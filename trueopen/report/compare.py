"""Renderers for `trueopen compare`: terminal, Markdown, JSON, CSV and a self-contained HTML page."""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import Any

from rich.console import Console
from rich.text import Text

from . import jsonout, layout

DIFF_MARK = "*"


def to_json(cmp: Any) -> dict[str, Any]:
    models = []
    for a, r in zip(cmp.assessments, cmp.rights):
        full = jsonout.assessment(a)
        full["rights"] = r.to_json()
        models.append(full)
    return {"schema_version": jsonout.SCHEMA_VERSION, "models": models, "rows": [r.to_json() for r in cmp.rows]}


def to_csv(cmp: Any) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "fact", "differs", *cmp.ids])
    for row in cmp.rows:
        w.writerow([row.section, row.label, "yes" if row.differs else "no", *row.values])
    return buf.getvalue()


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(cmp: Any) -> str:
    out = ["| fact | " + " | ".join(cmp.ids) + " |", "|---" * (len(cmp.ids) + 1) + "|"]
    section = None
    for row in cmp.rows:
        if row.section != section:
            section = row.section
            out.append(f"| **{section}** |" + " |" * len(cmp.ids))
        mark = f" {DIFF_MARK}" if row.differs else ""
        out.append(f"| {_md_cell(row.label)}{mark} | " + " | ".join(_md_cell(v) for v in row.values) + " |")
    out.append("")
    out.append(f"{DIFF_MARK} the models differ on this fact.")
    return "\n".join(out) + "\n"


def to_terminal(cmp: Any, console: Console) -> None:
    """Models as columns; every value wraps inside its column, so ids and URLs stay whole."""
    t = layout.table()
    layout.col(t, "fact", ratio=2, min_width=10)
    for rid in cmp.ids:
        layout.col(t, rid, ratio=3)
    section = None
    for row in cmp.rows:
        if row.section != section:
            if section is not None:
                t.add_section()
            section = row.section
            layout.row(t, Text(section.upper(), style="bold"), *[""] * len(cmp.ids))
        label = Text(row.label + (f" {DIFF_MARK}" if row.differs else ""), style="bold" if row.differs else "")
        layout.row(t, label, *row.values)
    console.print(t)
    console.print(f"{DIFF_MARK} the models differ on this fact.", style="dim", highlight=False)


def to_html(cmp: Any) -> str:
    """One file with its own styles and no scripts or outside links, to attach or archive."""
    from jinja2 import Environment, select_autoescape

    template = (resources.files("trueopen.advise") / "templates" / "compare.html.j2").read_text(encoding="utf-8")
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(template).render(ids=cmp.ids, rows=cmp.rows, mark=DIFF_MARK,
                                            names=[a.release.name for a in cmp.assessments])
