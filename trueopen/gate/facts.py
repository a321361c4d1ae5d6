"""The facts both BOM formats list, gathered once from a Subject: pure, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import components as mofc
from ..licenses import spdx, terms
from ..release import Release
from .subject import Location, Subject

EXPRESSION = re.compile(r"\s(AND|OR|WITH)\s")
DOC_KINDS = {"repository": "vcs", "model-card": "model-card", "license": "license"}


@dataclass(frozen=True)
class LicenseFact:
    key: str  # SPDX id, LicenseRef- key or expression
    spdx_id: str | None  # set when `key` is one SPDX license id
    expression: bool
    title: str | None
    url: str | None


@dataclass(frozen=True)
class WeightFileFact:
    rel: str
    bytes: int
    format: str
    unsafe: bool
    sha256: str | None
    at: Location


@dataclass(frozen=True)
class Restriction:
    summary: str
    clause: str | None


@dataclass
class BomFacts:
    release: Release
    license: LicenseFact | None
    license_at: list[Location]
    verdict: str
    verdict_reasons: tuple[str, ...]
    mof_label: str
    mof_progress: dict[int, float]
    osaid: str  # conformant / not-conformant / unknown
    osaid_unmet: list[str]
    task: str | None
    architecture: str | None
    datasets: list[str]
    datasets_source: str | None  # where the dataset names were read
    benchmarks: list[tuple[str, str, str | None]]  # name, value with unit, setting
    restrictions: list[Restriction]
    links: list[tuple[str, str, str]]  # kind (CycloneDX reference type), url, comment
    weight_files: list[WeightFileFact] = field(default_factory=list)
    base: tuple[str, str, LicenseFact | None] | None = None  # id, name, license
    base_evidence: str | None = None  # where the base model was named
    sources: list[tuple[str, str, str]] = field(default_factory=list)  # key, url, as-of date
    origin: str = "catalog"  # catalog | audit
    origin_path: str | None = None


def license_fact(key: str | None) -> LicenseFact | None:
    if not key:
        return None
    if EXPRESSION.search(key):
        return LicenseFact(key, None, True, None, None)
    sid = spdx.canonical(key)
    t = terms.lookup(key)
    return LicenseFact(key, sid, False, t.title if t else (spdx.name(sid) if sid else None),
                       t.url if t else (f"https://spdx.org/licenses/{sid}.html" if sid else None))


def _restrictions(key: str | None) -> list[Restriction]:
    t = terms.lookup(key) if key and not EXPRESSION.search(key) else None
    if t is None:
        return []
    out = [Restriction(r.summary, r.clause) for r in t.use_restrictions]
    if t.user_cap is not None:
        out.append(Restriction(t.user_cap.summary, t.user_cap.clause))
    if t.use_policy is not None:
        out.append(Restriction(f"Use is bound by an acceptable-use policy: {t.use_policy.url}", t.use_policy.clause))
    return out


def _architecture(subject: Subject) -> str | None:
    comp = subject.assessment.release.component(mofc.ARCHITECTURE)
    for ev in comp.evidence if comp else []:
        m = re.match(r"architecture (\S+)", ev.detail)
        if m:
            return m.group(1).rstrip(",")
    return subject.assessment.release.family


def _links(subject: Subject) -> list[tuple[str, str, str]]:
    r = subject.assessment.release
    out = [(DOC_KINDS.get(d.kind, "documentation"), d.url, d.kind + (f": {d.title}" if d.title else ""))
           for d in r.documentation]
    weights = r.component(mofc.WEIGHTS)
    if weights is not None and weights.location and re.match(r"https?://", weights.location):
        out.append(("distribution", weights.location, "weights"))
    if subject.audit is not None and re.match(r"https?://", subject.audit.snapshot.url):
        out.append(("distribution", subject.audit.snapshot.url, "audited source"))
    seen, unique = set(), []
    for link in out:
        if (link[0], link[1]) not in seen:
            seen.add((link[0], link[1]))
            unique.append(link)
    return unique


def gather(subject: Subject, hashes: dict[str, str] | None = None, base: Release | None = None) -> BomFacts:
    a = subject.assessment
    r = a.release
    osaid = "conformant" if a.osaid.conformant else ("not-conformant" if a.osaid.determined else "unknown")
    task = None
    if subject.audit is not None and "pipeline_tag" in subject.audit.facts:
        task = str(subject.audit.facts["pipeline_tag"].value)
    datasets = list(r.training_data.datasets) if r.training_data else []
    datasets += [d for d in (r.tuning_data.datasets if r.tuning_data else []) if d not in datasets]
    ds_source = None
    if subject.audit is not None and "datasets" in subject.audit.facts:
        ev = subject.audit.facts["datasets"].evidence
        ds_source = str(subject.where(ev[0].path, ev[0].line, ev[0].field)) if ev else None
    elif r.training_data is not None and r.training_data.source in r.sources:
        s = r.sources[r.training_data.source]
        ds_source = f"{s.url} (as of {s.as_of})"
    files = []
    if subject.audit is not None:
        for w in subject.audit.weight_files:
            files.append(WeightFileFact(w.rel, w.bytes, w.format, w.unsafe, (hashes or {}).get(w.rel),
                                        subject.where(w.rel)))
    base_fact, base_ev = None, None
    if r.base_model is not None:
        base_fact = (base.id if base else r.base_model.id, base.name if base else r.base_model.id,
                     license_fact(_weights_license(base)) if base else None)
        fact = subject.audit.facts.get("base_model") if subject.audit is not None else None
        if fact is not None and fact.evidence:
            e = fact.evidence[0]
            base_ev = str(subject.where(e.path, e.line, e.field))
        elif r.base_model.source in r.sources:
            s = r.sources[r.base_model.source]
            base_ev = f"{s.url} (as of {s.as_of})"
    return BomFacts(
        release=r, license=license_fact(subject.license), license_at=subject.license_at,
        verdict=a.verdict.level, verdict_reasons=a.verdict.reasons, mof_label=a.mof.label,
        mof_progress=dict(a.mof.progress), osaid=osaid, osaid_unmet=[c.id for c in a.osaid.unmet],
        task=task or r.type, architecture=_architecture(subject), datasets=datasets, datasets_source=ds_source,
        benchmarks=[(b.name, f"{b.score:g}{b.unit if b.unit == '%' else ' ' + b.unit}", b.setting) for b in r.benchmarks],
        restrictions=_restrictions(subject.license), links=_links(subject), weight_files=files, base=base_fact, base_evidence=base_ev,
        sources=[(k, s.url, s.as_of.isoformat()) for k, s in r.sources.items()],
        origin=r.origin.kind if r.origin else "catalog", origin_path=r.origin.path if r.origin else None,
    )


def _weights_license(release: Release) -> str | None:
    from ..licenses.rights import weights_license

    return weights_license(release)
