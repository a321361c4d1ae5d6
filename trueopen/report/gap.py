"""`trueopen gap` as a table with column headings, the meaning of the sign, and `gap --list`."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from . import jsonout

SIGN = ("gap = best closed minus best open: positive means a closed model led that year, negative "
        "means an open one did.")


def table(rows: list, benchmark: str, console: Any) -> None:
    restricted = any(getattr(r, "best_restricted", None) for r in rows)
    t = Table(title=f"{benchmark}: best published score per year", expand=True)
    t.add_column("year", no_wrap=True)
    t.add_column("best open", overflow="fold")
    t.add_column("best closed", overflow="fold")
    t.add_column("gap", justify="right", no_wrap=True)
    if restricted:
        t.add_column("best restricted-weights", overflow="fold")
    for r in rows:
        cells = [str(r.year), jsonout.gap_cell(r.best_open), jsonout.gap_cell(r.best_closed),
                 "" if r.gap is None else f"{r.gap:+g}"]
        if restricted:
            cells.append(jsonout.gap_cell(r.best_restricted))
        t.add_row(*cells)
    console.print(t)
    console.print(SIGN, highlight=False, markup=False)
    console.print("Scores are as published; settings differ (shown in brackets).", highlight=False, markup=False)


def listing(names: list[tuple[str, int]], console: Any) -> None:
    t = Table(title="Benchmarks with recorded scores", expand=False)
    t.add_column("benchmark", overflow="fold")
    t.add_column("releases", justify="right")
    for name, n in names:
        t.add_row(name, str(n))
    console.print(t)
