"""SVG charts as plain geometry (pure functions): the templates draw what these compute, so the
pages need no script and no chart library."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    css: str  # a verdict, or open / closed
    label: str  # the tooltip: what the dot is
    href: str | None = None


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    dots: list[Dot]
    lines: list[tuple[str, str]]  # (css class, SVG points)
    xticks: list[tuple[float, str]]
    yticks: list[tuple[float, str]]
    rows: list[tuple[float, str]]  # row labels (timeline)


LEFT, RIGHT, TOP, BOTTOM = 130, 20, 10, 30


def _year_fraction(d: date) -> float:
    return d.year + (d.timetuple().tm_yday - 1) / 366


def timeline(summaries, width: int = 780, row_height: int = 22) -> Chart:
    """One row per producer, one dot per release at its date, coloured by verdict."""
    dated = [(s, [a for a in s.releases if a.release.released]) for s in summaries]
    dated = [(s, rel) for s, rel in dated if rel]
    if not dated:
        return Chart(width, TOP + BOTTOM, [], [], [], [], [])
    years = [a.release.released.date.year for _, rel in dated for a in rel]
    lo, hi = min(years), max(years) + 1
    span = width - LEFT - RIGHT
    xof = lambda d: LEFT + (_year_fraction(d) - lo) / (hi - lo) * span  # noqa: E731
    dots, lines, rows = [], [], []
    for i, (s, rel) in enumerate(dated):
        y = TOP + row_height * i + row_height / 2
        rows.append((y, s.producer.name))
        xs = [xof(a.release.released.date) for a in rel]
        lines.append(("track", f"{min(xs):.1f},{y:.1f} {max(xs):.1f},{y:.1f}"))
        for a, x in zip(rel, xs):
            r = a.release
            dots.append(Dot(x, y, a.verdict.level, f"{r.name} ({r.released.date}): {a.verdict.level}", f"/models/{r.id}"))
    step = 1 if hi - lo <= 10 else 2
    xticks = [(LEFT + (yr - lo) / (hi - lo) * span, str(yr)) for yr in range(lo, hi + 1, step)]
    return Chart(width, TOP + row_height * len(dated) + BOTTOM, dots, lines, xticks, [], rows)


def gap(rows, width: int = 640, height: int = 300) -> Chart:
    """Best open, restricted-weights and closed score per year as three lines (service.GapRow)."""
    kinds = (("open", lambda r: r.best_open), ("restricted", lambda r: getattr(r, "best_restricted", None)),
             ("closed", lambda r: r.best_closed))
    scores = [c[0] for r in rows for _, pick in kinds for c in (pick(r),) if c]
    if not scores:
        return Chart(width, height, [], [], [], [], [])
    lo, hi = min(scores), max(scores)
    pad = max((hi - lo) * 0.1, 1.0)
    lo, hi = lo - pad, hi + pad
    y0, y1 = min(r.year for r in rows), max(r.year for r in rows)
    left = 50
    xof = lambda yr: left + (0.5 if y1 == y0 else (yr - y0) / (y1 - y0)) * (width - left - RIGHT)  # noqa: E731
    yof = lambda v: TOP + (hi - v) / (hi - lo) * (height - TOP - BOTTOM)  # noqa: E731
    dots, lines = [], []
    for kind, pick in kinds:
        pts = []
        for r in rows:
            c = pick(r)
            if c:
                x, y = xof(r.year), yof(c[0])
                pts.append(f"{x:.1f},{y:.1f}")
                setting = f", {c[2]}" if c[2] else ""
                dots.append(Dot(x, y, kind, f"{r.year} best {kind}: {c[0]:g} {c[1]}{setting}", f"/models/{c[1]}"))
        if len(pts) > 1:
            lines.append((kind, " ".join(pts)))
    xticks = [(xof(yr), str(yr)) for yr in range(y0, y1 + 1)]
    n = 5
    yticks = [(yof(lo + (hi - lo) * k / n), f"{lo + (hi - lo) * k / n:.0f}") for k in range(n + 1)]
    return Chart(width, height, dots, lines, xticks, yticks, [])
