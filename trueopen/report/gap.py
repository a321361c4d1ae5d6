"""`trueopen gap` as a table with column headings, the meaning of the sign, and `gap --list`."""

from __future__ import annotations

from typing import Any

from . import layout

from . import jsonout

SIGN = ("gap = best closed minus best open: positive means a closed model led that year, negative "
        "means an open one did.")


def table(rows: list, benchmark: str, console: Any) -> None:
    restricted = any(getattr(r, "best_restricted", None) for r in rows)
    t = layout.table(title=f"{benchmark}: best published score per year")
    layout.col(t, "year", short=True)
    layout.col(t, "best open", ratio=1)
    layout.col(t, "best closed", ratio=1)
    layout.col(t, "gap", short=True, justify="right")
    if restricted:
        layout.col(t, "best restricted-weights", ratio=1)
    for r in rows:
        cells = [str(r.year), jsonout.gap_cell(r.best_open), jsonout.gap_cell(r.best_closed),
                 "" if r.gap is None else f"{r.gap:+g}"]
        if restricted:
            cells.append(jsonout.gap_cell(r.best_restricted))
        layout.row(t, *cells)
    console.print(t)
    console.print(SIGN, highlight=False, markup=False)
    console.print("Scores are as published; settings differ (shown in brackets).", highlight=False, markup=False)


def listing(names: list[tuple[str, int]], console: Any) -> None:
    t = layout.table(title="Benchmarks with recorded scores")
    layout.col(t, "benchmark", ratio=1)
    layout.col(t, "releases", short=True, justify="right")
    for name, n in names:
        layout.row(t, name, str(n))
    console.print(t)
