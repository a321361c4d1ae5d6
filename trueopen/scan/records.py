"""One record per source: the object `trueopen audit --format json` prints, plus where it came from,
how long it took and what went wrong. Pure functions; the worker calls them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..report.safe_text import json_text, jsonable

# The scan's own fields, first in every record. `source` is the string scanned (what --resume
# matches on); the audit's own `source` block (kind, spec, url, revision, files) moves to `snapshot`.
SCAN_FIELDS = ("source", "seconds", "error")


@dataclass(frozen=True)
class Brief:
    """What the summary counts of a record, so the client never parses the full line again."""

    verdict: str | None
    license: str | None
    format: str | None
    problem: str | None  # the first warning, or the error
    error: bool = False

    @property
    def clean(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Outcome:
    """A worker's answer for one source: the JSON line to write and its brief."""

    source: str
    line: str
    brief: Brief


@dataclass(frozen=True)
class Batch:
    """A worker's answer for one Dask task: the records of its sources, already joined and encoded
    (the client appends them to the output with one write), and each source's brief."""

    data: bytes
    briefs: tuple[tuple[str, Brief], ...]

    def __len__(self) -> int:
        return len(self.briefs)


def batch_of(outcomes: list[Outcome]) -> Batch:
    """Outcomes as one Batch; json_text escaped every lone surrogate, so each line encodes."""
    return Batch("".join(o.line for o in outcomes).encode("utf-8"), tuple((o.source, o.brief) for o in outcomes))


def record(source: str, seconds: float, audit_json: dict[str, Any] | None, error: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"source": source, "seconds": round(seconds, 4), "error": error}
    if audit_json is not None:
        for key, value in audit_json.items():
            out["snapshot" if key == "source" else key] = value
    return out


def line(rec: dict[str, Any]) -> str:
    """One JSON line: json.dumps escapes newlines in strings, json_text the C1, bidi and line
    separator characters, so the record is exactly one line in any reader. The audit part is
    already plain JSON (report.audit.to_json makes it so): it is not walked a second time."""
    return json_text(json.dumps(rec, ensure_ascii=False, separators=(",", ":"), default=_plain)) + "\n"


def _plain(value: Any) -> Any:
    """Anything json.dumps does not know (never expected here) as report/safe_text.jsonable says."""
    return jsonable(value)


def brief_of(result: Any) -> Brief:
    """The summary fields of a service.AuditResult."""
    from ..columns import weights_license

    release = result.assessment.release
    problem = None
    for n in result.audit.notices:
        if n.level == "warning":
            problem = f"{n.path}: {n.message}" if n.path else n.message
            break
    if problem is None and result.against and result.against[1]:
        problem = f"{len(result.against[1])} differences from {result.against[0]}"
    return Brief(result.assessment.verdict.level, weights_license(release), result.audit.weights.format, problem)


def error_outcome(source: str, seconds: float, message: str) -> Outcome:
    return Outcome(source, line(record(source, seconds, None, message)), Brief(None, None, None, message, True))


def read_sources(text_lines) -> set[str]:
    """The sources already in a JSONL output (for --resume); lines that are not a record are skipped."""
    done = set()
    for raw in text_lines:
        try:
            rec = json.loads(raw)
        except ValueError:
            continue
        if isinstance(rec, dict) and isinstance(rec.get("source"), str):
            done.add(rec["source"])
    return done
