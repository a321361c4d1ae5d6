"""What `list`, `show`, `producers`, `gap` and `can` print, kept as plain data next to the
catalog's assessments, so that those commands start without pydantic, the release models, the
license terms or the frameworks.

One sealed file (cache.seal) keyed like the assessments, plus the code that draws them and
producers.yaml. Its first line is JSON: every listing row (jsonout.summary and the MOF cell),
the names `show` answers to, the `producers` table, each release's benchmark scores, and where
each release's `show` report (terminal.assessment_blocks) and `can` answers (licenses.rights)
start and end in the rest of the file, so `show` and `can` decode only their own. Everything is
built from service.all_assessments(), the one full path, and compared with it release by
release in tests/test_fast_views.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Callable, Iterable

from . import cache
from .catalog import compiled

NAME = "views"

# The code an assessment of a catalog release depends on, beyond the catalog's own inputs.
ASSESSMENT_CODE = (("trueopen", ("assessment", "service", "components", "cache")),
                   ("trueopen.frameworks", ("dimensions", "mof", "osai_index", "osaid", "verdict")))
# ...and the code that turns assessments into these views.
VIEW_CODE = (("trueopen", ("views", "columns")),
             ("trueopen.report", ("terminal", "layout", "jsonout", "safe_text", "licenses")),
             ("trueopen.catalog", ("producers",)), ("trueopen.licenses", ("rights",)))

VERDICT_ORDER = {"open-source": 0, "open-weights": 1, "restricted-weights": 2, "closed": 3, "unknown": 4}


def assessment_inputs() -> tuple[str | bytes, ...]:
    """What the bundled catalog's assessments are computed from: its files and the code."""
    return (*compiled.inputs(compiled.data_dir()), *(cache.module_sources(p, *m) for p, m in ASSESSMENT_CODE))


def normalize(text: str) -> str:
    """As catalog.names.normalize: case and punctuation do not matter, '+' does."""
    from .catalog.names import normalize as names_normalize

    return names_normalize(text)


def row(a: Any) -> dict[str, Any]:
    """One listing row: `list --format json`'s object (jsonout.summary) and the MOF cell."""
    from . import columns
    from .report import jsonout

    return {**jsonout.summary(a), "mof": columns.mof_cell(a.mof)}


def summary(r: dict[str, Any]) -> dict[str, Any]:
    """The row as `list --format json` prints it."""
    return {k: v for k, v in r.items() if k != "mof"}


# ---- the filters and orders of `list`, on rows ----------------------------------------------------

@dataclass
class ListFilter:
    """What `trueopen list` keeps; each test reads the value the listing shows for it."""

    verdict: str | None = None
    producer: str | None = None
    license: str | None = None
    mof_class: int | None = None

    def accepts(self, r: dict[str, Any]) -> bool:
        """Does `list` keep this row (views.row)?"""
        from . import columns

        if self.verdict and r["verdict"] != self.verdict:
            return False
        if self.producer and not self.has_producer(r["producer"]):
            return False
        if self.license and not columns.license_matches(self.license, r["weights_license"]):
            return False  # the license the listing's column shows, nothing else
        if self.mof_class is not None and (r["mof_class"] or 0) != self.mof_class:
            return False
        return True

    @cached_property
    def _producer(self) -> Any:
        """producers.yaml's producer for --producer, resolved once per listing; None if none is."""
        from .catalog import producers  # reads producers.yaml (and pydantic): only where needed
        from .errors import TrueopenError

        try:
            return producers.find(self.producer) if self.producer else None
        except TrueopenError:
            return None

    def has_producer(self, name: str) -> bool:
        """A producer id or alias (openai, zhipu) picks exactly that producer's releases (by the
        name they give); other text matches part of the producer's name."""
        if self._producer is not None:
            return normalize(name) in {normalize(n) for n in self._producer.names()}
        return normalize(self.producer or "") in normalize(name)

    def check(self, rows: Iterable[dict[str, Any]]) -> None:
        """No release has this producer: say so, with close names, rather than list nothing."""
        if self.producer and not any(self.has_producer(r["producer"]) for r in rows):
            from .catalog import producers

            producers.find(self.producer)


SORTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "name": lambda r: r["name"].lower(),
    "date": lambda r: (r["released"] or "9999", r["name"]),
    "producer": lambda r: (r["producer"].lower(), r["released"] or "9999"),
    "verdict": lambda r: (VERDICT_ORDER[r["verdict"]], r["name"].lower()),
    "mof": lambda r: (r["mof_class"] or 4, -r["mof_progress"]["class_3"], r["name"].lower()),
}


def select(rows: list[dict[str, Any]], flt: ListFilter, sort: str = "name") -> list[dict[str, Any]]:
    """The rows `list` shows, in its order; NotFound for a producer no release has."""
    flt.check(rows)
    return sorted((r for r in rows if flt.accepts(r)), key=SORTS[sort])


# ---- the open/closed gap, from each release's scores ---------------------------------------------

@dataclass
class GapRow:
    year: int
    best_open: tuple[float, str, str | None] | None  # score, release id, setting
    best_closed: tuple[float, str, str | None] | None
    best_restricted: tuple[float, str, str | None] | None = None  # restricted-weights: its own kind

    @property
    def gap(self) -> float | None:
        if self.best_open is None or self.best_closed is None:
            return None
        return round(self.best_closed[0] - self.best_open[0], 2)


def scores(assessed: Iterable[Any]) -> list[list]:
    """What `gap` reads of each assessed release that has a benchmark score: [id, year or None,
    verdict, [[benchmark, score, setting], ...]], in catalog order."""
    return [[a.release.id, a.release.released.date.year if a.release.released else None, a.verdict.level,
             [[b.name, b.score, b.setting] for b in a.release.benchmarks]] for a in assessed if a.release.benchmarks]


OPENNESS = {"open-source": "open", "open-weights": "open", "restricted-weights": "restricted", "closed": "closed"}


def gap_rows(scored: list[list], benchmark: str) -> list[GapRow]:
    """Best published score per year among open releases (open-source, open-weights), among
    restricted-weights ones and among closed ones (unknown is left out), from `scores`. NotFound,
    with close names, for a benchmark no release reports."""
    import difflib

    from .errors import NotFound

    want = normalize(benchmark)
    best: dict[tuple[int, str], tuple[float, str, str | None]] = {}
    names = set()
    for rid, year, level, marks in scored:
        names.update(name for name, _, _ in marks)
        kind = OPENNESS.get(level)
        if year is None or kind is None:
            continue
        for name, score, setting in marks:
            key = (year, kind)
            if normalize(name) == want and (key not in best or score > best[key][0]):
                best[key] = (score, rid, setting)
    if not best:
        close = difflib.get_close_matches(benchmark, sorted(names), n=3, cutoff=0.4)
        raise NotFound(benchmark, close, what="benchmark")
    years = sorted({y for y, _ in best})
    return [GapRow(y, best.get((y, "open")), best.get((y, "closed")), best.get((y, "restricted"))) for y in years]


# ---- the cached views -----------------------------------------------------------------------------

def inputs() -> tuple[str | bytes, ...]:
    from importlib import resources

    return (*assessment_inputs(), *(cache.module_sources(p, *m) for p, m in VIEW_CODE),
            (resources.files("trueopen.catalog") / "producers.yaml").read_bytes())


def build() -> bytes:
    """The views of every bundled release, computed from its assessment (the full path)."""
    from . import service
    from .catalog import names
    from .licenses import rights
    from .report import terminal

    assessed = service.all_assessments()
    ids: dict[str, str] = {}
    named: dict[str, str] = {}
    for a in assessed:
        r = a.release
        ids.setdefault(names.normalize(r.id), r.id)
        for k in names.keys(r):
            named.setdefault(k, r.id)
    questions = [q for q in rights.QUESTIONS if q != "users"]
    body, at, spans = [], 0, {"reports": {}, "rights": {}}
    for a in assessed:
        for kind, value in (("reports", terminal.assessment_blocks(a)),
                            ("rights", rights.for_release(a.release, questions).to_json())):
            text = json.dumps(value, separators=(",", ":")).encode("utf-8")
            spans[kind][a.release.id] = [at, at + len(text)]
            body.append(text)
            at += len(text)
    head = {"rows": [row(a) for a in assessed], "ids": ids, "names": named, "spans": spans,
            "producers": terminal.producers_blocks(service.producer_summaries()),
            "scores": scores(assessed)}
    return json.dumps(head, separators=(",", ":")).encode("utf-8") + b"\n" + b"".join(body)


class Views:
    """The views file read back: the first line whole, each report or answer only when asked for."""

    def __init__(self, payload: bytes):
        head, sep, self._body = payload.partition(b"\n")
        if not sep:
            raise ValueError("no reports")
        index = json.loads(head)
        self.rows: list[dict[str, Any]] = index["rows"]
        self._ids: dict[str, str] = index["ids"]
        self._names: dict[str, str] = index["names"]
        self._spans: dict[str, dict[str, list[int]]] = index["spans"]
        self.producers: list[dict] = index["producers"]  # `trueopen producers`, drawn
        self.scores: list[list] = index["scores"]  # what `gap` reads (views.scores)
        ids = [r["id"] for r in self.rows]
        if not (list(self._spans["reports"]) == list(self._spans["rights"]) == ids):
            raise ValueError("not a views file")

    def find(self, query: str) -> str | None:
        """The id of the release with this id, else this name or alias (as loader.find), or None."""
        wanted = normalize(query)
        return self._ids.get(wanted) or self._names.get(wanted)

    def _part(self, kind: str, release_id: str) -> Any:
        start, end = self._spans[kind][release_id]
        return json.loads(self._body[start:end])

    def report(self, release_id: str) -> list[dict]:
        """`show ID`'s report (terminal.assessment_blocks)."""
        return self._part("reports", release_id)

    def rights(self, release_id: str, questions: Iterable[str] | None = None) -> dict[str, Any]:
        """`can ID`'s answers (Rights.to_json) to `questions` (None: all but --users)."""
        doc = self._part("rights", release_id)
        if questions is not None:
            asked = set(questions)
            doc["answers"] = {q: a for q, a in doc["answers"].items() if q in asked}
        return doc


@lru_cache(maxsize=1)
def load() -> Views:
    """The bundled catalog's views: read from the user cache, else built and saved."""
    path = cache.folder() / f"{NAME}-{cache.key(*inputs())}.json"
    raw = cache.read_bytes(path)
    payload = cache.unseal(raw) if raw is not None else None
    if payload is not None:
        try:
            return Views(payload)
        except (ValueError, TypeError, KeyError, AttributeError):
            pass
    payload = build()
    cache.write_atomic(path, cache.seal(payload), stale=f"{NAME}-*.json")
    return Views(payload)
