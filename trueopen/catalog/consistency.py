"""An entry that contradicts itself: what its text and documentation say against its components.

The frameworks read only the components, so a paper listed under documentation but recorded as no
component, or training code praised in the summary but never listed, makes the assessment deny
what the same page shows. These checks run in `trueopen validate` and name the field to fix.
"""

from __future__ import annotations

import re

from .. import components as C
from ..release import Release

# documentation kinds that stand for a MOF component, and the components that record them
DOC_COMPONENTS = {
    "technical-report": (C.TECHNICAL_REPORT, C.RESEARCH_PAPER),
    "research-paper": (C.RESEARCH_PAPER, C.TECHNICAL_REPORT),
    "preprint": (C.RESEARCH_PAPER, C.TECHNICAL_REPORT),
    "datasheet": (C.DATA_CARD,),
}

# phrases in an entry's own text that say a component is released
CLAIMS = (
    (re.compile(r"\btraining code\b", re.I), C.TRAINING_CODE),
    (re.compile(r"\b(?:data[- ]?(?:processing|preparation|preprocessing|curation) code|data pipeline|"
                r"data[- ]processing toolkit)\b", re.I), C.PREPROCESSING_CODE),
    (re.compile(r"\bevaluation code\b", re.I), C.EVALUATION_CODE),
    (re.compile(r"\binference code\b", re.I), C.INFERENCE_CODE),
    (re.compile(r"\bintermediate checkpoints\b|\b\d+ (?:intermediate )?checkpoints\b", re.I), C.CHECKPOINTS),
)
NEGATION = re.compile(r"\b(?:not|no|nor|neither|without|withheld|withholds|closed|unreleased|isn't|aren't|"
                      r"never|except|only|but|based on)\b", re.I)

# license names a summary may claim, as the canonical id they mean
LICENSE_WORDS = (
    (re.compile(r"\bApache[- ]?2(?:\.0)?\b", re.I), "Apache-2.0"),
    (re.compile(r"\bMIT\b"), "MIT"),
    (re.compile(r"\bBSD[- ]3\b", re.I), "BSD-3-Clause"),
    (re.compile(r"\bCC[- ]BY[- ]4\.0\b", re.I), "CC-BY-4.0"),
)
HEDGE = re.compile(r"\b(?:based on|derived from|modified|like|not|no)\b", re.I)
# words that call a release open in the OSAID sense, and the components that sense needs
OPENNESS = re.compile(r"\bfully[- ](?:open|transparent)\b|\bopen[- ]source\b", re.I)
OPEN_NEEDS = (C.WEIGHTS, C.TRAINING_CODE, C.PREPROCESSING_CODE, C.EVALUATION_CODE, C.DATASETS)
# tokens a lineage name may carry that a catalog entry for the same model leaves out
LINEAGE_SUFFIXES = ("base", "hf", "instruct", "chat", "it", "pretrained")


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"\.\s|\.$|[;:()]|\bbut\b|\bwhile\b|\bwhereas\b", text) if c.strip()]


def _texts(release: Release) -> list[tuple[str, str]]:
    out = [("summary", release.summary or "")]
    for field in ("training_data", "tuning_data"):
        td = getattr(release, field)
        if td is not None and td.summary:
            out.append((f"{field}.summary", td.summary))
    return out


def undocumented_components(release: Release) -> list[str]:
    """Documentation that stands for a component (a report, paper, datasheet) no component records."""
    out = []
    for kind, names in DOC_COMPONENTS.items():
        docs = release.docs(kind)
        if docs and not any(release.component(n) for n in names):
            out.append(f"documentation lists a {kind} ({docs[0].url}) but no component records it: "
                       f"add a '{names[0]}' component with its license ('unlicensed' when it has none)")
    return out


def unrecorded_claims(release: Release) -> list[str]:
    """The entry's own text says a component is released, and the component is not listed."""
    out = []
    for field, text in _texts(release):
        for clause in _clauses(text):
            if NEGATION.search(clause):
                continue
            for pattern, name in CLAIMS:
                m = pattern.search(clause)
                if m and release.component(name) is None:
                    out.append(f"{field} says '{m.group(0)}' is released but no '{name}' component is listed")
    return list(dict.fromkeys(out))


def _recorded_licenses(release: Release) -> set[str]:
    lics = {release.effective_license(c.name) for c in release.components} - {None}
    for kind in ("distribution", "code", "data", "document"):
        g = release.license.for_type(kind)
        if g is not None and g.name:
            lics.add(g.name)
    return {x.lower() for x in lics if x}


def unbacked_license_claims(release: Release) -> list[str]:
    """The summary names an open license no component or release-wide license records."""
    recorded = _recorded_licenses(release)
    out = []
    for clause in _clauses(release.summary or ""):
        if HEDGE.search(clause):
            continue
        for pattern, lic in LICENSE_WORDS:
            m = pattern.search(clause)
            if m and not any(lic.lower() in r for r in recorded):
                out.append(f"summary says '{m.group(0)}' but no component or release-wide license is {lic}")
    return list(dict.fromkeys(out))


def unbacked_openness_claims(release: Release) -> list[str]:
    """The summary calls the release fully open or open source, and components that needs are missing."""
    for clause in _clauses(release.summary or ""):
        m = OPENNESS.search(clause)
        if m and not NEGATION.search(clause):
            missing = [n for n in OPEN_NEEDS if release.component(n) is None]
            if missing:
                return [f"summary calls it '{m.group(0)}' but these components are not recorded: {', '.join(missing)}"]
    return []


def _strip_suffixes(name: str) -> str:
    tokens = [t for t in re.split(r"[^a-z0-9.]+", name.lower()) if t]
    while tokens and tokens[-1] in LINEAGE_SUFFIXES:
        tokens.pop()
    return re.sub(r"[^a-z0-9]+", "", "".join(tokens))


def misnamed_lineage(release: Release, catalog: tuple[Release, ...]) -> list[str]:
    """A base model the catalog holds under another name: its assessment would not carry over."""
    from .loader import normalize

    base = release.base_model
    if base is None:
        return []
    keys = {normalize(k): r for r in catalog for k in (r.id, r.name, *r.aliases)}
    if normalize(base.id) in keys:
        return []
    wanted = _strip_suffixes(base.id)
    for r in catalog:  # only the base name sheds suffixes: 'Gemma-7B' is not 'gemma-7b-it'
        if r.id != release.id and any(normalize(k) == wanted for k in (r.id, r.name, *r.aliases)):
            return [f"base_model '{base.id}' is not a catalog name, but the catalog has '{r.id}': use that id, "
                    f"or give '{r.id}' the alias, so the base model is assessed"]
    return []


def check(release: Release, catalog: tuple[Release, ...] | None = None) -> list[str]:
    """Every self-contradiction of one entry, as validate findings."""
    if catalog is None:
        from .loader import load

        catalog = load()
    return (undocumented_components(release) + unrecorded_claims(release)
            + unbacked_license_claims(release) + unbacked_openness_claims(release)
            + misnamed_lineage(release, catalog))
