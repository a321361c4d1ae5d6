"""Catalog entries checked against the catalogs they cite or are listed in.

Two kinds of result: a *misquote* is an entry citing a snapshot for a fact the snapshot does not
say (a finding: the entry is wrong about its own source); a *difference* is the entry and another
catalog disagreeing while the entry cites its own source (a note: someone has to decide which
source is right, and docs/disagreements.md records what was decided).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..release import Release
from . import snapshots

LISTS = (snapshots.MODELS_DEV, snapshots.OSAI_INDEX, "mot")
VIA_MODELS_DEV = "(via models.dev)"


def _md_record(release: Release) -> dict | None:
    key = release.listed_in.get(snapshots.MODELS_DEV)
    return snapshots.entries(snapshots.MODELS_DEV).get(key) if key else None


def _md_facts(release: Release) -> list[tuple[str, str | None, object, object]]:
    """(fact, source key, ours, models.dev's) for the facts both sides may hold."""
    rec = _md_record(release)
    if rec is None:
        return []
    out: list[tuple[str, str | None, object, object]] = []
    if release.released and rec.get("release_date") and len(rec["release_date"]) == 10:
        out.append(("released.date", release.released.source, release.released.date.isoformat(), rec["release_date"]))
    if release.context_length and rec.get("context"):
        out.append(("context_length.tokens", release.context_length.source, release.context_length.tokens, rec["context"]))
    if release.pricing and rec.get("input_per_mtok") is not None:
        out.append(("pricing.input_per_mtok", release.pricing.source, release.pricing.input_per_mtok, rec["input_per_mtok"]))
        out.append(("pricing.output_per_mtok", release.pricing.source, release.pricing.output_per_mtok, rec.get("output_per_mtok")))
    if release.access and rec.get("open_weights") is not None:
        out.append(("access.weights released", release.access.source, release.access.weights != "none", rec["open_weights"]))
    return out


def _md_prefix() -> str:
    return snapshots.load(snapshots.MODELS_DEV)["source"]["url_prefix"]


def _cites_models_dev(release: Release, key: str | None) -> bool:
    return key is not None and key in release.sources and release.sources[key].url.startswith(_md_prefix())


def misquoted(release: Release) -> list[str]:
    findings = []
    for name, key in release.listed_in.items():
        if name not in LISTS:
            findings.append(f"listed_in '{name}' is not a catalog trueopen knows ({', '.join(LISTS)})")
        elif name != "mot" and key not in snapshots.entries(name):
            findings.append(f"listed_in {name} '{key}' is not in the imported {name} snapshot")
    for fact, src, ours, theirs in _md_facts(release):
        if _cites_models_dev(release, src) and ours != theirs:
            findings.append(f"{fact} is {ours} citing models.dev, which says {theirs}")
    rec = _md_record(release)
    carried = {(b["name"], b["score"]) for b in rec.get("benchmarks", [])} if rec else set()
    for b in release.benchmarks:
        if b.reported_by and b.reported_by.endswith(VIA_MODELS_DEV) and (b.name, b.score) not in carried:
            findings.append(f"benchmark {b.name} {b.score} is said to come via models.dev, which does not list it")
    for k, s in release.sources.items():
        if s.url.startswith(_md_prefix()) and snapshots.MODELS_DEV not in release.listed_in:
            findings.append(f"source '{k}' cites models.dev but listed_in has no models.dev id")
    return findings


def differences(release: Release) -> list[str]:
    return [f"{fact} is {ours} (source '{src}'); models.dev says {theirs}"
            for fact, src, ours, theirs in _md_facts(release)
            if not _cites_models_dev(release, src) and ours != theirs]


@dataclass(frozen=True)
class IndexDifference:
    release: str
    index_key: str
    parameter: str
    ours: str
    theirs: str
    our_reason: str
    their_evidence: tuple[str, ...]


def index_differences(release: Release, grades: dict) -> list[IndexDifference]:
    """Our Open Source AI Index grades against the Index's own, parameter by parameter."""
    key = release.listed_in.get(snapshots.OSAI_INDEX)
    profile = snapshots.entries(snapshots.OSAI_INDEX).get(key) if key else None
    if profile is None:
        return []
    out = []
    for param, theirs in profile.get("grades", {}).items():
        ours = grades.get(param)
        if ours is not None and ours.grade != theirs:
            out.append(IndexDifference(release.id, key, param, ours.grade, theirs, ours.reason,
                                       tuple(profile.get("evidence", {}).get(param, []))))
    return out
