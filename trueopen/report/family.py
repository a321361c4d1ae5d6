"""`trueopen show FAMILY`: one line on how open the family is, then its releases as `list` shows them."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from .. import views
from . import jsonout, markdown, terminal


def to_json(view: Any) -> dict[str, Any]:
    return {"schema_version": jsonout.SCHEMA_VERSION, "family": view.name, "families": list(view.families),
            "summary": view.summary, "releases": [jsonout.summary(a) for a in view.assessments]}


def to_markdown(view: Any) -> str:
    return f"## {view.name}\n\n{view.summary}\n\n" + markdown.listing([views.row(a) for a in view.assessments])


def to_terminal(view: Any, console: Console) -> None:
    console.print(view.summary, highlight=False, markup=False)
    terminal.listing([views.row(a) for a in view.assessments], console)
    console.print("trueopen show ID gives the full assessment of one release.", style="dim", highlight=False)
