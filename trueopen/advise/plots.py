"""Pictures: the open/closed gap per quarter, and each producer's releases on a time axis.

The series are pure functions over assessments; only `write_*` touch matplotlib (Agg backend,
imported on use) and the file system. Open and closed are the verdicts `list` shows: open is
open-source or open-weights, closed is closed, restricted-weights is its own series, and unknown
is never counted. Each drawn series carries an SVG id (gid) so its points can be counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError

KINDS = {"open-source": "open", "open-weights": "open", "restricted-weights": "restricted", "closed": "closed"}
SERIES_LABELS = {"open": "best open (open-source, open-weights)", "restricted": "best restricted-weights",
                 "closed": "best closed"}
VERDICT_COLOURS = {"open-source": "#1a9850", "open-weights": "#91cf60", "restricted-weights": "#fc8d59",
                   "closed": "#d73027", "unknown": "#999999"}
SUFFIXES = (".svg", ".png")


def quarter(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def quarter_label(q: tuple[int, int]) -> str:
    return f"{q[0]} Q{q[1]}"


@dataclass(frozen=True)
class Point:
    quarter: tuple[int, int]
    score: float
    release: str
    setting: str | None


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def gap_series(assessments: Iterable[Any], benchmark: str) -> dict[str, list[Point]]:
    """Per kind (open, restricted, closed): the best score released in each quarter, oldest first."""
    want = _norm(benchmark)
    best: dict[tuple[str, tuple[int, int]], Point] = {}
    for a in assessments:
        r = a.release
        kind = KINDS.get(a.verdict.level)
        if kind is None or r.released is None:
            continue
        for b in r.benchmarks:
            if _norm(b.name) != want:
                continue
            q = quarter(r.released.date)
            if (kind, q) not in best or b.score > best[(kind, q)].score:
                best[(kind, q)] = Point(q, b.score, r.id, b.setting)
    return {k: sorted((p for (kk, _), p in best.items() if kk == k), key=lambda p: p.quarter) for k in SERIES_LABELS}


def timeline(summaries: Iterable[Any]) -> list[tuple[str, list[tuple[date, str, str]]]]:
    """(producer name, [(release date, verdict level, release id)]) for producers with dated releases."""
    rows = []
    for p in summaries:
        dated = [(a.release.released.date, a.verdict.level, a.release.id) for a in p.releases if a.release.released]
        if dated:
            rows.append((p.producer.name, sorted(dated)))
    return rows


def _check_path(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(str(path), "the plot's file name must end in .svg or .png")
    if path.exists() and not path.is_file():
        raise InputError(str(path), "not a regular file")
    return suffix[1:]


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise InputError("--plot", "matplotlib is not installed (pip install 'matplotlib>=3.8,<4')") from None
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: readable and searchable
    matplotlib.rcParams["svg.hashsalt"] = "trueopen"  # the same input writes the same file
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path, fmt: str) -> None:
    """Rendered in memory, then written like every -o: a regular file replaced whole, never a
    device, a FIFO or a folder."""
    import io

    from ..safeio import write_file

    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
    write_file(path, buf.getvalue())


def write_gap(series: dict[str, list[Point]], benchmark: str, path: Path, unit: str = "%") -> None:
    fmt = _check_path(path)
    plt = _pyplot()
    quarters = sorted({p.quarter for pts in series.values() for p in pts})
    index = {q: i for i, q in enumerate(quarters)}
    fig, ax = plt.subplots(figsize=(9, 4.8))
    styles = {"open": ("#1a9850", "o", "-"), "restricted": ("#fc8d59", "s", ":"), "closed": ("#d73027", "D", "-")}
    for kind, pts in series.items():
        if not pts:
            continue
        colour, marker, line = styles[kind]
        (artist,) = ax.plot([index[p.quarter] for p in pts], [p.score for p in pts], marker=marker,
                            linestyle=line, color=colour, label=SERIES_LABELS[kind])
        artist.set_gid(f"series-{kind}")
    ax.set_xticks(range(len(quarters)), [quarter_label(q) for q in quarters], rotation=45, ha="right")
    ax.set_xlabel("release quarter")
    ax.set_ylabel(f"{benchmark} score ({unit})" if unit == "%" else f"{benchmark} ({unit})")
    ax.set_title(f"{benchmark}: best published score per quarter, open vs closed")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
    _save(fig, path, fmt)
    plt.close(fig)


def write_timeline(rows: list[tuple[str, list[tuple[date, str, str]]]], path: Path) -> None:
    fmt = _check_path(path)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, max(3.0, 0.32 * len(rows) + 1.5)))
    names = [name for name, _ in rows]
    for level, colour in VERDICT_COLOURS.items():
        xs, ys = [], []
        for y, (_, releases) in enumerate(rows):
            for d, lv, _ in releases:
                if lv == level:
                    xs.append(d)
                    ys.append(y)
        if xs:
            coll = ax.scatter(xs, ys, color=colour, label=level, s=36, edgecolors="black", linewidths=0.4, zorder=3)
            coll.set_gid(f"verdict-{level}")
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel("release date")
    ax.set_ylabel("producer")
    ax.set_title("Releases by producer, coloured by verdict")
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(title="verdict", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _save(fig, path, fmt)
    plt.close(fig)
