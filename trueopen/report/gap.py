"""`trueopen gap` as a table with column headings, the meaning of the sign, and `gap --list`."""

from __future__ import annotations

from typing import Any

from ..columns import gap_cell
from . import layout

SIGN = ("gap = best closed minus best open: positive means a closed model led that year, negative "
        "means an open one did.")


def table(rows: list, benchmark: str, console: Any) -> None:
    """Laid out as plain text (layout.lines), so `gap` starts without rich when piped."""
    layout.emit(console, layout.lines(blocks(rows, benchmark), console.width))


def blocks(rows: list, benchmark: str) -> list[dict]:
    restricted = any(getattr(r, "best_restricted", None) for r in rows)
    cols = [layout.column("year", short=True), layout.column("best open", ratio=1),
            layout.column("best closed", ratio=1), layout.column("gap", short=True, justify="right")]
    if restricted:
        cols.append(layout.column("best restricted-weights", ratio=1))
    cells = []
    for r in rows:
        row = [str(r.year), gap_cell(r.best_open), gap_cell(r.best_closed), "" if r.gap is None else f"{r.gap:+g}"]
        if restricted:
            row.append(gap_cell(r.best_restricted))
        cells.append([layout.cell(c) for c in row])
    return [layout.table_block(cols, cells, title=f"{benchmark}: best published score per year"),
            layout.text_block([layout.cell(SIGN)],
                              [layout.cell("Scores are as published; settings differ (shown in brackets).")])]


def listing(names: list[tuple[str, int]], console: Any) -> None:
    t = layout.table(title="Benchmarks with recorded scores")
    layout.col(t, "benchmark", ratio=1)
    layout.col(t, "releases", short=True, justify="right")
    for name, n in names:
        layout.row(t, name, str(n))
    console.print(t)
