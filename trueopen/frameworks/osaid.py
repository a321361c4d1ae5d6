"""OSI's Open Source AI Definition 1.0 (approved 2024-10-27) as a checklist over release facts.

Each check passes, fails or is unknown. A release conforms only when every required check
passes; any unknown makes the result undetermined, never a pass. Code must be under
OSI-approved licenses; parameters and data information under terms that grant the four
freedoms (OSI-approved, FSF-libre, or an open-content license such as CC-BY or CDLA-Permissive).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import components as C
from ..licenses import terms as T
from ..release import Release

FRAMEWORK = "OSI Open Source AI Definition 1.0 (2024-10-27)"

PASS, FAIL, UNKNOWN, INFO = "pass", "fail", "unknown", "info"


@dataclass(frozen=True)
class Check:
    id: str
    requirement: str
    outcome: str
    reason: str
    required: bool = True
    part: str = ""  # what the check is about, in plain words ("data-processing code"), for reasons


@dataclass(frozen=True)
class OsaidResult:
    checks: tuple[Check, ...]

    @property
    def unmet(self) -> list[Check]:
        return [c for c in self.checks if c.required and c.outcome == FAIL]

    @property
    def unknown(self) -> list[Check]:
        return [c for c in self.checks if c.required and c.outcome == UNKNOWN]

    @property
    def conformant(self) -> bool:
        return not self.unmet and not self.unknown

    @property
    def determined(self) -> bool:
        return bool(self.unmet) or not self.unknown


def _governing(release: Release) -> dict[str, str | None]:
    """Effective license of every listed component, by component name."""
    return {c.name: release.effective_license(c.name) for c in release.components}


# Plain names of the code parts, as the verdict's reasons say them.
CODE_PARTS = {"C-TRAIN": "training code", "C-DATA": "data-processing code", "C-EVAL": "evaluation code",
              "C-LIBS": "supporting libraries", "C-INFER": "inference code", "C-ARCH": "architecture code"}


def _code_check(release: Release, cid: str, name: str, requirement: str, required: bool = True) -> Check:
    part = CODE_PARTS[cid]
    comp = release.component(name)
    if comp is None:
        if not required:
            return Check(cid, requirement, INFO, f"{name} not listed; required only where used", False, part)
        return Check(cid, requirement, FAIL, f"{name} is not released", part=part)
    lic = release.effective_license(name)
    if not lic:
        return Check(cid, requirement, FAIL, f"{name} is released without a license", required, part)
    if T.is_osi_approved(lic):
        return Check(cid, requirement, PASS, f"{name} released under {lic} (OSI-approved)", required, part)
    if T.lookup(lic) is None:
        return Check(cid, requirement, UNKNOWN, f"{name} is under '{lic}', a license we cannot identify", required, part)
    return Check(cid, requirement, FAIL, f"{name} is under {lic}, not an OSI-approved license", required, part)


def _license_checks(release: Release) -> list[Check]:
    # the system's code and data; documents' terms are D-TERMS's question, not asked twice
    governing = {n: l for n, l in _governing(release).items()
                 if l and C.BY_NAME[n].content_type != "document"}
    ids = sorted(set(governing.values()))
    if ids and release.component(C.WEIGHTS) is None and release.weights_unreleased:
        # The freedoms are asked of the system: an open license on its code or a side tool does
        # not grant them while the model itself is never released.
        reason = f"the weights are not released; {', '.join(ids)} cover{'s' if len(ids) == 1 else ''} other parts only"
        return [Check(k, r, FAIL, reason, part="license") for k, r in (
            ("L-USE", "use for any purpose"), ("L-MOD", "modify for any purpose"),
            ("L-SHARE", "share, modified or not, for any purpose"))]
    if not ids:
        if release.weights_unreleased:
            reason = "nothing is released under a license; use is only through the producer's service terms"
            return [Check(k, r, FAIL, reason, part="license") for k, r in (
                ("L-USE", "use for any purpose"), ("L-MOD", "modify for any purpose"),
                ("L-SHARE", "share, modified or not, for any purpose"))]
        reason = "no license is recorded for any released component"
        return [Check(k, r, UNKNOWN, reason, part="license") for k, r in (
            ("L-USE", "use for any purpose"), ("L-MOD", "modify for any purpose"),
            ("L-SHARE", "share, modified or not, for any purpose"))]
    use_fail, mod_fail, share_fail, unknown = [], [], [], []
    for lic in ids:
        t = T.lookup(lic)
        if t is None or t.category == "unknown":
            unknown.append(lic)
            continue
        found = T.limits(t)  # the same reading that decides P-TERMS and every other framework
        use_fail += [f"{lic}: {x}" for x in found["use"]]
        mod_fail += [f"{lic}: {x}" for x in found["modify"]]
        share_fail += [f"{lic}: {x}" for x in found["share"]]
    checks = []
    for cid, req, fails in (
        ("L-USE", "use for any purpose, by anyone, with no user cap", use_fail),
        ("L-MOD", "modify for any purpose, including training other models", mod_fail),
        ("L-SHARE", "share, modified or not, for any purpose", share_fail),
    ):
        if fails:
            checks.append(Check(cid, req, FAIL, "; ".join(dict.fromkeys(fails)), part="license"))
        elif unknown:
            checks.append(Check(cid, req, UNKNOWN, f"terms of {', '.join(unknown)} are not known", part="license"))
        else:
            checks.append(Check(cid, req, PASS, f"{', '.join(ids)} allow{'s' if len(ids) == 1 else ''} it",
                                part="license"))
    return checks


DOC_KINDS = ("technical-report", "research-paper", "preprint", "datasheet")
DOC_PARTS = {C.DATA_CARD: "data card", C.TECHNICAL_REPORT: "technical report", C.RESEARCH_PAPER: "paper"}


def _data_checks(release: Release) -> list[Check]:
    td = release.training_data
    desc, pub = "full description of all training data", "list of public training data and where to get it"
    checks = []
    if td is None:
        checks.append(Check("D-DESC", desc, UNKNOWN, "no facts on training data", part="training data"))
        checks.append(Check("D-PUB", pub, UNKNOWN, "no facts on training data", part="training datasets"))
    else:
        outcome = PASS if td.disclosure == "full" else FAIL
        words = {"full": "training data fully described", "partial": "training data described only in part",
                 "none": "training data not disclosed"}[td.disclosure]
        checks.append(Check("D-DESC", desc, outcome, words, part="training data"))
        datasets = release.component(C.DATASETS)
        if td.disclosure == "full" and (td.datasets or datasets is not None):
            checks.append(Check("D-PUB", pub, PASS, f"{len(td.datasets) or 'the'} dataset(s) listed",
                                part="training datasets"))
        else:
            checks.append(Check("D-PUB", pub, FAIL, "no complete list of training datasets", part="training datasets"))
    checks.append(_data_terms(release))
    return checks


def _data_terms(release: Release) -> Check:
    """Data information under open terms: read from the data card, report and paper components,
    and, when none is recorded, from the documentation, so a published report is never called
    unreleased."""
    req = "data information under open terms"
    listed = [n for n in (C.DATA_CARD, C.TECHNICAL_REPORT, C.RESEARCH_PAPER) if release.component(n)]
    free = {n: T.grants_freedoms(release.effective_license(n)) for n in listed}
    open_docs = [DOC_PARTS[n] for n in listed if free[n]]
    if open_docs:
        return Check("D-TERMS", req, PASS, f"the {' and '.join(open_docs)} under open terms", part=open_docs[0])
    unknown = [n for n in listed if free[n] is None]
    if unknown:
        names = " and ".join(f"{DOC_PARTS[n]} ({release.effective_license(n)})" for n in unknown)
        return Check("D-TERMS", req, UNKNOWN, f"the terms of the {names} are not known", part=DOC_PARTS[unknown[0]])
    if listed:
        return Check("D-TERMS", req, FAIL, f"the {' and '.join(DOC_PARTS[n] for n in listed)} "
                     f"{'has' if len(listed) == 1 else 'have'} no open license recorded", part=DOC_PARTS[listed[0]])
    docs = release.docs(*DOC_KINDS)
    if docs:
        title = docs[0].title or docs[0].url
        return Check("D-TERMS", req, UNKNOWN, f"'{title}' is published, but no license for it is recorded",
                     part="documentation")
    return Check("D-TERMS", req, FAIL, "no data card, technical report or paper is released",
                 part="data card, report or paper")


def _parameter_checks(release: Release) -> list[Check]:
    checks = []
    weights = release.component(C.WEIGHTS)
    access = release.access
    if access is not None and access.weights == "none":
        checks.append(Check("P-AVAIL", "final parameters downloadable", FAIL, "weights are not released"))
    elif weights is None and access is None:
        checks.append(Check("P-AVAIL", "final parameters downloadable", UNKNOWN, "no facts on the weights"))
    elif weights is None:
        checks.append(Check("P-AVAIL", "final parameters downloadable", FAIL, "weights are not listed as released"))
    else:
        checks.append(Check("P-AVAIL", "final parameters downloadable", PASS, "weights are released"))
    terms_req = "parameters under terms granting the four freedoms"
    lic = release.effective_license(C.WEIGHTS) if weights is not None else None
    free = T.grants_freedoms(lic) if weights is not None else False
    if weights is None:
        outcome, why = FAIL, "no released weights to license"
    elif free is None:
        outcome, why = UNKNOWN, f"weights license '{lic}' is not known"
    elif free:
        outcome, why = PASS, f"weights under {lic}"
    else:
        outcome, why = FAIL, f"weights under {lic or 'no license'}, which does not grant the four freedoms"
    checks.append(Check("P-TERMS", terms_req, outcome, why))
    if access is not None and access.weights == "gated":
        if access.approval:
            checks.append(Check("L-PERM", "use without asking permission", FAIL,
                                "downloads need the producer's approval"))
        else:
            checks.append(Check("L-PERM", "use without asking permission", PASS,
                                "downloads behind a click-through of the terms, no approval"))
    elif access is not None and access.weights == "download":
        checks.append(Check("L-PERM", "use without asking permission", PASS, "weights download freely"))
    elif access is not None:
        checks.append(Check("L-PERM", "use without asking permission", FAIL, "only reachable through the producer's service"))
    else:
        checks.append(Check("L-PERM", "use without asking permission", UNKNOWN, "access is not known"))
    ckpt = release.component(C.CHECKPOINTS)
    checks.append(Check("P-CKPT", "intermediate checkpoints (an example, not required)", INFO,
                        "released" if ckpt else "not released", required=False))
    return checks


def assess(release: Release, base: OsaidResult | None = None) -> OsaidResult:
    """Check a release against OSAID 1.0. `base` is the base model's result, for fine-tunes."""
    checks = _license_checks(release)
    checks += _data_checks(release)
    checks += [
        _code_check(release, "C-TRAIN", C.TRAINING_CODE, "training code under an OSI-approved license"),
        _code_check(release, "C-DATA", C.PREPROCESSING_CODE, "data processing and filtering code under an OSI-approved license"),
        _code_check(release, "C-EVAL", C.EVALUATION_CODE, "validation and testing code under an OSI-approved license"),
        _code_check(release, "C-LIBS", C.SUPPORTING_LIBRARIES, "supporting libraries under an OSI-approved license", required=False),
        _code_check(release, "C-INFER", C.INFERENCE_CODE, "inference code under an OSI-approved license"),
        _code_check(release, "C-ARCH", C.ARCHITECTURE, "model architecture under an OSI-approved license"),
    ]
    checks += _parameter_checks(release)
    if release.base_model is not None:
        if base is None and release.base_model.weights == "none":
            checks.append(Check("S-LINEAGE", "base model also open source", FAIL,
                                f"base model {release.base_model.id} was never released", part=f"base model {release.base_model.id}"))
        elif base is None:
            checks.append(Check("S-LINEAGE", "base model also open source", UNKNOWN,
                                f"base model {release.base_model.id} is not assessed", part=f"base model {release.base_model.id}"))
        elif base.conformant:
            checks.append(Check("S-LINEAGE", "base model also open source", PASS, f"{release.base_model.id} conforms",
                                part=f"base model {release.base_model.id}"))
        else:
            checks.append(Check("S-LINEAGE", "base model also open source", FAIL, f"{release.base_model.id} does not conform",
                                part=f"base model {release.base_model.id}"))
    return OsaidResult(tuple(c if c.part else replace(c, part=OTHER_PARTS.get(c.id, c.id)) for c in checks))


OTHER_PARTS = {"P-AVAIL": "weights", "P-TERMS": "weights' license", "L-PERM": "access to the weights",
               "P-CKPT": "intermediate checkpoints", "S-LINEAGE": "base model"}
