"""Catalog entries checked against the catalogs they cite or are listed in.

Two kinds of result: a *misquote* is an entry citing a snapshot for a fact the snapshot does not
say (a finding: the entry is wrong about its own source); a *difference* is the entry and another
catalog disagreeing while the entry cites its own source (a note: someone has to decide which
source is right, and docs/disagreements.md records what was decided).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import components as mofc
from ..release import Release
from . import snapshots

LISTS = (snapshots.MODELS_DEV, snapshots.OSAI_INDEX, snapshots.MOT)
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
        elif key not in snapshots.entries(name):
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
    findings += _mot_misquoted(release)
    return findings


def differences(release: Release) -> list[str]:
    notes = [f"{fact} is {ours} (source '{src}'); models.dev says {theirs}"
             for fact, src, ours, theirs in _md_facts(release)
             if not _cites_models_dev(release, src) and ours != theirs]
    return notes + [d.note for d in mot_differences(release) if d.decided_by != ADOPTED]


# ---- the Model Openness Tool's own model files --------------------------------------------------

MOT_REPO = "https://github.com/lfai/model_openness_tool/"
ADOPTED = "their record"
OURS = "our source"
OPEN_QUESTION = "still to check"


@dataclass(frozen=True)
class MotDifference:
    """One component where the entry and MOT's file for the same release differ, or where the
    entry took MOT's record (decided_by ADOPTED)."""

    release: str
    mot_key: str
    component: str
    ours: str  # NOT_LISTED, NO_LICENSE or the license string
    theirs: str
    decided_by: str  # ADOPTED / OURS / OPEN_QUESTION
    evidence: str  # the URL that decides it (our source, or MOT's file); "" while open

    @property
    def decision(self) -> str:
        if self.decided_by == ADOPTED:
            return f"their record, adopted ({self.evidence})"
        if self.decided_by == OURS:
            return f"our source ({self.evidence})"
        return OPEN_QUESTION

    @property
    def note(self) -> str:
        how = self.decision if self.decided_by == OPEN_QUESTION else f"decided by {self.decision}"
        return f"MOT {self.mot_key}: {self.component}: {self.ours} here, {self.theirs} in MOT's file; {how}"


def _mot_record(release: Release) -> dict | None:
    key = release.listed_in.get(snapshots.MOT)
    return snapshots.entries(snapshots.MOT).get(key) if key else None


@lru_cache(maxsize=None)
def mot_release(key: str) -> Release:
    """MOT's file read as trueopen reads any MOF file, so licenses are inherited MOT's way."""
    from .importers import mof  # the importer loads the catalog modules; import late

    rec = snapshots.entries(snapshots.MOT)[key]
    doc = {"framework": {"name": mof.FRAMEWORK_NAME, "version": "1.0", "date": "2024-12-15"},
           "release": {"name": rec["name"], "producer": rec.get("producer", ""), "license": rec["license"],
                       "components": rec["components"]}}
    return mof.parse(doc, snapshots.file_url(snapshots.MOT, rec)).release


NOT_LISTED, NO_LICENSE, WITHHELD = "not listed", "no license", "withheld"


def _state(release: Release, name: str) -> str:
    """'not listed', 'no license' or the license string, as a reader compares them. MOT's files
    sometimes list a component with the license 'Component not included': that is not listed."""
    if release.component(name) is None:
        return NOT_LISTED
    lic = (release.effective_license(name) or "").strip()
    if "component not include" in lic.lower():  # also "Component Component not included", "...include."
        return NOT_LISTED
    return lic or NO_LICENSE


@lru_cache(maxsize=None)
def _canon(text: str) -> str:
    """One name per license: MOT writes names ('Llama 2 Community License', 'Apache 2.0')."""
    from ..licenses import names

    # arXiv's perpetual non-exclusive license lets arXiv distribute a paper and grants readers
    # nothing more; the catalog records such papers as unlicensed, MOT by the license's name.
    if text.lower().startswith("arxiv") or text.lower().startswith("licenseref-arxiv"):
        return NO_LICENSE
    plain = re.sub(r"\s*\blicen[sc]e\b\s*", " ", text, flags=re.I).strip().replace(" ", "-")
    for candidate in (text, plain):
        named = names.from_tag(candidate)
        if named is not None:
            return named.key
    return text


def _same(ours: str, theirs: str) -> bool:
    return ours == theirs or _canon(ours) == _canon(theirs)


def _cites(release: Release, key: str | None, prefix: str) -> str | None:
    """The URL of source `key` when it starts with `prefix`."""
    src = release.sources.get(key) if key else None
    return src.url if src is not None and src.url.startswith(prefix) else None


PAPERS = (mofc.TECHNICAL_REPORT, mofc.RESEARCH_PAPER)
# the documentation kinds that can be each document component
DOC_KINDS = {mofc.TECHNICAL_REPORT: ("technical-report", "preprint"), mofc.RESEARCH_PAPER: ("research-paper", "preprint"),
             mofc.MODEL_CARD: ("model-card",), mofc.DATA_CARD: ("datasheet",)}


def _doc_url(url: str) -> str:
    return url.split("#")[0].rstrip("/").lower()


def _withheld(release: Release, theirs: Release, name: str) -> tuple[str, str] | None:
    """(how the entry reads, the URL of its source) when a component MOT lists and the entry does
    not is settled by a fact the entry already cites: a part the entry lists as withheld, weights that are not downloadable, a
    document that says it withholds the architecture or the evaluation, training data not
    disclosed, a document MOT files under a component that the entry records as another kind of
    document (an announcement post, not a technical report), or the one paper MOT files under the
    other of its two document names."""
    def url(key: str | None) -> str | None:
        return release.sources[key].url if key and key in release.sources else None

    kept_back = [w for w in release.withheld if w.component == name]
    if kept_back:  # the entry says, with a source, that the part exists and is not released
        return WITHHELD, url(kept_back[0].source)
    if name in (mofc.WEIGHTS, mofc.CHECKPOINTS) and release.access and release.access.weights == "none":
        return NOT_LISTED, url(release.access.source)
    kept = {mofc.ARCHITECTURE: "architecture", mofc.EVALUATION_RESULTS: "evaluation",
            mofc.EVALUATION_DATA: "evaluation"}.get(name)
    withholding = [d for d in release.documentation if kept and kept in d.withholds]
    if withholding:
        return NOT_LISTED, withholding[0].url
    if name == mofc.DATASETS and release.training_data and release.training_data.disclosure == "none":
        return NOT_LISTED, url(release.training_data.source)
    their = theirs.component(name)
    placed = their.location if their is not None else None
    same_doc = [d for d in release.documentation if placed and _doc_url(d.url) == _doc_url(placed)]
    if same_doc and same_doc[0].kind not in DOC_KINDS.get(name, (same_doc[0].kind,)):
        return f"recorded as {same_doc[0].kind}", same_doc[0].url
    if name in PAPERS:
        other = PAPERS[1 - PAPERS.index(name)]
        mine = release.component(other)
        if mine is not None and theirs.component(other) is None:
            return f"recorded as {other}", url(mine.source)
    return None


def mot_differences(release: Release) -> list[MotDifference]:
    """Every MOF component where our entry and MOT's file disagree (listed or not, license), and
    every component the entry took from MOT's file, with what decides it."""
    rec = _mot_record(release)
    if rec is None:
        return []
    theirs_rel = mot_release(rec["key"])
    out = []
    for spec in mofc.COMPONENTS:
        ours, theirs = _state(release, spec.name), _state(theirs_rel, spec.name)
        comp = release.component(spec.name)
        cited = _cites(release, comp.source, MOT_REPO) if comp else None
        if _same(ours, theirs) and not cited:
            continue
        withheld = _withheld(release, theirs_rel, spec.name) if comp is None else None
        if cited:  # the entry took MOT's record (a misquote when the two still differ)
            decided, evidence = ADOPTED, cited
        elif comp is not None:
            decided, evidence = OURS, release.sources[comp.source].url
        elif withheld is not None:
            (ours, evidence), decided = withheld, OURS
        else:
            decided, evidence = OPEN_QUESTION, ""
        out.append(MotDifference(release.id, rec["key"], spec.name, ours, theirs, decided, evidence))
    return out


def _mot_misquoted(release: Release) -> list[str]:
    """A component that cites MOT's file must say what the file says."""
    return [f"{d.component} cites MOT's file ({d.evidence}) but is {d.ours} here and {d.theirs} there"
            for d in mot_differences(release) if d.decided_by == ADOPTED and not _same(d.ours, d.theirs)]


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
