"""The stable JSON form of an assessment (documented in docs/json.md). Bump SCHEMA_VERSION on
any change that removes or renames a key."""

from __future__ import annotations

from typing import Any

from .. import columns
from ..assessment import Assessment
from ..frameworks import mof, osai_index, osaid

SCHEMA_VERSION = 1


def _check(c: osaid.Check) -> dict[str, Any]:
    return {"id": c.id, "requirement": c.requirement, "outcome": c.outcome, "reason": c.reason,
            "required": c.required}


def assessment(a: Assessment) -> dict[str, Any]:
    r = a.release
    m = a.mof
    return {
        "schema_version": SCHEMA_VERSION,
        "id": r.id,
        "name": r.name,
        "producer": r.producer,
        "verdict": {"level": a.verdict.level, "reasons": list(a.verdict.reasons)},
        "mof": {
            "framework": mof.FRAMEWORK,
            "class": m.mof_class,
            "label": m.label,
            "progress": {f"class_{k}": m.progress[k] for k in (1, 2, 3)},
            "ungated_progress": {f"class_{k}": m.ungated[k] for k in (1, 2, 3)},
            "badges": {f"class_{k}": m.badge(k) for k in (1, 2, 3)},
            "missing": {f"class_{k}": list(m.missing[k]) for k in (1, 2, 3)},
            "paper_stands_in_for_report": m.paper_stands_in,
            "not_type_appropriate": list(m.not_type_appropriate),
            "notes": list(m.notes),
            "components": [
                {"name": c.name, "status": c.status, "license": c.license, "required": c.required,
                 "content_type": c.content_type, "type_appropriate": c.type_appropriate}
                for c in m.components
            ],
        },
        "osaid": {
            "framework": osaid.FRAMEWORK,
            "conformant": a.osaid.conformant,
            "determined": a.osaid.determined,
            "unmet": [_check(c) for c in a.osaid.unmet],
            "unknown": [_check(c) for c in a.osaid.unknown],
            "checks": [_check(c) for c in a.osaid.checks],
        },
        "osai_index": {k: {"class": g.grade, "reason": g.reason} for k, g in a.osai_index.items()},
        "osai_index_score": osai_index.score(a.osai_index),
        "dimensions": {k: {"rating": d.rating, "facts": list(d.facts)} for k, d in a.dimensions.items()},
        "release": r.model_dump(mode="json", exclude_none=True),
    }


def summary(a: Assessment) -> dict[str, Any]:
    """One row of `trueopen list`."""
    r = a.release
    return {
        "id": r.id,
        "name": r.name,
        "producer": r.producer,
        "released": r.released.date.isoformat() if r.released else None,
        "verdict": a.verdict.level,
        "mof_class": a.mof.mof_class,
        "mof_progress": {f"class_{k}": a.mof.progress[k] for k in (1, 2, 3)},
        "osaid_conformant": a.osaid.conformant,
        "weights_license": columns.weights_license(r),
        "access": r.access.level if r.access else None,
    }


def producer(p: Any) -> dict[str, Any]:
    """One row of `trueopen producers`: a service.ProducerSummary."""
    return {
        "id": p.producer.id,
        "name": p.producer.name,
        "kind": p.producer.kind,
        "country": p.producer.country,
        "strategy": p.strategy,
        "source": p.producer.source.model_dump(mode="json", exclude_none=True),
        "releases": [summary(a) for a in p.releases],
    }


def gap_row(r: Any) -> dict[str, Any]:
    """One year of `trueopen gap`: a service.GapRow."""
    cell = lambda b: {"score": b[0], "release": b[1], "setting": b[2]} if b else None  # noqa: E731
    return {"year": r.year, "open": cell(r.best_open), "closed": cell(r.best_closed), "gap": r.gap,
            "restricted_weights": cell(r.best_restricted)}


gap_cell = columns.gap_cell  # 'score release (setting)', or '-'
