"""`trueopen compare A B ...`: models as columns, one row per fact, rows that differ marked.

Rows are built from the same assessment `show` renders and the same rights `can` answers, so
a comparison can never say something different from those commands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..assessment import Assessment
from ..frameworks import dimensions, osai_index
from ..licenses.rights import QUESTIONS, Rights

QUESTION_LABELS = {
    "commercial": "commercial use", "users": "user cap", "fine_tune": "fine-tune", "redistribute_weights":
    "redistribute weights", "distill": "distill / train others", "use_outputs_commercially":
    "outputs commercially", "on_prem": "run on-premises", "military": "military use",
}


@dataclass(frozen=True)
class Row:
    section: str
    label: str
    values: tuple[str, ...]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1

    def to_json(self) -> dict[str, Any]:
        return {"section": self.section, "label": self.label, "values": list(self.values), "differs": self.differs}


@dataclass
class Comparison:
    assessments: list[Assessment]
    rights: list[Rights]
    rows: list[Row] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [a.release.id for a in self.assessments]


def _params(a: Assessment) -> str:
    p = a.release.parameters
    if p is None or p.total is None:
        return "not known"
    text = f"{p.total / 1e9:,.1f}B"
    return text + (f" ({p.active / 1e9:,.1f}B active)" if p.active else "")


def _price(a: Assessment) -> str:
    pr = a.release.pricing
    if pr is None:
        return "no API price recorded"
    return f"{pr.currency} {pr.input_per_mtok:g} in / {pr.output_per_mtok:g} out per 1M tokens"


def _osaid(a: Assessment) -> str:
    o = a.osaid
    if o.conformant:
        return "conformant"
    unmet = ", ".join(c.id for c in o.unmet)
    unknown = ", ".join(c.id for c in o.unknown)
    parts = [f"fails {unmet}" if unmet else "", f"unknown {unknown}" if unknown else ""]
    return "not conformant: " + "; ".join(p for p in parts if p) if unmet else "undetermined: " + "; ".join(
        p for p in parts if p)


def _mof(a: Assessment) -> str:
    m = a.mof
    return f"{m.label} (III {m.progress[3]:.0f}%, II {m.progress[2]:.0f}%, I {m.progress[1]:.0f}%)"


def _answer(r: Rights, q: str) -> str:
    ans = r.answers.get(q)
    if ans is None:
        return ""
    clause = f" {ans.clause}" if ans.clause else ""
    cond = f" ({'; '.join(ans.conditions)})" if ans.outcome == "conditional" and ans.conditions else ""
    return f"{ans.outcome}{clause}{cond}"


def _shared_benchmarks(assessments: list[Assessment]) -> list[Row]:
    """Benchmarks at least two of the models report, with the setting when one is recorded."""
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    for a in assessments:
        for key in {b.name.lower() for b in a.release.benchmarks}:
            counts[key] = counts.get(key, 0) + 1
        for b in a.release.benchmarks:
            names.setdefault(b.name.lower(), b.name)
    rows = []
    for key in sorted(k for k, n in counts.items() if n >= 2):
        values = []
        for a in assessments:
            found = [b for b in a.release.benchmarks if b.name.lower() == key]
            values.append("; ".join(f"{b.score:g}{b.unit if b.unit == '%' else ' ' + b.unit}"
                                    + (f" ({b.setting})" if b.setting else "") for b in found) or "not reported")
        rows.append(Row("benchmarks", names[key], tuple(values)))
    return rows


def build(assessments: list[Assessment], rights: list[Rights], extra: list[Row] | None = None) -> Comparison:
    """The comparison table: pure, over assessments and rights computed elsewhere."""
    def row(section: str, label: str, fn) -> Row:
        return Row(section, label, tuple(fn(a) for a in assessments))

    rows = [
        row("release", "name", lambda a: a.release.name),
        row("release", "producer", lambda a: a.release.producer),
        row("release", "released", lambda a: a.release.released.date.isoformat() if a.release.released else "not known"),
        row("release", "parameters", _params),
        row("release", "context", lambda a: f"{a.release.context_length.tokens:,} tokens"
            if a.release.context_length else "not known"),
        row("release", "access", lambda a: a.release.access.level if a.release.access else "not known"),
        row("release", "API price", _price),
        row("openness", "verdict", lambda a: a.verdict.level),
        row("openness", "why", lambda a: a.verdict.reasons[0] if a.verdict.reasons else ""),
        row("openness", "MOF", _mof),
        row("openness", "OSAID 1.0", _osaid),
    ]
    rows += [row("Index", p, lambda a, p=p: a.osai_index[p].grade) for p in osai_index.PARAMETERS if
             all(p in a.osai_index for a in assessments)]
    rows += [row("dimensions", d, lambda a, d=d: a.dimensions[d].rating) for d in dimensions.DIMENSIONS]
    rows.append(Row("rights", "license", tuple(
        f"{r.title} ({r.license})" if r.title else (r.license or "not known") for r in rights)))
    for q in QUESTIONS:
        if any(q in r.answers for r in rights):
            rows.append(Row("rights", QUESTION_LABELS[q], tuple(_answer(r, q) for r in rights)))
    rows += _shared_benchmarks(assessments)
    rows += extra or []
    return Comparison(assessments, rights, rows)
